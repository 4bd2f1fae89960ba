"""Lists run a constant number of queries, however many rows they show."""
from __future__ import annotations

from datetime import timedelta

import pytest

from grants.consultations import operations as ops
from grants.core import clock
from tests.factories import department


@pytest.fixture(autouse=True)
def _steady(monkeypatch):
    from argon2 import PasswordHasher

    from grants.accounts import passwords
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    # the clock re-reads its offset every second: not inside a measurement
    monkeypatch.setattr(clock, "_CACHE_TTL", 3600.0)


_made = [0]


def _add(session, officers, n: int) -> None:
    """n consultations, each of a department of its own (a lazy per-row load would show), half open."""
    now = clock.now()
    admin = officers[2]
    for _ in range(n):
        i = _made[0] = _made[0] + 1
        dept = department(session, f"D{i}")
        session.commit()
        c = ops.create(session, admin, title=f"Konsultacja {i}", fields=["culture"], department_id=dept.id,
                       starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=10 + i))
        session.commit()
        if i % 2:
            ops.transition(session, c, "open", admin)
    session.close()


def _queries(count_queries, fetch) -> int:
    fetch()  # warm up (first-request work, caches)
    with count_queries() as n:
        fetch()
    return n()


@pytest.fixture
def officers(make_user, session):
    department(session, "WSS")
    session.commit()
    return [make_user("officer"), make_user("officer", department_code="WSS"), make_user("admin")]


def test_api_list_constant_queries(client, session, officers, api_token, count_queries):
    headers = api_token(officers[0])
    counts = []
    for total in (5, 50):
        _add(session, officers, total - (counts and 5 or 0))
        def fetch():
            r = client.get("/api/v1/consultations?per_page=100", headers=headers)
            assert r.status_code == 200
            return r
        counts.append(_queries(count_queries, fetch))
        assert fetch().get_json()["total"] > 0
    assert counts[0] == counts[1], counts
    assert counts[0] <= 8, counts


def test_api_public_list_constant_queries(client, session, officers, count_queries):
    counts = []
    for total in (5, 50):
        _add(session, officers, total - (counts and 5 or 0))
        counts.append(_queries(count_queries, lambda: client.get("/api/v1/consultations?per_page=100")))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("who", ["anonymous", "officer", "admin"])
def test_list_page_constant_queries(app, session, officers, login, count_queries, who):
    c = app.test_client()
    if who == "officer":
        login(officers[0], c)
    elif who == "admin":
        login(officers[2], c)
    counts = []
    for total in (5, 50):
        _add(session, officers, total - (counts and 5 or 0))
        def fetch():
            r = c.get("/consultations/")
            assert r.status_code == 200
            assert r.get_data(as_text=True).count("Wydział D") >= 2  # drafts of other departments hidden
        counts.append(_queries(count_queries, fetch))
    assert counts[0] == counts[1], counts
