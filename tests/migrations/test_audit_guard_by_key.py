"""Migration 0027: the audit_heads guard reads the appended entry by its primary key.

PL/pgSQL keeps a generic plan of a trigger's query per connection. The guard of 0015 matched the
entry on (type, object, id, seq, hash); planned while the trail was small, its generic plan walked
the index on the entry's type and filtered every entry of that type: each append read the whole
trail of its kind (12,000 rows at the engine benchmark's end, a transition's time growing with the
data). With the key alone no plan can take another index."""
from __future__ import annotations

import re

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from .support import alembic_config

REVISION, BELOW = "0027", "0026"

_APPEND = text(
    "INSERT INTO audit_entries (object_type, object_id, seq, action, actor_label, clock_at, recorded_at, "
    "changes, payload, prev_hash, hash) VALUES ('consultation', :o, :s, 'a', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, '{}', '{}', :p, :h)")


def _append(conn, object_id: str, seq: int) -> None:
    prev = f"{object_id}-{seq - 1}".ljust(64, "0") if seq > 1 else None
    conn.execute(_APPEND, {"o": object_id, "s": seq, "p": prev, "h": f"{object_id}-{seq}".ljust(64, "0")})


@pytest.fixture
def pg_url(fresh_url):
    if not fresh_url.startswith("postgresql"):
        pytest.skip("PL/pgSQL triggers: PostgreSQL only")
    return fresh_url


def test_head_guard_reads_the_entry_by_its_key_whatever_plan_the_connection_cached(pg_url):
    command.upgrade(alembic_config(pg_url), "head")
    eng = create_engine(pg_url, poolclass=NullPool)
    try:
        with eng.connect() as c:
            for seq in range(1, 9):  # past PL/pgSQL's five custom plans, while the trail is tiny
                _append(c, "a", seq)
                c.commit()
            c.execute(text(
                "INSERT INTO audit_entries (object_type, object_id, seq, action, actor_label, clock_at, recorded_at, "
                "changes, payload, prev_hash, hash) SELECT 'consultation', 'b' || g, 1, 'a', '', now(), now(), "
                "'{}', '{}', NULL, lpad(g::text, 64, '0') FROM generate_series(1, 3000) g"))
            c.commit()
            plans: list[str] = []
            c.connection.driver_connection.add_notice_handler(lambda d: plans.append(d.message_primary or ""))
            for setting in ("LOAD 'auto_explain'", "SET auto_explain.log_min_duration = 0",
                            "SET auto_explain.log_nested_statements = on", "SET auto_explain.log_analyze = on",
                            "SET client_min_messages = log"):
                c.execute(text(setting))
            _append(c, "a", 9)
            c.commit()
        guard = [p for p in plans if "FROM audit_entries e" in p]
        assert guard, plans
        read = max(int(n) for p in guard for n in re.findall(r"Rows Removed by Filter: (\d+)", p) or ["0"])
        assert read <= 1, guard
        assert all("pk_audit_entries" in p for p in guard), guard
    finally:
        eng.dispose()


def test_audit_guard_by_key_up_down_up(fresh_url):
    cfg = alembic_config(fresh_url)
    command.upgrade(cfg, REVISION)
    eng = create_engine(fresh_url, poolclass=NullPool)
    try:
        assert "ix_audit_entries_object_type" not in {i["name"] for i in inspect(eng).get_indexes("audit_entries")}
        with eng.begin() as c:
            _append(c, "1", 1)
            _append(c, "1", 2)
        command.downgrade(cfg, BELOW)
        assert "ix_audit_entries_object_type" in {i["name"] for i in inspect(eng).get_indexes("audit_entries")}
        with eng.begin() as c:
            _append(c, "1", 3)
        command.upgrade(cfg, REVISION)
        with eng.begin() as c:
            _append(c, "1", 4)
            assert c.execute(text("SELECT seq FROM audit_heads WHERE object_id = '1'")).scalar() == 4
        if eng.dialect.name == "postgresql":  # the guard still refuses a head moved by hand
            with pytest.raises(DBAPIError, match="append-only"), eng.begin() as c:
                c.execute(text("UPDATE audit_heads SET seq = 5 WHERE object_id = '1'"))
            with pytest.raises(DBAPIError, match="does not continue"), eng.begin() as c:
                _append(c, "1", 6)
    finally:
        eng.dispose()
