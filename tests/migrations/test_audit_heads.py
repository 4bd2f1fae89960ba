"""Migration 0015 (audit chain heads): up gives the chains already there their heads and starts
the head trigger; down removes the table, the triggers and their functions; up again works."""
from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from .support import alembic_config

REVISION, BELOW = "0015", "0014"


def _entry(conn, object_id: str, seq: int, prev: str | None) -> str:
    h = f"{object_id}{seq}".ljust(64, "0")
    conn.execute(text(
        "INSERT INTO audit_entries (object_type, object_id, seq, action, actor_label, clock_at, recorded_at, "
        "changes, payload, prev_hash, hash) VALUES ('consultation', :o, :s, 'a', '', "
        "'2026-12-01 10:00:00+00:00', '2026-12-01 10:00:00+00:00', '{}', '{}', :p, :h)"),
        {"o": object_id, "s": seq, "p": prev, "h": h})
    return h


def _heads(conn) -> list[tuple]:
    return [tuple(r) for r in conn.execute(text(
        "SELECT object_id, seq, hash FROM audit_heads ORDER BY object_id"))]


def _functions(conn) -> set[str]:
    if conn.dialect.name == "postgresql":
        return set(conn.scalars(text("SELECT proname FROM pg_proc WHERE proname LIKE 'grants_audit_head%'")))
    return set(conn.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                 "AND name = 'audit_entries_advance_head'")))


def test_audit_heads_up_down_up(fresh_url):
    cfg = alembic_config(fresh_url)
    command.upgrade(cfg, BELOW)
    eng = create_engine(fresh_url, poolclass=NullPool)
    try:
        with eng.begin() as c:
            h1 = _entry(c, "1", 1, None)
            h2 = _entry(c, "1", 2, h1)
            g1 = _entry(c, "2", 1, None)
        command.upgrade(cfg, REVISION)
        with eng.begin() as c:
            assert _heads(c) == [("1", 2, h2), ("2", 1, g1)]  # the chains already there got their heads
            assert _functions(c)
            h3 = _entry(c, "1", 3, h2)  # the trigger moves the head from now on
            assert _heads(c)[0] == ("1", 3, h3)
        command.downgrade(cfg, BELOW)
        assert "audit_heads" not in inspect(eng).get_table_names()
        with eng.begin() as c:
            assert not _functions(c)
            _entry(c, "1", 4, h3)  # no trigger left to write to a missing table
        command.upgrade(cfg, REVISION)
        with eng.connect() as c:
            assert _heads(c)[0][:2] == ("1", 4)
    finally:
        eng.dispose()
