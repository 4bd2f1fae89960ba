"""The one clock for business time (ARCHITECTURE.md "Time and money"): aware UTC, movable outside
production by an offset stored in the database, so every process sees the same business time."""
from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from grants.core import clock, db
from grants.core.models import AppSetting

UTC = timezone.utc
WARSAW = ZoneInfo("Europe/Warsaw")
SLACK = timedelta(seconds=5)  # real time passing while a test runs


@pytest.fixture(autouse=True)
def _real_time(monkeypatch):
    monkeypatch.setenv("GRANTS_ENV", "development")
    clock.invalidate_cache()
    yield
    monkeypatch.setenv("GRANTS_ENV", "development")
    clock.reset_clock()


def _stored() -> str | None:
    with db.get_engine().connect() as c:
        return c.execute(select(AppSetting.value).where(AppSetting.key == clock._KEY)).scalar()


def _close(a: datetime, b: datetime, slack: timedelta = SLACK) -> bool:
    return abs(a - b) <= slack


def test_now_is_aware_utc_and_real_time_by_default():
    n = clock.now()
    assert n.tzinfo is not None and n.utcoffset() == timedelta(0)
    assert _close(n, datetime.now(UTC))
    assert clock.offset_seconds() == 0.0
    assert _stored() is None


def test_set_clock_moves_business_time_and_stores_the_offset():
    target = datetime(2027, 3, 1, 10, 0, tzinfo=WARSAW)
    shown = clock.set_clock(target)
    assert _close(shown, target) and _close(clock.now(), target)
    assert clock.now().utcoffset() == timedelta(0)
    assert _close(clock.real_now(), datetime.now(UTC))          # technical time does not move
    assert float(_stored()) == pytest.approx((target - datetime.now(UTC)).total_seconds(), abs=5)
    assert clock.today() == date(2027, 3, 1)


def test_set_clock_naive_moment_is_warsaw_time():
    clock.set_clock(datetime(2027, 7, 1, 12, 0))                  # CEST: 10:00Z
    assert _close(clock.now(), datetime(2027, 7, 1, 10, 0, tzinfo=UTC))


def test_time_keeps_running_after_set(monkeypatch):
    fake = [datetime(2026, 1, 1, 12, 0, tzinfo=UTC)]
    monkeypatch.setattr(clock, "real_now", lambda: fake[0])
    target = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
    assert clock.set_clock(target) == target
    fake[0] += timedelta(days=3, hours=2, seconds=7)
    assert clock.now() == target + timedelta(days=3, hours=2, seconds=7)
    # and with the real system clock: business time advances as real time does
    monkeypatch.undo()
    monkeypatch.setenv("GRANTS_ENV", "development")
    clock.set_clock(target)
    first = clock.now()
    time.sleep(0.02)
    second = clock.now()
    assert timedelta(milliseconds=15) <= second - first < SLACK


def test_today_is_the_warsaw_date():
    clock.set_clock(datetime(2026, 12, 31, 23, 30, tzinfo=WARSAW))      # 22:30Z on 31 Dec
    assert clock.today() == date(2026, 12, 31)
    clock.set_clock(datetime(2027, 1, 1, 0, 30, tzinfo=WARSAW))         # still 31 Dec in UTC
    assert clock.now().date() == date(2026, 12, 31)
    assert clock.today() == date(2027, 1, 1)


def test_reset_returns_to_real_time():
    clock.set_clock(datetime(2030, 1, 1, tzinfo=UTC))
    assert not _close(clock.now(), datetime.now(UTC))
    clock.reset_clock()
    assert _stored() is None
    assert _close(clock.now(), datetime.now(UTC))
    assert clock.offset_seconds() == 0.0


def test_a_moved_clock_is_seen_through_another_connection(monkeypatch):
    """Another process (here: a second engine on the same database) moves the clock; this process
    sees it once its short cache expires or is invalidated, and vice versa."""
    monkeypatch.setattr(clock, "_CACHE_TTL", 3600.0)
    url = db.get_engine().url.render_as_string(hide_password=False)
    other = db.make_engine(url)
    try:
        assert _close(clock.now(), datetime.now(UTC))                  # caches "no offset"
        offset = timedelta(days=40).total_seconds()
        with other.begin() as c:                                       # what set_clock there writes
            c.execute(AppSetting.__table__.insert().values(key=clock._KEY, value=repr(offset)))
        assert _close(clock.now(), datetime.now(UTC))                  # still the cached value
        clock.invalidate_cache()
        assert _close(clock.now(), datetime.now(UTC) + timedelta(days=40))

        # this process moves it; the other connection reads the same offset
        target = datetime(2028, 2, 29, 8, 0, tzinfo=UTC)
        clock.set_clock(target)
        with other.connect() as c:
            raw = c.execute(select(AppSetting.value).where(AppSetting.key == clock._KEY)).scalar_one()
        assert _close(datetime.now(UTC) + timedelta(seconds=float(raw)), target)
    finally:
        other.dispose()


def test_a_moved_clock_is_seen_after_the_cache_ttl(monkeypatch):
    monkeypatch.setattr(clock, "_CACHE_TTL", 0.0)
    clock.now()
    with db.get_engine().begin() as c:
        c.execute(AppSetting.__table__.insert().values(key=clock._KEY, value=repr(86400.0)))
    assert _close(clock.now(), datetime.now(UTC) + timedelta(days=1))


# ---------------------------------------------------------------- parse_moment

@pytest.mark.parametrize("text, expected", [
    ("2027-03-01T10:00", datetime(2027, 3, 1, 9, 0, tzinfo=UTC)),            # naive: Warsaw, CET
    ("2027-07-01T10:00", datetime(2027, 7, 1, 8, 0, tzinfo=UTC)),            # naive: Warsaw, CEST
    ("2027-07-01 10:00:30", datetime(2027, 7, 1, 8, 0, 30, tzinfo=UTC)),
    ("2027-03-01", datetime(2027, 2, 28, 23, 0, tzinfo=UTC)),                # midnight in Warsaw
    ("2027-03-01T10:00Z", datetime(2027, 3, 1, 10, 0, tzinfo=UTC)),
    ("2027-03-01T10:00+00:00", datetime(2027, 3, 1, 10, 0, tzinfo=UTC)),
    ("2027-03-01T10:00-05:00", datetime(2027, 3, 1, 15, 0, tzinfo=UTC)),
    ("  2027-03-01T10:00  ", datetime(2027, 3, 1, 9, 0, tzinfo=UTC)),
])
def test_parse_moment(text, expected):
    got = clock.parse_moment(text)
    assert got == expected and got.utcoffset() == timedelta(0)


@pytest.mark.parametrize("bad", ["", "tomorrow", "2027-13-01", "2027-02-30T10:00", "01.03.2027 10:00",
                                 "2027-03-01T25:00", None])
def test_parse_moment_refuses_garbage_with_a_clear_error(bad):
    with pytest.raises(clock.ClockError, match="not an ISO datetime"):
        clock.parse_moment(bad)


# ---------------------------------------------------------------- production

@pytest.mark.parametrize("env", ["production", "Production", " PRODUCTION "])
def test_the_clock_cannot_be_moved_in_production(monkeypatch, env):
    monkeypatch.setenv("GRANTS_ENV", env)
    with pytest.raises(clock.ClockError, match="production"):
        clock.set_clock(datetime(2030, 1, 1, tzinfo=UTC))
    with pytest.raises(clock.ClockError, match="production"):
        clock.reset_clock()
    assert _stored() is None
    assert _close(clock.now(), datetime.now(UTC))


def test_production_ignores_a_stored_offset(monkeypatch):
    clock.set_clock(datetime(2030, 1, 1, tzinfo=UTC))           # left behind by a demo, say
    assert _stored() is not None
    monkeypatch.setenv("GRANTS_ENV", "production")
    assert clock.offset_seconds() == 0.0                         # even with a warm cache
    assert _close(clock.now(), datetime.now(UTC))
    clock.invalidate_cache()
    assert _close(clock.now(), datetime.now(UTC))


def test_an_unknown_env_counts_as_production_for_the_clock(monkeypatch):
    monkeypatch.setenv("GRANTS_ENV", "prod")                     # a typo must not unlock the clock
    with pytest.raises(clock.ClockError):
        clock.set_clock(datetime(2030, 1, 1, tzinfo=UTC))
    assert _stored() is None


# ---------------------------------------------------------------- CLI

def test_cli_clock_set_show_reset(app):
    runner = app.test_cli_runner()
    r = runner.invoke(args=["clock", "set", "2027-03-01T10:00"])
    assert r.exit_code == 0, r.output
    assert "2027-03-01T10:00" in r.output and "+01:00" in r.output
    assert _close(clock.now(), datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
    assert _stored() is not None

    r = runner.invoke(args=["clock", "show"])
    assert r.exit_code == 0, r.output
    assert r.output.startswith("2027-03-01T10:0") and "offset +" in r.output

    r = runner.invoke(args=["clock", "reset"])
    assert r.exit_code == 0 and "real time" in r.output
    assert _stored() is None
    r = runner.invoke(args=["clock", "show"])
    assert "(offset +0 s)" in r.output


@pytest.mark.parametrize("bad", ["next monday", "2027-02-30T10:00", ""])
def test_cli_clock_set_bad_iso_is_a_clear_error_and_changes_nothing(app, bad):
    runner = app.test_cli_runner()
    r = runner.invoke(args=["clock", "set", bad])
    assert r.exit_code != 0
    assert "not an ISO datetime" in r.output
    assert "Traceback" not in r.output
    assert isinstance(r.exception, SystemExit)          # a click error, not a crash
    assert _stored() is None
    assert _close(clock.now(), datetime.now(UTC))


def test_cli_clock_set_refused_in_production(app, monkeypatch):
    monkeypatch.setenv("GRANTS_ENV", "production")
    r = app.test_cli_runner().invoke(args=["clock", "set", "2027-03-01T10:00"])
    assert r.exit_code != 0 and "production" in r.output
    assert _stored() is None


def test_a_read_begun_before_the_clock_moved_is_not_kept(session, monkeypatch):
    """A thread reading the offset while this process moves the clock must not put the old offset
    back into the cache afterwards (a scheduler run right after would see the old time)."""
    import threading

    from grants.core import clock as clk
    clk.set_clock(clk.parse_moment("2031-01-01T10:00"))
    old = clk.offset_seconds()
    clk.invalidate_cache()
    reading, release = threading.Event(), threading.Event()

    class Stale:  # answers the offset it saw before the clock moved, once the move is done
        def connect(self):
            return self

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def execute(self, _q):
            reading.set()
            release.wait(10)
            return self

        def scalar(self):
            return repr(old)
    real = clk._reader
    monkeypatch.setattr(clk, "_reader", lambda engine: Stale())
    stale = threading.Thread(target=clk.offset_seconds)
    stale.start()
    reading.wait(10)
    monkeypatch.setattr(clk, "_reader", real)
    clk.set_clock(clk.parse_moment("2032-06-01T10:00"))  # moved while the other thread reads
    release.set()
    stale.join(10)
    assert clk.now().year == 2032
    clk.reset_clock()
