"""Exactly one acting scheduler among several processes (issue 20), on PostgreSQL.

Each scheduler asks for a session-level advisory lock (`pg_try_advisory_lock`) on a connection of its
own and keeps that connection open while it acts; the others stand by and ask again each tick. When
the holder dies its connection ends and PostgreSQL releases the lock, so a standby takes over within
one interval (a machine that vanishes without closing its socket: within the server's TCP
keepalive, see docs/deployment.md). SQLite, the embedded single-process default, needs no lock.

Which process holds it: `SELECT application_name FROM pg_stat_activity JOIN pg_locks USING (pid)
WHERE locktype = 'advisory' AND objid = …` ("grants-scheduler <host> <pid>")."""
from __future__ import annotations

import logging
import os
import socket

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

from grants.core import db

log = logging.getLogger(__name__)

#: the advisory lock's key: "grants:s" read as a signed 64-bit number
LOCK_KEY = int.from_bytes(b"grants:s", "big")
#: how PostgreSQL splits the bigint key in pg_locks (classid: high 32 bits, objid: low 32 bits)
LOCK_CLASSID, LOCK_OBJID = LOCK_KEY >> 32, LOCK_KEY & 0xFFFFFFFF
#: the client notices a dead server within about a minute (libpq's keepalive parameters)
KEEPALIVE = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}


def application_name() -> str:
    return f"grants-scheduler {socket.gethostname()} {os.getpid()}"[:63]


class Leadership:
    """`held()` is True while this process may act: always on SQLite; on PostgreSQL while it holds
    the advisory lock (taken if free)."""

    def __init__(self) -> None:
        self._engine: Engine | None = None
        self._conn: Connection | None = None

    @staticmethod
    def needed() -> bool:
        engine = db.get_engine()
        return engine is not None and engine.dialect.name == "postgresql"

    def held(self) -> bool:
        if not self.needed():
            return True
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT 1"))  # the session lives: the lock is still ours
                return True
            except Exception as e:  # noqa: BLE001 - any failure: the lock went with the connection
                log.warning("scheduler lost its lock connection (%s: %s); standing by", type(e).__name__, e)
                self._drop()
        return self._take()

    def _take(self) -> bool:
        conn = None
        try:
            if self._engine is None:
                # a connection outside the pool: held for as long as this process acts
                self._engine = create_engine(db.get_engine().url, poolclass=NullPool, connect_args={
                    **KEEPALIVE, "application_name": application_name()}, isolation_level="AUTOCOMMIT")
            conn = self._engine.connect()
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY}).scalar()
        except Exception as e:  # noqa: BLE001 - the database away: stand by, ask again next tick
            log.warning("scheduler could not ask for its lock (%s: %s)", type(e).__name__, e)
            if conn is not None:
                conn.close()
            return False
        if not got:
            conn.close()
            return False
        self._conn = conn
        log.warning("scheduler %s acting (it holds the scheduler lock)", application_name())
        return True

    def _drop(self) -> None:
        self._let_go(invalidate=True)

    def _let_go(self, invalidate: bool) -> None:
        """Forget the lock's connection: invalidated when it may be broken, else closed."""
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.invalidate() if invalidate else conn.close()
            except Exception:  # noqa: BLE001 - already gone
                pass

    def release(self) -> None:
        """Hand the lock over at once (a clean stop): closing the session releases it."""
        self._let_go(invalidate=False)
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def holder(connection) -> str | None:
    """The application_name of the process holding the scheduler lock now, or None."""
    return connection.execute(text(
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = :c AND l.objid = :o"),
        {"c": LOCK_CLASSID, "o": LOCK_OBJID}).scalar()
