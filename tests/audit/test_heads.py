"""Chain heads (issue 15, "Audit tail"): each chain's newest sequence number and hash kept in
audit_heads by the database in the appending transaction, so deleting or truncating a chain's
tail behind the application's back is named by `grants audit verify` even between seals, and the
next seal refuses to record the shortened chain."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from grants.core import audit, db
from grants.core.audit import AuditEntry, AuditHead, AuditSeal
from grants.jobs.scheduler import Scheduler

ALICE = SimpleNamespace(id=7, email="alicja@krakow.example")


def _chain(session, object_id="1", n=3, object_type="consultation"):
    entries = [audit.record(session, object_type, object_id, f"step{i}", ALICE,
                            changes={"state": [f"s{i}", f"s{i + 1}"]}) for i in range(n)]
    session.commit()
    return entries


def _head(object_id="1", object_type="consultation"):
    with db.get_engine().connect() as c:
        row = c.execute(select(AuditHead.seq, AuditHead.hash).where(
            AuditHead.object_type == object_type, AuditHead.object_id == object_id)).first()
    return tuple(row) if row else None


def behind_the_back(sql: str, **params) -> None:
    """Run `sql` as someone who can switch the triggers off: on PostgreSQL the tests' superuser
    with session_replication_role = replica (no ordinary trigger fires, the head stays where it
    was); SQLite has no append-only guard and no trigger on DELETE, except the head trigger on
    INSERT, which is dropped for the statement and put back."""
    eng = db.get_engine()
    with eng.begin() as c:
        if eng.dialect.name == "postgresql":
            c.execute(text("SET LOCAL session_replication_role = replica"))
            c.execute(text(sql), params)
        else:
            ddl = c.execute(text("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                                 "AND name = 'audit_entries_advance_head'")).scalar_one()
            c.execute(text("DROP TRIGGER audit_entries_advance_head"))
            c.execute(text(sql), params)
            c.execute(text(ddl))
    db.session.remove()


def _delete_from(seq: int, object_id="1", object_type="consultation") -> None:
    behind_the_back("DELETE FROM audit_entries WHERE object_type = :t AND object_id = :o AND seq >= :s",
                    t=object_type, o=object_id, s=seq)


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def invoke(*args):
        db.session.remove()
        return runner.invoke(args=["audit", *args])
    return invoke


# ------------------------------------------------------------------ the head follows each append

def test_head_is_the_newest_entry_of_each_chain(session):
    a = _chain(session, "1", 3)
    b = _chain(session, "2", 1, object_type="offer")
    assert _head("1") == (3, a[-1].hash)
    assert _head("2", "offer") == (1, b[-1].hash)
    assert session.get(AuditHead, ("consultation", "1")).entry_id == a[-1].id


def test_head_moves_in_the_appending_transaction(session):
    first = _chain(session, "1", 1)[0]
    entry = audit.record(session, "consultation", "1", "open", ALICE)
    session.flush()
    seen_inside = session.execute(select(AuditHead.seq, AuditHead.hash).where(
        AuditHead.object_type == "consultation", AuditHead.object_id == "1")).one()
    assert tuple(seen_inside) == (2, entry.hash)  # moved by the insert, in this transaction
    session.rollback()
    assert _head("1") == (1, first.hash)  # a rolled-back append leaves the head where it was
    second = audit.record(session, "consultation", "1", "open", ALICE)
    session.commit()
    assert second.seq == 2 and second.prev_hash == first.hash and _head("1") == (2, second.hash)


@pytest.mark.postgres(reason="only PostgreSQL has concurrent transactions to hide an uncommitted head from")
def test_uncommitted_head_is_not_seen_by_others(session):
    first = _chain(session, "1", 1)[0]
    audit.record(session, "consultation", "1", "open", ALICE)
    session.flush()
    assert _head("1") == (1, first.hash)  # another connection still sees the committed head
    session.commit()
    assert _head("1")[0] == 2


def test_entry_not_continuing_its_head_is_refused(session):
    e = _chain(session, "1", 2)[-1]
    forged = dict(object_type="consultation", object_id="1", action="x", actor_label="", changes="{}",
                  payload="{}", clock_at=e.clock_at, recorded_at=e.recorded_at, hash="f" * 64)
    for seq, prev in ((4, e.hash), (3, "0" * 64), (1, None)):
        session.add(AuditEntry(seq=seq, prev_hash=prev, **forged))
        with pytest.raises(IntegrityError):
            session.flush()
        session.rollback()
    assert _head("1") == (2, e.hash)
    assert audit.verify(session).ok


def test_normal_history_verifies_and_seals(session, cli):
    _chain(session, "1", 3)
    _chain(session, "2", 2)
    assert audit.verify(session).ok
    result = cli("seal")
    assert result.exit_code == 0 and "seal " in result.output, result.output
    _chain(session, "1", 1)  # the chain goes on after the seal
    result = cli("verify")
    assert result.exit_code == 0, result.output
    assert "6 entries, 1 seals" in result.output


# ------------------------------------------------------------------ a deleted or truncated tail

def test_deleted_newest_entry_fails_verify_naming_the_chain(session, cli):
    _chain(session, "1", 3)
    _chain(session, "2", 2)
    _delete_from(3, "1")
    result = audit.verify(session)
    assert not result.ok
    assert result.problems == ["chain consultation 1: entry #3 missing (deleted or truncated tail): "
                               "the head records #3, the chain ends at #2"]
    out = cli("verify")
    assert out.exit_code == 1
    assert "BROKEN: chain consultation 1: entry #3 missing" in out.output, out.output
    assert "consultation 2" not in out.output


def test_truncated_tail_of_several_entries_names_what_is_missing(session, cli):
    _chain(session, "1", 5)
    _chain(session, "7", 2, object_type="offer")
    _delete_from(3, "1")
    _delete_from(2, "7", "offer")
    out = cli("verify")
    assert out.exit_code == 1, out.output
    assert "chain consultation 1: entries #3-#5 missing" in out.output
    assert "the head records #5, the chain ends at #2" in out.output
    assert "chain offer 7: entry #2 missing" in out.output


def test_whole_chain_deleted_is_named_by_its_head(session, cli):
    _chain(session, "1", 2)
    _chain(session, "2", 1)
    _delete_from(1, "1")
    out = cli("verify")
    assert out.exit_code == 1
    assert "chain consultation 1: entries #1-#2 missing: the head records #2, the chain has no entries" in out.output


def test_application_appending_after_a_deleted_tail_does_not_hide_it(session, cli):
    """The next append continues from the head, not from what is left of the chain: the gap stays."""
    entries = _chain(session, "1", 3)
    _delete_from(3, "1")
    again = audit.record(session, "consultation", "1", "reopen", ALICE)
    session.commit()
    assert (again.seq, again.prev_hash) == (4, entries[2].hash)
    out = cli("verify")
    assert out.exit_code == 1
    assert f"entry {again.id} (consultation 1 #4): sequence gap after #2" in out.output, out.output


def test_missing_head_for_a_chain_with_entries_fails(session, cli):
    _chain(session, "1", 2)
    behind_the_back("DELETE FROM audit_heads WHERE object_id = '1'")
    out = cli("verify")
    assert out.exit_code == 1
    assert "chain consultation 1: no head for its 2 entries (up to #2)" in out.output, out.output


def test_entries_appended_without_moving_the_head_fail(session, cli):
    e = _chain(session, "1", 1)[0]
    behind_the_back(
        "INSERT INTO audit_entries (object_type, object_id, seq, action, actor_label, clock_at, recorded_at, "
        "changes, payload, prev_hash, hash) SELECT object_type, object_id, 2, action, actor_label, clock_at, "
        "recorded_at, changes, payload, hash, :h FROM audit_entries WHERE id = :i", h="a" * 64, i=e.id)
    out = cli("verify")
    assert out.exit_code == 1
    assert "chain consultation 1: entry #2 beyond the head #1" in out.output, out.output


def test_replaced_newest_entry_does_not_match_the_head(session, cli):
    e = _chain(session, "1", 2)[-1]
    behind_the_back("UPDATE audit_entries SET hash = :h WHERE id = :i", h="b" * 64, i=e.id)
    out = cli("verify")
    assert out.exit_code == 1
    assert "chain consultation 1: entry #2 does not match the head's hash" in out.output, out.output


# ------------------------------------------------------------------ the next seal

def test_next_seal_refuses_a_shortened_chain(session, cli):
    _chain(session, "1", 3)
    first = audit.checkpoint(session)
    session.commit()
    _chain(session, "2", 1)  # something new to seal
    _delete_from(3, "1")
    with pytest.raises(audit.AuditBroken) as info:
        audit.checkpoint(session)
    session.rollback()
    assert info.value.problems[0].startswith("chain consultation 1: entry #3 missing")
    out = cli("seal")
    assert out.exit_code == 1
    assert "chain consultation 1: entry #3 missing" in out.output and "not sealed" in out.output
    assert [s.id for s in session.scalars(select(AuditSeal))] == [first.id]


def test_tail_deleted_before_any_seal_is_never_sealed(session, cli):
    """Between seals: nothing but the head knows the deleted entry existed."""
    _chain(session, "1", 2)
    _delete_from(2, "1")
    assert cli("seal").exit_code == 1
    assert session.scalar(select(AuditSeal.id)) is None
    assert "chain consultation 1: entry #2 missing" in cli("verify").output


def test_scheduler_does_not_seal_a_shortened_chain(app, session, stub_broker):
    _chain(session, "1", 2)
    _delete_from(2, "1")
    sch = Scheduler(app, seal_every=300)
    result = sch.tick()
    assert isinstance(result["sealed"], audit.AuditBroken)
    assert "chain consultation 1: entry #2 missing" in str(result["sealed"])
    assert sch.tick()["sealed"] is False  # reported once a seal period, not every tick
    assert session.scalar(select(AuditSeal.id)) is None


# ------------------------------------------------------------------ PostgreSQL guards the heads

@pytest.mark.postgres(reason="the head guard and revoked privileges are PostgreSQL triggers and roles")
@pytest.mark.parametrize("sql", [
    "UPDATE audit_heads SET seq = seq - 1",
    "UPDATE audit_heads SET hash = 'x'",
    "DELETE FROM audit_heads",
    "TRUNCATE audit_heads",
    "INSERT INTO audit_heads (object_type, object_id, seq, hash, entry_id) VALUES ('offer', '9', 1, 'x', 1)",
])
def test_heads_refuse_direct_changes_even_by_their_owner(session, sql):
    e = _chain(session, "1", 2)[-1]
    session.commit()
    with db.get_engine().connect() as c:
        with pytest.raises(DBAPIError) as info:
            c.execute(text(sql))
        c.rollback()
    assert "append-only" in str(info.value)
    assert _head("1") == (2, e.hash)
    assert audit.verify(session).ok


@pytest.mark.postgres(reason="function ownership is a PostgreSQL notion")
def test_head_trigger_runs_as_the_tables_owner():
    eng = create_engine(db.get_engine().url)
    try:
        with eng.connect() as c:
            row = c.execute(text("SELECT prosecdef, pg_get_userbyid(proowner) AS owner FROM pg_proc "
                                 "WHERE proname = 'grants_audit_head_advance'")).one()
            table_owner = c.execute(text("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_heads'")).scalar()
    finally:
        eng.dispose()
    assert row.prosecdef is True and row.owner == table_owner
