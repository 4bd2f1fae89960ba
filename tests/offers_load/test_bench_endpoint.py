"""The bare benchmark endpoint exists only when GRANTS_BENCH_ENDPOINT=1 and never in production."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from grants.accounts.models import LoginAttempt


def _rows(session) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(LoginAttempt))


@pytest.fixture
def fresh_app(app, monkeypatch):
    from grants import create_app
    from grants.jobs import broker
    made = []

    def make(**env):
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        a = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False})
        made.append(a)
        return a
    yield make
    broker.bind_app(app)  # the session's app again


def _has_route(a) -> bool:
    return any(r.rule.startswith("/_bench") for r in a.url_map.iter_rules())


def test_the_bench_endpoint_does_not_exist_by_default(app, client, session):
    assert not _has_route(app)
    assert client.post("/_bench/insert").status_code == 404
    assert _rows(session) == 0


def test_the_bench_endpoint_inserts_one_row_when_enabled(fresh_app, session):
    a = fresh_app(GRANTS_BENCH_ENDPOINT="1")
    assert _has_route(a)
    c = a.test_client()
    a.config["WTF_CSRF_ENABLED"] = True  # a bare POST without a CSRF token still works: no form, no session
    r = c.post("/_bench/insert")
    assert r.status_code == 201, r.get_data(as_text=True)
    assert _rows(session) == 1


# production refuses a SQLite database unless told otherwise (grants.core.config): the test database
# may be SQLite on the embedded path, and what is checked here is the endpoint, not that refusal
@pytest.mark.parametrize("env", [{"GRANTS_BENCH_ENDPOINT": "0"}, {"GRANTS_BENCH_ENDPOINT": "yes"},
                                 {"GRANTS_BENCH_ENDPOINT": "1", "GRANTS_ENV": "production",
                                  "GRANTS_ALLOW_SQLITE": "1"}])
def test_the_bench_endpoint_stays_off_unless_exactly_enabled_outside_production(fresh_app, session, env):
    a = fresh_app(**env)
    assert not _has_route(a)
    assert a.test_client().post("/_bench/insert").status_code == 404
    assert _rows(session) == 0
