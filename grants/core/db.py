"""Declarative base, engine and the scoped session shared by web, CLI, jobs and tests."""
from __future__ import annotations

import time

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine, make_url
from sqlalchemy import Integer
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, scoped_session, sessionmaker

from . import pgcursor, textsearch

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class IdKey:
    """A table's integer primary key `id`, its first column: every table but a few keyed by a name
    (`class Offer(WorkflowMixin, Base)` has it from WorkflowMixin, a plain table from `class X(IdKey, Base)`)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-2)


# One session per thread; the web app removes it at the end of each request,
# jobs and CLI commands at the end of their work.
session = scoped_session(sessionmaker(expire_on_commit=False))
_engine: Engine | None = None


def _sqlite_pragmas(dbapi_conn, _record):
    cur = dbapi_conn.cursor()
    # web, worker and scheduler threads share the file
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=15000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()
    # what PostgreSQL's grants_unaccent (migration 0023) does, so a search matches alike on both
    dbapi_conn.create_function("grants_unaccent", 1, textsearch.fold_text, deterministic=True)


#: a pooled connection idle longer than this is pinged before use (one round trip); one used this
#: recently is handed out as it is (a request commits and checks its connection in several times)
PING_AFTER_IDLE = 1.0

#: psycopg prepares a statement on the server at its second run on a connection (its default: the
#: sixth), so PostgreSQL parses it once and, after its first custom plans, keeps one plan per
#: connection. A pool's connection sees each of a submit's statements only a few times in its first
#: minutes, and they were planned on nearly every call: 1.9 ms to plan the write, 1.0 ms the offer's
#: load, against 1.1 ms to run the write (issue 20). Not at the first run: a text of several
#: statements (the tests' wipe, a migration) cannot be prepared, and psycopg learns that at the first.
#: Up to PREPARED_MAX statements are kept per connection (the least used closed first): the app's
#: requests use a few hundred kinds of statement, a worker's connections mostly far fewer.
PREPARE_THRESHOLD = 1
PREPARED_MAX = 200


def _keep_prepared(dbapi_conn, _record) -> None:
    if hasattr(dbapi_conn, "prepared_max"):  # psycopg's (a connect argument it does not take)
        dbapi_conn.prepared_max = PREPARED_MAX


def _ping_when_idle(engine: Engine) -> None:
    """`pool_pre_ping` only for connections idle longer than PING_AFTER_IDLE: a dead one is replaced
    (the pool retries the checkout), without the ping's round trip on every checkout."""
    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_conn, record, _proxy):
        since = record.info.get("idle_since")
        if since is not None and time.monotonic() - since < PING_AFTER_IDLE:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as e:  # noqa: BLE001 - any failure: a fresh connection instead
            raise sa_exc.DisconnectionError(str(e)) from e


#: `Connection.info` key: while set, the connection may only read (see `reading_only`)
READING_ONLY = "grants.reading_only"
#: `Connection.info` key: set at the transaction's first statement that writes or locks (see `wrote`)
WROTE = "grants.wrote"
_LOCKING = (" FOR UPDATE", " FOR NO KEY UPDATE", " FOR SHARE", " FOR KEY SHARE", "PG_ADVISORY")


class WouldWrite(Exception):
    """A statement that writes or locks, sent while the connection was to only read."""


def reading_only(connection) -> dict:
    """From now on any statement on `connection` other than a plain SELECT (a write, a row or
    advisory lock, a savepoint) raises WouldWrite before it is sent, until `READING_ONLY` is
    popped from the returned dict (the pooled connection's own: pop it in a `finally`). The
    workflow engine's attempt without the row lock uses it: its checks may read, and whatever
    would write or lock is done under the row lock instead, in the order every locking
    transition takes its locks."""
    info = connection.info
    info[READING_ONLY] = True
    return info


def wrote(connection) -> bool:
    """Whether the connection's current transaction has sent a statement that writes or locks (a
    rollback would lose more than reads). Known from the statements themselves, as they are sent."""
    return WROTE in connection.info


def _writes(statement: str) -> bool:
    """Anything but a plain SELECT: a write, a row or advisory lock, a savepoint, a SET."""
    if statement.lstrip()[:6].upper() != "SELECT":
        return True
    # every statement of every request passes here: two substring tests on the upper-cased text
    # (~3 µs for a wide SELECT; a case-blind regex cost ~50 µs), the precise ones only after a hit
    upper = statement.upper()
    if " FOR " not in upper and "PG_ADVISORY" not in upper:
        return False
    return any(word in upper for word in _LOCKING)


def end_session(failed: bool = False) -> None:
    """Ends the scoped session of a request. A PostgreSQL transaction that only read is committed,
    not rolled back: the same to the database, but psycopg forgets every prepared statement of the
    connection at each ROLLBACK, so the queries of every signed-in read were parsed and planned
    anew each time (the API token's: 0.17 ms to plan, 0.03 ms to run). Anything written, locked,
    pending or failed is rolled back as before."""
    if session.registry.has():
        s = session()
        if not failed and s.in_transaction() and not (s.new or s.dirty or s.deleted):
            try:
                conn = s.connection()
                raw = conn.connection.dbapi_connection
                if (conn.dialect.name == "postgresql" and not wrote(conn)
                        and raw.info.transaction_status == raw.info.transaction_status.INTRANS):
                    s.commit()
            except sa_exc.SQLAlchemyError:
                pass  # then rolled back below, as any other
    session.remove()


@event.listens_for(Engine, "before_cursor_execute")
def _watch_statements(conn, _cursor, statement, _parameters, _context, _executemany):
    """Refuses what writes or locks while reading only (`reading_only`), notes it otherwise (`wrote`)."""
    info = conn.info
    reading = info.get(READING_ONLY)
    if not reading and WROTE in info:  # known to have written: nothing left to learn
        return
    if _writes(statement):
        if reading:
            raise WouldWrite(statement.split(None, 1)[0])
        info[WROTE] = True


@event.listens_for(Engine, "begin")
def _transaction_begins(conn):
    conn.info.pop(WROTE, None)


def make_engine(url: str, **kw) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15}, **kw)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        # stay well under PostgreSQL's 100 connections, even with several processes
        kw.setdefault("pool_size", 5)
        kw.setdefault("max_overflow", 5)
        ping = kw.pop("pool_pre_ping", None)  # not given: ping connections that were idle
        if make_url(url).get_driver_name() == "psycopg":
            args = kw.setdefault("connect_args", {})
            args.setdefault("cursor_factory", pgcursor.Cursor)
            args.setdefault("prepare_threshold", PREPARE_THRESHOLD)
        engine = create_engine(url, pool_pre_ping=bool(ping), **kw)
        event.listen(engine, "connect", _keep_prepared)
        if ping is None:
            _ping_when_idle(engine)
    return engine


def init_engine(url: str, **kw) -> Engine:
    global _engine
    if _engine is not None and str(_engine.url) == url:
        return _engine
    if _engine is not None:
        session.remove()
        _engine.dispose()
    _engine = make_engine(url, **kw)
    session.configure(bind=_engine)
    return _engine


def get_engine() -> Engine | None:
    return _engine


_statement_engine: tuple[Engine, Engine] | None = None


def statement_reads() -> None:
    """From here on this thread's session runs each statement in its own transaction (autocommit), for
    a visitor's read that writes nothing: it sends no BEGIN and no ROLLBACK, two of the three or four
    round trips such a page costs. PostgreSQL only. Under its READ COMMITTED every statement sees its
    own snapshot anyway, so what a page reads together is no less consistent. The web app removes
    the session at the end of the request as always (the connection goes back to the pool in its
    ordinary mode); the next request gets an ordinary session."""
    global _statement_engine
    engine = session.session_factory.kw.get("bind")  # what the session is bound to now (init_engine's)
    if not isinstance(engine, Engine) or engine.dialect.name != "postgresql":
        return
    if _statement_engine is None or _statement_engine[0] is not engine:
        _statement_engine = (engine, engine.execution_options(isolation_level="AUTOCOMMIT"))
    session.remove()
    session.registry.set(session.session_factory(bind=_statement_engine[1]))


#: SQLSTATE classes of a database that cannot serve now (PostgreSQL): connection exception,
#: insufficient resources (too many connections), operator intervention (shutdown, recovery)
_UNAVAILABLE_SQLSTATE_CLASSES = ("08", "53", "57")
_UNAVAILABLE_SQLITE = ("database is locked", "unable to open database file", "disk i/o error")


def is_unavailable(exc: BaseException) -> bool:
    """Is `exc` the database being unreachable or overloaded (worth a 503 and a retry), rather than
    a bug or bad data? A refused or dropped connection, a pool that gave no connection in time,
    a server shutting down or out of connection slots; SQLite's file locked or unreadable."""
    if isinstance(exc, sa_exc.TimeoutError):  # QueuePool limit reached, no connection in time
        return True
    if not isinstance(exc, sa_exc.DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    if not isinstance(exc, sa_exc.OperationalError):
        return False
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate is not None:
        return str(sqlstate)[:2] in _UNAVAILABLE_SQLSTATE_CLASSES
    if exc.orig.__class__.__module__.startswith("sqlite3"):
        return str(exc.orig).lower().startswith(_UNAVAILABLE_SQLITE)
    return True  # a driver error without a SQLSTATE: it never reached the server (refused, reset)
