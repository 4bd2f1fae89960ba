"""The database refusing connections answers 503 with Retry-After (issue 21: it was a 500):
a Polish error page for pages, problem+json for the API. The refusals are real: the scoped
session is bound to an engine on a closed port (or to a pool with no connection left)."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import exc as sa_exc

from grants.core import db
from grants.web.unavailable import RETRY_AFTER_SECONDS

CLOSED_PORT_URL = "postgresql+psycopg://grants@127.0.0.1:1/grants"


@pytest.fixture
def bind_session_to():
    """bind_session_to(engine): requests and tests use `engine` until the test ends."""
    live = db.get_engine()

    def bind(engine):
        db.session.remove()
        db.session.configure(bind=engine)
        return engine
    yield bind
    db.session.remove()
    db.session.configure(bind=live)


@pytest.fixture
def database_down(bind_session_to):
    engine = bind_session_to(db.make_engine(CLOSED_PORT_URL, pool_pre_ping=False))
    yield engine
    engine.dispose()


def _is_503(r):
    assert r.status_code == 503, r.get_data(as_text=True)[:300]
    assert r.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)


@pytest.mark.parametrize("path", ["/", "/consultations/", "/contests/"])
def test_pages_answer_503_with_retry_after_when_database_refuses(client, database_down, path):
    r = client.get(path)
    _is_503(r)
    assert r.mimetype == "text/html"
    page = r.get_data(as_text=True)
    assert "Serwis chwilowo niedostępny" in page and "spróbuj ponownie" in page
    assert '<html lang="pl"' in page
    assert r.headers.get("Content-Security-Policy")  # the usual headers still apply


def test_signed_in_users_page_answers_503_not_500(app, make_user, login, bind_session_to):
    c = login(make_user("officer"), app.test_client())
    live = db.get_engine()
    dead = bind_session_to(db.make_engine(CLOSED_PORT_URL, pool_pre_ping=False))
    try:
        for path in ("/", "/no-such-page"):  # the user is loaded from the database that is down
            r = c.get(path)
            _is_503(r)
            assert "Serwis chwilowo niedostępny" in r.get_data(as_text=True)
    finally:
        dead.dispose()
        bind_session_to(live)
    assert c.get("/").status_code == 200  # back up: the same session works again


def test_api_answers_503_problem_with_retry_after_when_database_refuses(client, make_user, api_token,
                                                                        bind_session_to):
    headers = api_token(make_user("officer"))
    live = db.get_engine()
    dead = bind_session_to(db.make_engine(CLOSED_PORT_URL, pool_pre_ping=False))
    try:
        for path, h in (("/api/v1/contests", {}), ("/api/v1/offers", headers)):
            r = client.get(path, headers=h)
            _is_503(r)
            assert r.mimetype == "application/problem+json"
            body = r.get_json()
            assert (body["status"], body["type"]) == (503, "/problems/unavailable")
        r = client.post("/api/v1/tokens", json={"email": "a@example.org", "password": "x" * 12})
        _is_503(r)
    finally:
        dead.dispose()
        bind_session_to(live)


def test_exhausted_pool_answers_503(client, bind_session_to):
    """No connection within the pool timeout (every connection held elsewhere) is a 503 too."""
    from tests.conftest import DATABASE_URL
    engine = db.make_engine(DATABASE_URL, pool_size=1, max_overflow=0, pool_timeout=0.2)
    bind_session_to(engine)
    held = engine.connect()
    try:
        _is_503(client.get("/api/v1/contests"))
        _is_503(client.get("/consultations/"))
    finally:
        held.close()
        engine.dispose()


def _dbapi_error(cls, orig):
    return cls("SELECT 1", {}, orig)


def test_only_unavailability_counts_as_503():
    import psycopg
    refused = _dbapi_error(sa_exc.OperationalError, psycopg.OperationalError("connection refused"))
    assert db.is_unavailable(refused)
    assert db.is_unavailable(sa_exc.TimeoutError("QueuePool limit of size 1 overflow 0 reached"))
    assert db.is_unavailable(_dbapi_error(sa_exc.OperationalError, sqlite3.OperationalError("database is locked")))
    # bugs and bad data stay 500s (and are logged as such)
    assert not db.is_unavailable(_dbapi_error(sa_exc.OperationalError, sqlite3.OperationalError("no such table: x")))
    assert not db.is_unavailable(_dbapi_error(sa_exc.IntegrityError, psycopg.IntegrityError("duplicate")))
    assert not db.is_unavailable(ValueError("x"))
