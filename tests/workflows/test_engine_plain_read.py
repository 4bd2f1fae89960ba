"""The engine's plain (not locking) first attempt on PostgreSQL: taken only when the transaction
has written nothing, proven by its write (the row's version and the chain's next seq), and done
again under the row lock when anything moved, without losing or doubling anything."""
from __future__ import annotations

from datetime import timezone

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from grants.consultations.models import Consultation
from grants.core import audit, db
from grants.workflows import base
from grants.workflows.base import apply_transition
from grants.workflows.errors import StaleVersion, WorkflowError

from .support import audit_actions, new_consultation, snapshot

pytestmark = pytest.mark.postgres(reason="the plain first attempt is PostgreSQL's (SQLite has no row locks to skip)")
REASON = {"reason": "Zmiana planów miasta"}


class _Sent(list):
    def __call__(self, _conn, _cursor, statement, *_args):
        self.append(" ".join(statement.split()))

    def __enter__(self):
        event.listen(db.get_engine(), "before_cursor_execute", self)
        return self

    def __exit__(self, *_exc):
        event.remove(db.get_engine(), "before_cursor_execute", self)


def _locks(sent) -> list[bool]:
    return ["FOR UPDATE" in s for s in sent if s.startswith("SELECT") and "consultations" in s]


def _after_the_plain_read(monkeypatch, engine, act) -> list:
    """Once, right after the engine's plain read, `act(other_session, obj)` runs and commits in a
    transaction of its own; returns the list that says it ran (clear it to run `act` again)."""
    real_read = base._read
    done: list = []

    def read_then_act(s, obj, wf, locking):
        out = real_read(s, obj, wf, locking)
        if not locking and not done:
            done.append(True)
            with Session(engine) as other:
                act(other, obj)
                other.commit()
        return out

    monkeypatch.setattr(base, "_read", read_then_act)
    return done


def test_a_transition_in_a_transaction_that_wrote_nothing_takes_no_row_lock(session, make_user):
    officer = make_user("officer")
    c = new_consultation(session, officer)
    with _Sent() as sent:
        apply_transition(session, c, "open", officer)
    assert _locks(sent) == [False]
    assert snapshot(c.id)["state"] == "open"
    assert c.starts_at.tzinfo is timezone.utc  # the row's values as SQLAlchemy gives them (UTC, aware)
    assert audit.verify(session).ok


def test_a_transition_after_the_transaction_wrote_takes_the_lock_and_keeps_what_was_written(session, make_user):
    officer = make_user("officer")
    c = new_consultation(session, officer)
    other = new_consultation(session, officer, title="Inne konsultacje")
    other.description = "Zmieniony wcześniej w tej transakcji"
    session.flush()
    with _Sent() as sent:
        apply_transition(session, c, "open", officer, commit=False)
    # read plainly, saw the transaction had written, then read again under the lock
    assert _locks(sent) == [False, True]
    session.commit()
    assert snapshot(c.id)["state"] == "open"
    with db.get_engine().connect() as conn:
        assert conn.execute(text("SELECT description FROM consultations WHERE id = :i"),
                            {"i": other.id}).scalar() == "Zmieniony wcześniej w tej transakcji"


def test_a_row_changed_after_it_was_loaded_is_transitioned_as_it_now_is(session, make_user, engine_for_two):
    """Loaded, then changed and committed elsewhere: the plain attempt reads the row as it now is
    (the change is seen, nothing is lost) and the version the caller did not name does not refuse."""
    officer = make_user("officer")
    c = new_consultation(session, officer)
    session.commit()
    with Session(engine_for_two, expire_on_commit=False) as s:
        theirs = s.get(Consultation, c.id)
        theirs.description = "Opis zmieniony w innej sesji"
        s.commit()
    apply_transition(session, c, "open", officer)
    snap = snapshot(c.id)
    assert snap["state"] == "open" and snap["version"] == 3
    assert c.description == "Opis zmieniony w innej sesji"


def test_a_row_moved_between_the_plain_read_and_the_write_is_done_again_under_the_lock(session, make_user,
                                                                                      engine_for_two, monkeypatch):
    """Another transaction commits a change after the plain read and before the write: the write
    matches no version and writes nothing; the transition runs again under the row lock on the
    row as it now is. Named with its version, it is refused as stale."""
    officer = make_user("officer")
    c = new_consultation(session, officer)
    apply_transition(session, c, "open", officer)
    version = c.version
    def move(other, obj):
        other.execute(text("UPDATE consultations SET description = 'W międzyczasie', version = version + 1 "
                           "WHERE id = :i"), {"i": obj.id})

    moved = _after_the_plain_read(monkeypatch, engine_for_two, move)
    session.expire(c)  # not loaded: the attempt reads it first
    with _Sent() as sent:
        apply_transition(session, c, "close_early", officer, REASON)
    assert _locks(sent) == [False, True]
    snap = snapshot(c.id)
    assert snap["state"] == "closed" and snap["version"] == version + 2
    assert [a for a, _ in audit_actions(c.id)].count("close_early") == 1
    assert audit.verify(session).ok

    d = new_consultation(session, officer, title="Druga")
    apply_transition(session, d, "open", officer)
    moved.clear()
    session.expire(d)
    with pytest.raises(StaleVersion):
        apply_transition(session, d, "close_early", officer, REASON, expected_version=2)
    assert snapshot(d.id)["state"] == "open"


def test_a_row_moved_after_it_was_loaded_is_done_again_under_the_lock(session, make_user, engine_for_two):
    """The row as loaded is checked without reading it again; another transaction changed it since:
    the write matches no version and writes nothing, and the transition runs again under the row
    lock on the row as it now is. Named with the version loaded, it is refused as stale."""
    officer = make_user("officer")
    c = new_consultation(session, officer)
    apply_transition(session, c, "open", officer)
    version = c.version
    with Session(engine_for_two) as other:
        other.execute(text("UPDATE consultations SET description = 'W międzyczasie', version = version + 1 "
                           "WHERE id = :i"), {"i": c.id})
        other.commit()
    with _Sent() as sent:
        apply_transition(session, c, "close_early", officer, REASON)
    assert sent[0].startswith("WITH") and _locks(sent) == [True]  # the write first, then under the lock
    snap = snapshot(c.id)
    assert snap["state"] == "closed" and snap["version"] == version + 2
    assert c.description == "W międzyczasie"
    assert [a for a, _ in audit_actions(c.id)].count("close_early") == 1
    assert audit.verify(session).ok

    d = new_consultation(session, officer, title="Druga")
    apply_transition(session, d, "open", officer)
    loaded = d.version
    with Session(engine_for_two) as other:
        other.execute(text("UPDATE consultations SET version = version + 1 WHERE id = :i"), {"i": d.id})
        other.commit()
    with pytest.raises(StaleVersion):
        apply_transition(session, d, "close_early", officer, REASON, expected_version=loaded)
    assert snapshot(d.id)["state"] == "open"


def test_a_chain_appended_after_the_row_was_loaded_is_continued_from_its_new_head(session, make_user,
                                                                                   engine_for_two):
    """An entry appended to the chain without changing the row (a document issued) after the row was
    loaded: the write reads the head after taking the row's lock, so the transition's entry follows
    it (seq and hash computed by the database as Python computes them: the chain verifies)."""
    officer = make_user("officer")
    c = new_consultation(session, officer)
    session.commit()
    session.refresh(c)  # every column loaded (a fresh insert leaves the database's defaults unloaded)
    session.commit()
    with Session(engine_for_two) as other:
        audit.lock_object(other, Consultation, c.id)
        audit.record(other, "consultation", c.id, "document_issued", None, payload={"rodzaj": "zaświadczenie"})
        other.commit()
    before = snapshot(c.id)["outbox"]
    with _Sent() as sent:
        apply_transition(session, c, "open", officer)
    assert _locks(sent) == []
    assert [a for a, _ in audit_actions(c.id)] == ["create", "document_issued", "open"]
    assert snapshot(c.id)["outbox"] == before + 1
    assert audit.verify(session).ok


def test_an_entry_hashed_by_the_database_is_the_one_python_computes(session, make_user):
    """The hash the write statement computes from the content's parts (audit.IN_SQL) equals the one
    Python computes from the entry as stored, Polish letters, quotes and new lines included."""
    officer = make_user("officer")
    c = new_consultation(session, officer)
    session.commit()
    apply_transition(session, c, "open", officer)
    apply_transition(session, c, "close_early", officer, {"reason": 'Zażółć gęślą jaźń: "cytat"\ni dalej'})
    entries = audit.history(session, "consultation", c.id)
    assert [e.action for e in entries] == ["create", "open", "close_early"]
    for entry in entries:
        assert entry.hash == entry.compute_hash()
    assert entries[2].prev_hash == entries[1].hash and entries[2].seq == 3


def test_a_transaction_that_took_an_advisory_lock_is_not_rolled_back_by_the_attempt(session, make_user):
    """An advisory lock gives the transaction no id (pg_current_xact_id_if_assigned stays NULL), but a
    rollback would release it: the statements sent say it was taken, and the row is locked first."""
    officer = make_user("officer")
    c = new_consultation(session, officer)
    session.commit()
    session.execute(text("SELECT pg_advisory_xact_lock(424242)"))
    assert db.wrote(session.connection())
    with _Sent() as sent:
        apply_transition(session, c, "open", officer, commit=False)
    assert _locks(sent)[-1] is True
    with db.get_engine().connect() as conn:  # still held by the session's transaction
        assert conn.execute(text("SELECT pg_try_advisory_xact_lock(424242)")).scalar() is False
    session.commit()
    assert snapshot(c.id)["state"] == "open"


def test_a_chain_appended_between_the_plain_read_and_the_write_is_done_again_under_the_lock(session, make_user,
                                                                                          engine_for_two, monkeypatch):
    """An entry appended to the object's chain without changing its row (a document issued) after the
    plain read: the write's seq is taken, nothing of it stays, and the transition appends after it."""
    officer = make_user("officer")
    c = new_consultation(session, officer)
    def append(other, obj):
        audit.lock_object(other, Consultation, obj.id)
        audit.record(other, "consultation", obj.id, "document_issued", None, payload={"kind": "test"})

    _after_the_plain_read(monkeypatch, engine_for_two, append)
    before = snapshot(c.id)["outbox"]
    apply_transition(session, c, "open", officer)
    assert [a for a, _ in audit_actions(c.id)] == ["create", "document_issued", "open"]
    assert snapshot(c.id)["outbox"] == before + 1  # the attempt that wrote nothing left no event
    assert audit.verify(session).ok


@pytest.fixture
def engine_for_two():
    eng = db.make_engine(db.get_engine().url.render_as_string(hide_password=False), pool_size=2, max_overflow=0)
    yield eng
    eng.dispose()


def test_a_check_that_locks_runs_under_the_row_lock_taken_first(session, make_user, monkeypatch):
    """A guard that locks another row (a payment locks its agreement) is not run in the plain
    attempt: the lock would come before the row's, the reverse of every locking transition (a
    deadlock). The transition is done under the row lock, taken first."""
    from grants.registry.models import Grantor
    officer = make_user("officer")
    c = new_consultation(session, officer)
    real_guard = base._guard_reason

    def locking_guard(t, obj, ctx):
        ctx.session.execute(select(Grantor.id).where(Grantor.id == obj.grantor_id).with_for_update())
        return real_guard(t, obj, ctx)

    monkeypatch.setattr(base, "_guard_reason", locking_guard)
    with _Sent() as sent:
        apply_transition(session, c, "open", officer)
    locks = [s for s in sent if "FOR UPDATE" in s]
    assert len(locks) == 2 and "consultations" in locks[0] and "grantors" in locks[1], sent
    assert snapshot(c.id)["state"] == "open"


def test_a_refusal_in_the_plain_attempt_leaves_the_connection_free_to_write(session, make_user):
    officer = make_user("officer")
    c = new_consultation(session, officer)
    with pytest.raises(WorkflowError):
        apply_transition(session, c, "close_early", officer, REASON)  # a draft is not closed early
    assert db.READING_ONLY not in session.connection().info
    c.description = "Zapisane po odmowie"
    session.commit()
    with db.get_engine().connect() as conn:
        assert conn.execute(text("SELECT description FROM consultations WHERE id = :i"),
                            {"i": c.id}).scalar() == "Zapisane po odmowie"


def test_reading_only_refuses_writes_and_locks_before_they_are_sent(session):
    conn = session.connection()
    info = db.reading_only(conn)
    try:
        assert session.execute(text("SELECT 1")).scalar() == 1
        for statement in ("UPDATE grantors SET name = name", "SELECT id FROM grantors FOR UPDATE",
                          "SELECT pg_advisory_xact_lock(1)", "INSERT INTO row_generations VALUES ('x', 1)"):
            with pytest.raises(db.WouldWrite):
                session.execute(text(statement))
    finally:
        info.pop(db.READING_ONLY, None)
    session.rollback()


def test_a_model_that_does_not_declare_plain_reads_is_locked_first(session, make_user):
    """A contest's row is locked by set_amounts only to serialise (R-ALLOC: the amounts its decision
    sums): its transitions always begin with the row lock."""
    from grants.contests.models import Contest
    from tests.factories import make_contest

    officer = make_user("officer")
    contest = make_contest(session, officer)
    session.commit()
    assert Contest.__plain_read__ is False and Consultation.__plain_read__ is True
    with _Sent() as sent:
        with pytest.raises(WorkflowError):
            apply_transition(session, contest, "no_such_transition", officer)
    reads = [s for s in sent if "FROM contests" in s]
    assert reads and "FOR UPDATE" in reads[0]


def test_an_effect_that_adds_rows_is_done_under_the_lock_and_the_callers_objects_stay_loaded(session, make_user,
                                                                                           monkeypatch):
    """An effect adding a row of its own (through the unit of work) makes the plain attempt give way
    before anything reaches the database: the attempt's unflushed changes are dropped, not the
    transaction, so what the caller loaded stays loaded (no rollback expiring it)."""
    import dataclasses

    from sqlalchemy import inspect as sa_inspect

    from grants.core import outbox
    from grants.workflows.consultation import CONSULTATION

    officer = make_user("officer")
    c = new_consultation(session, officer)
    other = new_consultation(session, officer, title="Trzymana przez wołającego")
    session.commit()
    other.title  # loaded by the caller before the transition

    def extra(obj, ctx):
        outbox.emit(ctx.session, "consultation.extra", {"id": obj.id})

    t = CONSULTATION.by_name["open"]
    monkeypatch.setitem(CONSULTATION.by_name, "open", dataclasses.replace(t, effects=(*t.effects, extra)))
    before = snapshot(c.id)["outbox"]
    with _Sent() as sent:
        apply_transition(session, c, "open", officer)
    assert _locks(sent) == [False, True]
    assert not sa_inspect(other).expired_attributes and sa_inspect(other).persistent
    assert snapshot(c.id)["state"] == "open" and snapshot(c.id)["outbox"] == before + 2  # the event once, and extra
    assert audit.verify(session).ok


def test_a_refusal_after_the_plain_write_rolls_that_write_back_before_the_locked_attempt(session, make_user,
                                                                                        monkeypatch):
    """A hook refusing after the plain attempt's write (here once): the write is rolled back, the
    transition is done under the lock from the row as it was, with one entry in the chain."""
    from grants.workflows.errors import GuardRefused

    officer = make_user("officer")
    c = new_consultation(session, officer)
    refused = []

    def refuse_once(*_args, **_kw):
        if not refused:
            refused.append(True)
            raise GuardRefused(base.Reason("Jeszcze nie"))

    monkeypatch.setattr(base, "_transition_hooks", [*base._transition_hooks, refuse_once])
    apply_transition(session, c, "open", officer)
    assert refused and snapshot(c.id)["state"] == "open" and snapshot(c.id)["version"] == 2
    assert [a for a, _ in audit_actions(c.id)] == ["create", "open"]
    assert audit.verify(session).ok


def test_a_callers_unflushed_changes_are_kept_when_the_plain_attempt_gives_way(session, make_user):
    """A caller holding changes it has not flushed (under no_autoflush) gets the locked transition
    straight away: giving way would drop those changes with the attempt's."""
    from grants.core import outbox

    officer = make_user("officer")
    c = new_consultation(session, officer)
    other = new_consultation(session, officer, title="Zmieniana przez wołającego")
    session.commit()
    before = snapshot(c.id)["outbox"]
    with session.no_autoflush:
        other.description = "Zmiana jeszcze nie zapisana"
        outbox.emit(session, "consultation.caller", {"id": other.id})
        with _Sent() as sent:
            apply_transition(session, c, "open", officer)
    assert _locks(sent)[-1] is True
    with db.get_engine().connect() as conn:
        assert conn.execute(text("SELECT description FROM consultations WHERE id = :i"),
                            {"i": other.id}).scalar() == "Zmiana jeszcze nie zapisana"
    assert snapshot(c.id)["state"] == "open" and snapshot(c.id)["outbox"] == before + 2
