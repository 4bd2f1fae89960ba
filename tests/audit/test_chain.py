"""The hash-chained audit trail (ARCHITECTURE.md "Audit trail"): chains per object, seals over
all chain heads, and `grants audit verify` naming the first broken link after tampering done
behind the application's back."""
from __future__ import annotations

import hashlib
import json
import threading
from types import SimpleNamespace

import pytest
from sqlalchemy import select, text

from grants.core import audit, canonical, db
from grants.core.audit import AuditEntry, AuditSeal

ALICE = SimpleNamespace(id=7, email="alicja@krakow.example")


def _chain(session, object_id="1", n=3, object_type="consultation"):
    entries = [audit.record(session, object_type, object_id, f"step{i}", ALICE if i % 2 else None,
                            changes={"state": [f"s{i}", f"s{i + 1}"]}, payload={"n": i})
               for i in range(n)]
    session.commit()
    return entries


def _ids(object_id, object_type="consultation") -> list[int]:
    with db.get_engine().connect() as c:
        return list(c.scalars(select(AuditEntry.id).where(AuditEntry.object_type == object_type,
                                                          AuditEntry.object_id == object_id)
                              .order_by(AuditEntry.seq)))


def tamper(sql: str, **params) -> None:
    """Change audit rows as someone with direct database access would (on PostgreSQL the
    append-only triggers are switched off first, as only the tables' owner can)."""
    eng = db.get_engine()
    with eng.begin() as c:
        pg = eng.dialect.name == "postgresql"
        if pg:
            c.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
            c.execute(text("ALTER TABLE audit_seals DISABLE TRIGGER USER"))
        c.execute(text(sql), params)
        if pg:
            c.execute(text("ALTER TABLE audit_entries ENABLE TRIGGER USER"))
            c.execute(text("ALTER TABLE audit_seals ENABLE TRIGGER USER"))
    db.session.remove()


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def verify():
        db.session.remove()
        return runner.invoke(args=["audit", "verify"])
    return verify


def _broken(cli, *needles):
    result = cli()
    assert result.exit_code != 0, result.output
    for needle in needles:
        assert needle in result.output, result.output
    return result.output


# ------------------------------------------------------------------ the chain itself

def test_entries_chain_per_object(session):
    a = _chain(session, "1", 3)
    b = _chain(session, "2", 2)
    assert [e.seq for e in a] == [1, 2, 3] and [e.seq for e in b] == [1, 2]
    assert a[0].prev_hash is None and b[0].prev_hash is None
    assert [e.prev_hash for e in a[1:]] == [e.hash for e in a[:-1]]
    assert a[1].actor_id == 7 and a[1].actor_label == "alicja@krakow.example"
    assert a[0].actor_id is None and a[0].actor_label == "system"
    assert [e.action for e in audit.history(session, "consultation", 1)] == ["step0", "step1", "step2"]
    result = audit.verify(session)
    assert result.ok and result.entries == 5 and result.seals == 0


def test_hash_covers_canonical_content(session):
    e = _chain(session, "1", 1)[0]
    stored = session.get(AuditEntry, e.id)
    assert stored.hash == e.hash == stored.compute_hash()
    body = json.loads(canonical.dumps(stored.content()))
    assert body["clock_at"].endswith("Z") and body["changes"] == '{"state":["s0","s1"]}'
    stored.actor_label = "ktoś inny"  # never flushed: only to show the hash would differ
    assert stored.compute_hash() != e.hash
    session.rollback()


def _hash_from_parts(values: dict, prev_hash: str | None, seq: int) -> str:
    """What the engine's SQL computes (grants.workflows.base._head_in_sql), in Python."""
    prev = "null" if prev_hash is None else f'"{prev_hash}"'
    text = values["hash_before"] + prev + values["hash_between"] + str(seq) + values["hash_after"]
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize("prev_hash, seq", [(None, 1), ("ab" * 32, 7)])
def test_hash_from_parts_around_the_head_is_the_content_hash(session, prev_hash, seq):
    """An entry whose head the database reads (audit.IN_SQL): its content in parts around prev_hash
    and seq hashes, once they are known, as the whole content does (the SQL joins the same parts)."""
    actor = SimpleNamespace(id=3, email="urzędnik@krakow.example")
    values = audit.entry_values(session, "offer", 12, "submit", actor, changes={"state": ["draft", "submitted"]},
                                payload={"uwagi": 'Zażółć "gęślą"\njaźń', "kwota": "1000.00"}, head=audit.IN_SQL)
    assert {"seq", "prev_hash", "hash"}.isdisjoint(values) and set(audit.HASH_PARTS) <= set(values)
    content = {k: v for k, v in values.items() if k not in audit.HASH_PARTS}
    assert _hash_from_parts(values, prev_hash, seq) == audit.content_hash({**content, "prev_hash": prev_hash,
                                                                          "seq": seq})


def test_cli_verify_exits_zero_when_intact(session, cli):
    _chain(session, "1", 3)
    session.add(audit.checkpoint(session) or AuditSeal())
    session.commit()
    result = cli()
    assert result.exit_code == 0, result.output
    assert "3 entries, 1 seals" in result.output


def test_empty_trail_verifies(cli):
    assert cli().exit_code == 0


# ------------------------------------------------------------------ tampering

@pytest.mark.parametrize("column,value", [("actor_label", "mallory@example.org"),
                                          ("changes", '{"state":["s1","reported"]}'),
                                          ("action", "close")])
def test_edited_row_is_named(session, cli, column, value):
    _chain(session, "1", 3)
    victim = _ids("1")[1]
    tamper(f"UPDATE audit_entries SET {column} = :v WHERE id = :i", v=value, i=victim)
    _broken(cli, f"entry {victim} ", "content does not match its hash")


def test_edited_row_with_recomputed_hash_breaks_the_next_link(session, cli):
    _chain(session, "1", 3)
    first, second, _ = _ids("1")
    e = session.get(AuditEntry, first)
    e.actor_label = "mallory@example.org"
    forged = e.compute_hash()
    session.rollback()
    tamper("UPDATE audit_entries SET actor_label = 'mallory@example.org', hash = :h WHERE id = :i",
           h=forged, i=first)
    _broken(cli, f"entry {second} ", "does not link")


def test_deleted_middle_row_is_a_sequence_gap(session, cli):
    _chain(session, "1", 4)
    _chain(session, "2", 2)
    ids = _ids("1")
    tamper("DELETE FROM audit_entries WHERE id = :i", i=ids[1])
    _broken(cli, f"entry {ids[2]} ", "sequence gap after #1")


def test_deleted_first_row_is_detected(session, cli):
    _chain(session, "1", 2)
    ids = _ids("1")
    tamper("DELETE FROM audit_entries WHERE id = :i", i=ids[0])
    _broken(cli, f"entry {ids[1]} ", "sequence gap after #0")


def test_deleted_tail_after_a_seal_is_detected_by_the_seal(session, cli):
    _chain(session, "1", 3)
    _chain(session, "2", 1)
    seal = audit.checkpoint(session)
    session.commit()
    tail = _ids("1")[-1]
    assert cli().exit_code == 0
    tamper("DELETE FROM audit_entries WHERE id = :i", i=tail)
    _broken(cli, f"seal {seal.id}", "consultation 1 #3")


def test_tail_rewritten_with_a_valid_hash_is_caught_by_the_seal(session, cli):
    _chain(session, "1", 2)
    seal = audit.checkpoint(session)
    session.commit()
    seal_id = seal.id
    tail = _ids("1")[-1]
    e = session.get(AuditEntry, tail)
    e.changes = '{"state":["s1","reported"]}'
    forged = e.compute_hash()
    session.rollback()
    tamper("UPDATE audit_entries SET changes = :c, hash = :h WHERE id = :i",
           c='{"state":["s1","reported"]}', h=forged, i=tail)
    _broken(cli, f"seal {seal_id}", "missing or altered")


# ------------------------------------------------------------------ seals

def test_seals_chain_and_skip_when_nothing_is_new(session, cli):
    _chain(session, "1", 2)
    first = audit.checkpoint(session)
    session.commit()
    assert first.prev_hash is None and first.last_entry_id == max(_ids("1"))
    assert json.loads(first.heads) == [["consultation", "1", 2, session.get(AuditEntry, max(_ids("1"))).hash]]
    assert audit.checkpoint(session) is None  # nothing new
    _chain(session, "2", 1)
    second = audit.checkpoint(session)
    session.commit()
    assert second.prev_hash == first.hash
    assert [h[:3] for h in json.loads(second.heads)] == [["consultation", "1", 2], ["consultation", "2", 1]]
    result = audit.verify(session)
    assert result.ok and result.seals == 2


def test_edited_seal_is_detected(session, cli):
    _chain(session, "1", 2)
    seal = audit.checkpoint(session)
    session.commit()
    tamper("UPDATE audit_seals SET heads = '[]' WHERE id = :i", i=seal.id)
    _broken(cli, f"seal {seal.id}: content does not match")


def test_deleted_seal_breaks_the_seal_chain(session, cli):
    _chain(session, "1", 1)
    first = audit.checkpoint(session)
    session.commit()
    _chain(session, "2", 1)
    second = audit.checkpoint(session)
    session.commit()
    tamper("DELETE FROM audit_seals WHERE id = :i", i=first.id)
    _broken(cli, f"seal {second.id}: does not link to the previous seal")


@pytest.mark.postgres(reason="races concurrent writers: SQLite lets one writer at a time hold the file, so there is no race to lose")
def test_concurrent_checkpoints_make_one_chain(session):
    _chain(session, "1", 2)
    barrier, errors = threading.Barrier(4), []

    def seal():
        s = db.session.session_factory()
        try:
            barrier.wait(timeout=30)
            audit.checkpoint(s)
            s.commit()
        except Exception as e:  # noqa: BLE001
            errors.append(e)
        finally:
            s.close()

    threads = [threading.Thread(target=seal) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    seals = session.scalars(select(AuditSeal)).all()
    assert len(seals) == 1  # the others found nothing new once it was committed
    assert audit.verify(session).ok


# ------------------------------------------------------------------ PostgreSQL refuses changes

@pytest.mark.postgres(reason="the append-only triggers are PostgreSQL's; SQLite has no TRUNCATE and no roles")
@pytest.mark.parametrize("table", ["audit_entries", "audit_seals"])
@pytest.mark.parametrize("statement", ["UPDATE {t} SET hash = 'x'", "DELETE FROM {t}", "TRUNCATE {t}"])
def test_triggers_refuse_update_delete_truncate(session, table, statement):
    _chain(session, "1", 2)
    audit.checkpoint(session)
    session.commit()
    before = audit.verify(session)
    session.commit()  # hold no lock on the audit tables while TRUNCATE waits for one
    eng = db.get_engine()
    with eng.connect() as c:
        with pytest.raises(Exception) as info:
            c.execute(text(statement.format(t=table)))
        c.rollback()
    assert "append-only" in str(info.value)
    after = audit.verify(session)
    assert after.ok and (after.entries, after.seals) == (before.entries, before.seals) == (2, 1)
