"""Migrations (ARCHITECTURE.md "Tests"): every revision upgrades and downgrades, models and
migrations never drift (an empty autogenerate diff), and each workflow's declared states are
exactly the database's state CHECK constraint, which autogenerate does not compare."""
from __future__ import annotations

import re

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

import grants.models  # noqa: F401 - every table on the metadata
from grants.core import db
from grants.core.textsearch import PG_TEXT_SEARCH_INDEXES
from grants.core.db import Base
from grants.workflows.registry import models

from .support import alembic_config


def _engine(url):
    return create_engine(url, poolclass=__import__("sqlalchemy.pool", fromlist=["NullPool"]).NullPool)


def _tables(url) -> set[str]:
    eng = _engine(url)
    try:
        return set(inspect(eng).get_table_names())
    finally:
        eng.dispose()


def _compared(obj, name, type_, reflected, compare_to) -> bool:
    """Everything but PostgreSQL's text-search indexes over expressions (migration 0023): no model
    declares them (SQLite has no such index), grants.core.textsearch writes the same expressions."""
    return not (type_ == "index" and name in PG_TEXT_SEARCH_INDEXES)


def _diff(url) -> list:
    eng = _engine(url)
    try:
        with eng.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True,
                                                         "include_object": _compared})
            return compare_metadata(ctx, Base.metadata)
    finally:
        eng.dispose()


def test_one_head():
    """Engineers adding revisions in parallel must merge them: a second head fails `upgrade head`."""
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1, heads


def test_upgrade_downgrade_upgrade(fresh_url):
    cfg = alembic_config(fresh_url)
    expected = set(Base.metadata.tables) | {"alembic_version"}
    command.upgrade(cfg, "head")
    assert _tables(fresh_url) == expected
    command.downgrade(cfg, "base")
    assert _tables(fresh_url) == {"alembic_version"}
    if fresh_url.startswith("postgresql"):
        eng = _engine(fresh_url)
        with eng.connect() as c:
            assert c.execute(text("SELECT count(*) FROM pg_proc WHERE proname = 'grants_audit_append_only'")).scalar() == 0
        eng.dispose()
    command.upgrade(cfg, "head")
    assert _tables(fresh_url) == expected
    assert _diff(fresh_url) == []


def test_every_revision_steps_down_and_up(fresh_url):
    """Walk the history one revision at a time: each downgrade undoes exactly its upgrade."""
    cfg = alembic_config(fresh_url)
    revisions = [r.revision for r in reversed(list(ScriptDirectory.from_config(cfg).walk_revisions()))]
    seen = []
    for rev in revisions:
        command.upgrade(cfg, rev)
        seen.append(_tables(fresh_url))
    for i in range(len(revisions) - 1, -1, -1):
        command.downgrade(cfg, revisions[i - 1] if i else "base")
        assert _tables(fresh_url) == (seen[i - 1] if i else {"alembic_version"})


def test_autogenerate_diff_is_empty_on_the_test_database():
    """The suite's own database (migrated at session start) matches the models."""
    assert _diff(db.get_engine().url.render_as_string(hide_password=False)) == []


# ------------------------------------------------------------------ state CHECK constraints

def _check_states(conn, table: str) -> set[str] | None:
    name = f"ck_{table}_state_valid"
    if conn.dialect.name == "postgresql":
        sql = conn.execute(text("SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                                "WHERE conname = :n AND conrelid = CAST(:t AS regclass)"),
                           {"n": name, "t": table}).scalar()
    else:
        ddl = conn.execute(text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"),
                           {"t": table}).scalar() or ""
        m = re.search(rf'CONSTRAINT "?{name}"?\s+CHECK\s*\((.*?)\)\s*(,|\)\s*$)', ddl, re.S)
        sql = m.group(1) if m else None
    if sql is None:
        return None
    return set(re.findall(r"'([^']*)'", sql))


def test_parsing_the_check_constraint_reads_every_state():
    """The reader used below, on a table made for it (so a wrong parser cannot pass silently)."""
    eng = create_engine("sqlite://")
    with eng.connect() as c:
        c.execute(text("CREATE TABLE things (id INTEGER, state VARCHAR(30), "
                       "CONSTRAINT ck_things_state_valid CHECK (state IN ('a', 'b_c', 'd')))"))
        assert _check_states(c, "things") == {"a", "b_c", "d"}
        assert _check_states(c, "nothing") is None


def test_state_check_constraints_list_exactly_the_declared_states():
    registered = models()
    assert "consultation" in registered
    with db.get_engine().connect() as conn:
        for name, model in registered.items():
            declared = set(model.__workflow__.states)
            in_db = _check_states(conn, model.__tablename__)
            assert in_db == declared, f"{name}: database {sorted(in_db or [])} != declared {sorted(declared)}"


def test_state_outside_the_workflow_is_refused_by_the_database(session, make_user):
    from sqlalchemy.exc import IntegrityError

    from tests.workflows.support import new_consultation, snapshot
    c = new_consultation(session, make_user("officer"))
    with pytest.raises(IntegrityError):
        with db.get_engine().begin() as conn:
            conn.execute(text("UPDATE consultations SET state = 'archived' WHERE id = :i"), {"i": c.id})
    assert snapshot(c.id)["state"] == "draft"


# ------------------------------------------------------------------ data survives a step (after SecureDrop)

def data_survives(url: str, revision: str, down_to: str, load, check) -> None:
    """Migrate to `revision`, `load(conn)` rows, downgrade to `down_to`, upgrade back to
    `revision` and `check(conn)` that the rows are still there (helper for future revisions)."""
    cfg = alembic_config(url)
    command.upgrade(cfg, revision)
    eng = _engine(url)
    try:
        with eng.begin() as conn:
            load(conn)
        command.downgrade(cfg, down_to)
        command.upgrade(cfg, revision)
        with eng.connect() as conn:
            check(conn)
    finally:
        eng.dispose()


def _steps():
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return [(r.revision, r.down_revision) for r in script.walk_revisions() if r.down_revision]


@pytest.mark.parametrize("step", _steps() or [pytest.param(None, marks=pytest.mark.skip(
    reason="only one revision: nothing below head keeps tables to carry data through"))])
def test_rows_survive_each_step_down_and_up(fresh_url, step):
    revision, down = step

    def load(conn):
        conn.execute(text("INSERT INTO app_settings (key, value) VALUES ('survivor', '42')"))

    def check(conn):
        assert conn.execute(text("SELECT value FROM app_settings WHERE key = 'survivor'")).scalar() == "42"

    data_survives(fresh_url, revision, down, load, check)
