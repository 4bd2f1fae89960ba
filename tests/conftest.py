"""Test set-up (ARCHITECTURE.md "Tests").

With PostgreSQL on 127.0.0.1:5432 the suite runs against a fresh database created for this run
(dropped at the end); otherwise on a SQLite file. With CI=true a missing PostgreSQL or Redis
fails the run instead of falling back. GRANTS_TEST_SQLITE=1 runs the embedded default on purpose:
SQLite, and no service is contacted even where PostgreSQL or Redis answer (CI's second pass).
Jobs go through dramatiq's StubBroker; time through the clock fixture. The environment is set
before anything of grants is imported. Under pytest-xdist each worker process has its own
database and instance folder.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import tempfile
import uuid
from pathlib import Path

import pytest

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


EMBEDDED = os.environ.get("GRANTS_TEST_SQLITE") == "1"
PG_UP = not EMBEDDED and _port_open(5432)
REDIS_UP = not EMBEDDED and _redis_up()
if CI and not EMBEDDED and not PG_UP:
    raise pytest.UsageError("CI=true but PostgreSQL does not answer on 127.0.0.1:5432")
if CI and not EMBEDDED and not REDIS_UP:
    raise pytest.UsageError("CI=true but Redis does not answer on 127.0.0.1:6379")

TMP = Path(tempfile.mkdtemp(prefix="grants-tests-"))
if PG_UP:
    TEST_DB = f"grants_test_{uuid.uuid4().hex[:10]}"
    DATABASE_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{TEST_DB}"
else:
    TEST_DB = None
    DATABASE_URL = f"sqlite:///{TMP / 'test.db'}"

os.environ.update({
    "GRANTS_ENV": "development",
    "GRANTS_DATABASE_URL": DATABASE_URL,
    "GRANTS_INSTANCE_PATH": str(TMP / "instance"),
    "GRANTS_SECRET_KEY": "test-secret-" + uuid.uuid4().hex,
    "GRANTS_BACKGROUND_THREADS": "0",
})
os.environ.pop("GRANTS_BROKER_URL", None)  # StubBroker in tests
os.environ.pop("GRANTS_SMTP_URL", None)


def _admin_sql(sql: str) -> None:
    from sqlalchemy import create_engine, text
    eng = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.execute(text(sql))
    eng.dispose()


def _xdist_controller(config) -> bool:
    """pytest-xdist's controller only hands tests to its workers: it needs no database."""
    return not hasattr(config, "workerinput") and getattr(config.option, "dist", "no") != "no"


def pytest_sessionstart(session):
    if _xdist_controller(session.config):
        return
    if TEST_DB:
        _admin_sql(f'CREATE DATABASE "{TEST_DB}"')
    from grants.core import db
    db.init_engine(DATABASE_URL)
    from alembic import command

    from grants.cli import _alembic_config
    command.upgrade(_alembic_config(), "head")


def pytest_sessionfinish(session, exitstatus):
    if _xdist_controller(session.config):
        return
    from grants.core import db
    eng = db.get_engine()
    if eng is not None:
        db.session.remove()
        eng.dispose()
    if TEST_DB:
        try:
            _admin_sql(f'DROP DATABASE IF EXISTS "{TEST_DB}" WITH (FORCE)')
        except Exception:  # noqa: BLE001 - leave it rather than fail the run
            pass


def pytest_report_header(config):
    mode = "embedded default (GRANTS_TEST_SQLITE=1), no service contacted; " if EMBEDDED else ""
    return [f"grants database: {mode}{'PostgreSQL ' + TEST_DB if TEST_DB else 'SQLite'}; "
            f"redis: {'up' if REDIS_UP else 'not used'}"]


def _why(marker) -> str:
    """A service marker must say why the test needs the service: `@pytest.mark.postgres(reason=…)`."""
    reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "")
    if not reason:
        raise pytest.UsageError(f"@pytest.mark.{marker.name} needs a reason=… saying why")
    return reason


def pytest_collection_modifyitems(config, items):
    for item in items:
        # schemathesis names each operation's case `test_x[GET /path]` but gives them all the nodeid
        # `…::test_x`; pytest-xdist keys tests by nodeid and would run one case of each
        if "[" in item.name and not item.nodeid.endswith("]"):
            item._nodeid = item.nodeid + item.name[item.name.index("["):]
        for name, up, service in (("postgres", PG_UP, "PostgreSQL"), ("redis", REDIS_UP, "Redis")):
            marker = item.get_closest_marker(name)
            if marker is not None:
                why = _why(marker)
                if not up:
                    item.add_marker(pytest.mark.skip(reason=f"needs {service}: {why}"))


# ---------------------------------------------------------------- database

def _tables() -> list[str]:
    from grants.core.db import Base
    import grants.models  # noqa: F401
    return [t.name for t in reversed(Base.metadata.sorted_tables)]


@contextlib.contextmanager
def wiped():
    """For a module-scoped world: every table emptied before (whatever an earlier module left) and after."""
    wipe()
    try:
        yield
    finally:
        wipe()


def wipe() -> None:
    """Empties every table (the audit tables too: their append-only triggers are bypassed as
    the superuser does in tests only)."""
    from sqlalchemy import text

    from sqlalchemy.orm import close_all_sessions

    from grants.core import clock, db
    from grants.registry import dashboard
    from grants.web import public_cache
    db.session.remove()
    close_all_sessions()  # a test may hold a Session the scoped registry no longer knows
    eng = db.get_engine()
    with eng.begin() as c:
        if eng.dialect.name == "postgresql":
            c.execute(text("SET LOCAL lock_timeout = '20s'"))  # fail loudly rather than hang
            c.execute(text("SET LOCAL session_replication_role = replica"))  # no triggers, no FK checks
            # DELETE, not TRUNCATE: a test leaves a few rows, and TRUNCATE of every table swaps every
            # table's and index's files (measured ~0.3 s a test here against ~0.02 s); then the
            # sequences restart as TRUNCATE … RESTART IDENTITY would
            c.execute(text("; ".join(f'DELETE FROM "{t}"' for t in _tables())))
            c.execute(text("SELECT setval(c.oid, 1, false) FROM pg_class c "
                           "WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace"))
        else:
            for t in _tables():
                c.execute(text(f'DELETE FROM "{t}"'))
            c.execute(text("DELETE FROM sqlite_sequence")) if c.execute(
                text("SELECT name FROM sqlite_master WHERE name='sqlite_sequence'")).first() else None
    clock.invalidate_cache()
    public_cache.forget_pages()  # the generations its pages were kept under start again
    dashboard.forget()  # the public figures kept of the emptied data


@pytest.fixture(autouse=True)
def _clean_database():
    yield
    wipe()
    shutil.rmtree(TMP / "instance" / "opendata", ignore_errors=True)  # the downloads kept of its data go with it
    from grants.ratelimits import limiter
    if limiter.initialized:  # the per-address counters (Flask-Limiter) start afresh too
        limiter.reset()


@pytest.fixture
def session():
    from grants.core import db
    s = db.session()
    yield s
    db.session.remove()


@pytest.fixture(scope="session")
def app():
    from grants import create_app
    application = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "SERVER_NAME": None})
    return application


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


# ---------------------------------------------------------------- time

@pytest.fixture
def clock_at():
    """clock_at("2027-03-01T10:00") moves business time (Warsaw when no zone); reset afterwards."""
    from grants.core import clock

    def move(moment):
        if isinstance(moment, str):
            moment = clock.parse_moment(moment)
        return clock.set_clock(moment)

    yield move
    try:
        clock.reset_clock()
    except Exception:  # noqa: BLE001 - the wipe removes it anyway
        clock.invalidate_cache()


# ---------------------------------------------------------------- jobs

@pytest.fixture
def stub_broker():
    from grants.jobs import broker
    broker.broker.flush_all()
    yield broker.broker
    broker.broker.flush_all()


@pytest.fixture
def worker(stub_broker, app):
    from dramatiq import Worker

    import grants.jobs.actors  # noqa: F401
    from grants.jobs import broker
    broker.bind_app(app)
    w = Worker(stub_broker, worker_timeout=100, worker_threads=2)
    w.start()
    yield w
    w.stop()
    # dramatiq leaves each worker's middleware on the broker; a later queue declaration would
    # start consumers for this stopped worker
    stub_broker.middleware[:] = [m for m in stub_broker.middleware if getattr(m, "worker", None) is not w]


# ---------------------------------------------------------------- people

@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch):
    """argon2 at its production cost takes ~0.3 s a hash here and the suite logs in thousands of
    times; the tests check behaviour, not the hasher. The production parameters stay in force outside
    tests and are checked by test_production_password_hash_parameters."""
    from argon2 import PasswordHasher

    from grants.accounts import operations, passwords
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", cheap)
    monkeypatch.setattr(operations, "DUMMY_HASH", cheap.hash("not-a-real-password"))  # unknown e-mails


@pytest.fixture
def make_user(session):
    from tests.factories import make_user as _make
    return lambda *a, **kw: _make(session, *a, **kw)


@pytest.fixture
def make_org(session):
    from tests.factories import make_org as _make
    return lambda *a, **kw: _make(session, *a, **kw)


@pytest.fixture
def login(client):
    """login(user) logs the test client in through the real login form."""
    from tests.factories import PASSWORD

    def _login(user, c=None):
        c = c or client
        r = c.post("/login", data={"email": user.email, "password": PASSWORD})
        assert r.status_code == 302, r.get_data(as_text=True)[:500]
        return c
    return _login


@pytest.fixture
def api_token(client):
    from tests.factories import PASSWORD

    def _token(user) -> dict:
        r = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
        assert r.status_code == 201, r.get_data(as_text=True)
        return {"Authorization": f"Bearer {r.get_json()['token']}"}
    return _token


# ---------------------------------------------------------------- queries

@pytest.fixture
def count_queries():
    """with count_queries() as n: ...; n() is the number of SQL statements run inside."""
    import contextlib

    from sqlalchemy import event

    from grants.core import db

    @contextlib.contextmanager
    def counting():
        box = [0]

        def before(conn, cursor, statement, params, context, executemany):
            box[0] += 1
        eng = db.get_engine()
        event.listen(eng, "before_cursor_execute", before)
        try:
            yield lambda: box[0]
        finally:
            event.remove(eng, "before_cursor_execute", before)
    return counting
