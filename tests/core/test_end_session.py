"""grants.core.db.end_session: a request's transaction that only read ends with COMMIT (psycopg
forgets a connection's prepared statements at every ROLLBACK, so every read query would be
planned anew); one that wrote, locked, holds pending changes or failed is rolled back."""
from __future__ import annotations

import pytest
from sqlalchemy import event, func, select, text

from grants.accounts.models import LoginAttempt
from grants.core import clock, db

pytestmark = pytest.mark.postgres(reason="only PostgreSQL's read-only transactions are committed (prepared statements)")


@pytest.fixture
def endings():
    seen = []
    engine = db.get_engine()
    on_commit, on_rollback = (lambda _c: seen.append("commit")), (lambda _c: seen.append("rollback"))
    event.listen(engine, "commit", on_commit)
    event.listen(engine, "rollback", on_rollback)
    yield seen
    event.remove(engine, "commit", on_commit)
    event.remove(engine, "rollback", on_rollback)


def _attempts() -> int:
    with db.get_engine().connect() as c:
        return c.scalar(select(func.count()).select_from(LoginAttempt))


def test_a_request_that_only_reads_ends_with_commit_and_keeps_the_prepared_statements(app, client, endings,
                                                                                      make_user, api_token):
    headers = api_token(make_user("applicant"))
    db.get_engine().dispose()  # fresh connections: what they prepare is this test's
    endings.clear()
    for _ in range(7):
        assert client.get("/api/v1/offers", headers=headers).status_code == 200
    assert endings == ["commit"] * 7
    with db.get_engine().connect() as c:  # the connection that served them, back in the pool
        prepared = c.scalar(text("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%api_tokens%'"))
    assert prepared == 1, "the token's query, run on every API call, is prepared on its connection"


def test_a_statement_is_prepared_at_its_second_run_on_a_connection(app, client, make_user, api_token):
    """Issue 20: a pool's connection sees each of a submit's statements only a few times in its first
    minutes; planned anew on each of them (psycopg prepares at the sixth run by default), the write
    alone cost 1.9 ms of the database's CPU to plan. Prepared at the second run."""
    headers = api_token(make_user("applicant"))
    db.get_engine().dispose()
    for _ in range(2):
        assert client.get("/api/v1/offers", headers=headers).status_code == 200
    with db.get_engine().connect() as c:
        prepared = c.scalar(text("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%api_tokens%'"))
        assert prepared == 1
        assert c.connection.dbapi_connection.prepared_max == db.PREPARED_MAX


def test_what_wrote_is_rolled_back(app, endings):
    before = _attempts()
    with app.app_context():
        db.session().execute(LoginAttempt.__table__.insert().values(email="x@example.org", ip="t", success=False,
                                                                    at=clock.real_now()))
        db.end_session()
    assert endings[-1] == "rollback" and _attempts() == before


def test_pending_changes_are_rolled_back(app, endings):
    before = _attempts()
    with app.app_context():
        s = db.session()
        s.execute(select(1))
        s.add(LoginAttempt(email="x@example.org", ip="t", success=False, at=clock.real_now()))
        db.end_session()
    assert endings[-1] == "rollback" and _attempts() == before


def test_a_lock_or_a_failed_request_is_rolled_back(app, endings):
    with app.app_context():
        db.session().execute(select(LoginAttempt.id).with_for_update())
        db.end_session()
    assert endings[-1] == "rollback"
    with app.app_context():
        db.session().execute(select(1))
        db.end_session(failed=True)
    assert endings[-1] == "rollback"
    with app.app_context():
        db.session().execute(select(1))
        db.end_session()
    assert endings[-1] == "commit"
