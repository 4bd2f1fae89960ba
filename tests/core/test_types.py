"""Money and UTCDateTime columns round-trip exactly on the test database (PostgreSQL in CI, SQLite
locally). A temporary table on the test engine, created here and dropped after: no app models."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, Integer, MetaData, Table, func, insert, select, text
from sqlalchemy.exc import StatementError

from grants.core import db
from grants.core.money import MoneyError
from grants.core.types import Money, UTCDateTime

WARSAW = ZoneInfo("Europe/Warsaw")
meta = MetaData()
probe = Table(
    "zz_test_core_types_probe", meta,
    Column("id", Integer, primary_key=True),
    Column("amount", Money),
    Column("at", UTCDateTime),
)

DB_SETTINGS = settings(max_examples=60, deadline=None,
                       suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(autouse=True)
def _clean_database():
    """Every row here is rolled back with its connection: skip the conftest's per-test wipe."""
    yield


@pytest.fixture(scope="module")
def engine():
    eng = db.get_engine()
    meta.drop_all(eng)
    meta.create_all(eng)
    yield eng
    meta.drop_all(eng)


@pytest.fixture
def conn(engine):
    """One connection per test; every row written is rolled back at the end."""
    with engine.connect() as c:
        tx = c.begin()
        yield c
        tx.rollback()


def _round_trip(conn, **values):
    row_id = conn.execute(insert(probe).values(**values).returning(probe.c.id)).scalar_one()
    try:
        return conn.execute(select(probe).where(probe.c.id == row_id)).one()
    finally:
        conn.execute(probe.delete().where(probe.c.id == row_id))


def _count(conn) -> int:
    return conn.execute(select(func.count()).select_from(probe)).scalar_one()


# ---------------------------------------------------------------- Money

@given(st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2,
                   allow_nan=False, allow_infinity=False))
@DB_SETTINGS
def test_money_round_trips_exactly(conn, amount):
    back = _round_trip(conn, amount=amount).amount
    assert isinstance(back, Decimal)
    assert back == amount
    assert back.as_tuple().exponent == -2        # always two places, "1250.00" in JSON


@pytest.mark.parametrize("given_value, stored, grosze", [
    (Decimal("0.1"), "0.10", 10),
    (Decimal("0.29"), "0.29", 29),          # int(0.29 * 100) in floats is 28
    ("1 250,50", "1250.50", 125050),
    (7, "7.00", 700),
    (Decimal("-0.01"), "-0.01", -1),
    (Decimal("0.005"), "0.01", 1),          # rounded half up on the way in
    (Decimal("999999999999.99"), "999999999999.99", 99999999999999),
    (Decimal("92233720368547758.07"), "92233720368547758.07", 2**63 - 1),   # BIGINT's maximum
])
def test_money_is_stored_as_whole_grosze(conn, given_value, stored, grosze):
    row = _round_trip(conn, amount=given_value)
    assert str(row.amount) == stored
    row_id = conn.execute(insert(probe).values(amount=given_value).returning(probe.c.id)).scalar_one()
    raw = conn.execute(text(f"SELECT amount FROM {probe.name} WHERE id = :i"), {"i": row_id}).scalar_one()
    assert raw == grosze and isinstance(raw, int)


def test_money_none_round_trips(conn):
    assert _round_trip(conn, amount=None).amount is None


def test_money_compares_in_sql(conn):
    conn.execute(insert(probe), [{"amount": Decimal(a)} for a in ("0.10", "0.29", "12.34", "-5.00")])
    found = conn.execute(select(probe.c.amount).where(probe.c.amount >= Decimal("0.29"))
                         .order_by(probe.c.amount)).scalars().all()
    assert found == [Decimal("0.29"), Decimal("12.34")]
    total = conn.execute(select(func.sum(probe.c.amount))).scalar_one()   # summed in grosze, exact
    assert total == Decimal("7.73") and str(total) == "7.73"


@pytest.mark.parametrize("bad", [0.1, 1.5, "abc", "NaN", Decimal("Infinity"),
                                 Decimal("92233720368547758.08"), -Decimal("92233720368547758.09")])
def test_money_column_refuses_bad_values_and_writes_nothing(conn, bad):
    before = _count(conn)
    with pytest.raises(StatementError) as info:
        conn.execute(insert(probe).values(amount=bad))
    assert isinstance(info.value.orig, MoneyError)
    assert _count(conn) == before


# ---------------------------------------------------------------- UTCDateTime

aware = st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2199, 12, 30),
                     timezones=st.sampled_from([
                         timezone.utc, WARSAW, ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata"),
                         ZoneInfo("Pacific/Chatham"), ZoneInfo("Australia/Lord_Howe"),
                         timezone(timedelta(hours=-11, minutes=-30)), timezone(timedelta(hours=14)),
                     ]))


@given(aware)
@DB_SETTINGS
def test_utc_datetime_round_trips_as_equal_aware_utc(conn, moment):
    back = _round_trip(conn, at=moment).at
    assert back.tzinfo is not None
    assert back.utcoffset() == timedelta(0)
    # the same instant, to the microsecond (compared in UTC: Python never calls a time in a
    # repeated or skipped local hour equal to one in another zone, PEP 495)
    assert back == moment.astimezone(timezone.utc)
    assert back.replace(tzinfo=None) == moment.astimezone(timezone.utc).replace(tzinfo=None)


@pytest.mark.parametrize("moment", [
    datetime(2026, 1, 15, 23, 59, 59, 999999, tzinfo=WARSAW),            # winter: CET
    datetime(2026, 7, 15, 0, 0, tzinfo=WARSAW),                          # summer: CEST
    datetime(2026, 10, 25, 2, 30, fold=0, tzinfo=WARSAW),                # the repeated hour, first
    datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=WARSAW),                # ... and second time
    datetime(2026, 3, 29, 0, 59, 59, tzinfo=timezone.utc),               # just before the switch
])
def test_utc_datetime_keeps_the_instant_around_dst(conn, moment):
    back = _round_trip(conn, at=moment).at
    assert back == moment.astimezone(timezone.utc) and back.utcoffset() == timedelta(0)


def test_utc_datetime_repeated_hour_stays_two_instants(conn):
    first = datetime(2026, 10, 25, 2, 30, fold=0, tzinfo=WARSAW)
    second = datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=WARSAW)
    a, b = _round_trip(conn, at=first).at, _round_trip(conn, at=second).at
    assert b - a == timedelta(hours=1)


def test_utc_datetime_compares_across_zones_in_sql(conn):
    deadline = datetime(2026, 11, 12, 23, 59, 59, 999999, tzinfo=WARSAW)   # 22:59:59.999999Z
    conn.execute(insert(probe), [
        {"amount": 1, "at": datetime(2026, 11, 12, 22, 59, 59, 999999, tzinfo=timezone.utc)},  # on time
        {"amount": 2, "at": datetime(2026, 11, 13, 0, 0, tzinfo=WARSAW)},                       # late
        {"amount": 3, "at": datetime(2026, 11, 12, 18, 0, tzinfo=ZoneInfo("America/New_York"))},  # late
        {"amount": 4, "at": datetime(2026, 11, 12, 17, 59, tzinfo=ZoneInfo("America/New_York"))},  # on time
    ])
    on_time = conn.execute(select(probe.c.amount).where(probe.c.at <= deadline)
                           .order_by(probe.c.at)).scalars().all()
    assert on_time == [Decimal("4.00"), Decimal("1.00")]


@pytest.mark.postgres(reason="the connection time zone is a PostgreSQL session setting")
def test_utc_datetime_ignores_the_connection_time_zone(engine):
    moment = datetime(2026, 6, 1, 12, 0, tzinfo=WARSAW)
    with engine.connect() as c:
        tx = c.begin()
        c.execute(text("SET LOCAL TIME ZONE 'Pacific/Chatham'"))
        back = _round_trip(c, at=moment).at
        tx.rollback()
    assert back == moment and back.utcoffset() == timedelta(0)


def test_utc_datetime_none_round_trips(conn):
    assert _round_trip(conn, at=None).at is None


@pytest.mark.parametrize("bad, error", [
    (datetime(2026, 11, 11, 12, 0), ValueError),           # naive: which zone? refused
    (date(2026, 11, 11), TypeError),
    ("2026-11-11T12:00:00+00:00", TypeError),
])
def test_utc_datetime_refuses_naive_and_non_datetimes_and_writes_nothing(conn, bad, error):
    before = _count(conn)
    with pytest.raises(StatementError) as info:
        conn.execute(insert(probe).values(at=bad))
    assert isinstance(info.value.orig, error)
    assert _count(conn) == before
