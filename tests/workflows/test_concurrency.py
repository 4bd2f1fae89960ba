"""Concurrency on PostgreSQL: one winner among simultaneous transitions, and two schedulers that
close every due object exactly once. Pools stay well under PostgreSQL's 100 connections."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grants.accounts.models import User
from grants.consultations.models import Consultation
from grants.core import db
from grants.core.audit import AuditEntry
from grants.workflows.base import apply_transition
from grants.workflows.errors import StaleVersion, TransitionNotAvailable, WorkflowError
from grants.workflows.scheduler import run_due

from .support import new_consultation, snapshot

pytestmark = pytest.mark.postgres(reason="races concurrent writers: SQLite lets one writer at a time hold the file, so there is no race to lose")
THREADS = 20


@pytest.fixture
def engine():
    eng = db.make_engine(db.get_engine().url.render_as_string(hide_password=False),
                         pool_size=THREADS + 2, max_overflow=0)
    yield eng
    eng.dispose()


def _race(engine, obj_id, user_id, name, payload, versions):
    """THREADS sessions load the object, wait for each other, then all try `name` at once."""
    barrier = threading.Barrier(THREADS)
    results: list = [None] * THREADS

    def attempt(i):
        with Session(engine, expire_on_commit=False) as s:
            try:
                obj, actor = s.get(Consultation, obj_id), s.get(User, user_id)
                actor.role_names  # loaded before the race
                s.commit()
                barrier.wait(timeout=30)
                apply_transition(s, obj, name, actor, payload, versions(i))
                results[i] = "ok"
            except WorkflowError as e:
                results[i] = e
            except Exception as e:  # noqa: BLE001 - reported by the assertion below
                results[i] = e

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.parametrize("with_if_match", [False, True])
def test_one_of_twenty_simultaneous_transitions_wins(session, make_user, engine, with_if_match):
    officer = make_user("officer")
    c = new_consultation(session, officer)
    apply_transition(session, c, "open", officer)
    version = c.version
    results = _race(engine, c.id, officer.id, "close_early", {"reason": "Zamknięcie równoległe"},
                    (lambda i: version if i % 2 else None) if with_if_match else (lambda i: None))
    assert results.count("ok") == 1, results
    losers = [r for r in results if r != "ok"]
    assert len(losers) == THREADS - 1
    assert all(isinstance(r, (StaleVersion, TransitionNotAvailable)) and r.status == 409 for r in losers), losers
    snap = snapshot(c.id)
    assert snap["state"] == "closed" and snap["version"] == version + 1
    n = session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.object_id == str(c.id), AuditEntry.action == "close_early"))
    assert n == 1


def test_two_schedulers_close_each_due_object_exactly_once(session, make_user, clock_at):
    officer = make_user("officer")
    ids, last_end = [], None
    for i in range(30):
        c = new_consultation(session, officer, lasts=timedelta(days=1, minutes=i))
        apply_transition(session, c, "open", officer)
        ids.append(c.id)
        last_end = c.ends_at
    clock_at(last_end + timedelta(minutes=1))
    db.session.remove()

    barrier = threading.Barrier(2)
    done = [None, None]

    def scheduler(i):
        barrier.wait(timeout=30)
        done[i] = run_due()

    threads = [threading.Thread(target=scheduler, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sum(done) == 30, done
    with db.get_engine().connect() as conn:
        states = set(conn.scalars(select(Consultation.state).where(Consultation.id.in_(ids))))
        closes = dict(conn.execute(
            select(AuditEntry.object_id, func.count()).where(AuditEntry.action == "close")
            .group_by(AuditEntry.object_id)).all())
    assert states == {"closed"}
    assert closes == {str(i): 1 for i in ids}
    assert run_due() == 0


def _open_while_another_holds_the_row(session, engine, officer, obj_id, hold) -> None:
    """`hold(other_session)` changes or appends under the row lock, uncommitted; "open" then runs in
    a thread, must wait for that lock, and succeed once the other transaction commits."""
    other = Session(engine, expire_on_commit=False)
    mover = Session(engine, expire_on_commit=False)
    try:
        hold(other)
        outcome = []
        theirs = mover.get(Consultation, obj_id)
        actor = mover.get(User, officer.id)
        actor.role_names

        def move():
            try:
                apply_transition(mover, theirs, "open", actor)
                outcome.append("ok")
            except Exception as e:  # noqa: BLE001
                outcome.append(e)

        th = threading.Thread(target=move)
        th.start()
        th.join(timeout=0.5)
        assert th.is_alive(), "the transition should wait for the row lock"
        other.commit()
        th.join(timeout=30)
        assert outcome == ["ok"], outcome
    finally:
        other.close()
        mover.close()


def test_transition_waiting_on_a_concurrent_edit_appends_after_it(session, make_user, engine):
    """The engine reads the audit chain head in the statement that locks the row; when that
    statement had to wait for another transaction's change, the head it saw is stale and must be
    read again, or the chain would fork (a duplicate seq) or the transition fail."""
    from grants.consultations import operations as ops
    from grants.core import audit
    officer = make_user("officer")
    obj_id = new_consultation(session, officer).id

    def edit(editor):
        draft = editor.get(Consultation, obj_id)
        ops.update(editor, draft, editor.get(User, officer.id), {"description": "Nowy opis"})
        editor.flush()  # the row is locked and an audit entry written, not yet committed

    _open_while_another_holds_the_row(session, engine, officer, obj_id, edit)
    entries = audit.history(session, "consultation", obj_id)
    assert [(e.seq, e.action) for e in entries] == [(1, "create"), (2, "update"), (3, "open")]
    assert audit.verify(session).ok


def test_transition_waiting_on_an_append_that_leaves_the_row_unchanged_appends_after_it(session, make_user, engine):
    """An entry appended under the row lock without changing the row (an issued document, a booked
    return, a comment) leaves the version as it was: the head the engine read in its snapshot is
    stale all the same. Seen in CI: a settlement's close failed with a duplicate seq while a worker
    issued the settlement's document."""
    from grants.core import audit
    officer = make_user("officer")
    obj_id = new_consultation(session, officer).id

    def append(appender):
        audit.lock_object(appender, Consultation, obj_id)
        audit.record(appender, "consultation", obj_id, "document_issued", None, payload={"kind": "test"})
        appender.flush()  # the row is locked and an entry appended, the row itself unchanged

    _open_while_another_holds_the_row(session, engine, officer, obj_id, append)
    entries = audit.history(session, "consultation", obj_id)
    assert [(e.seq, e.action) for e in entries] == [(1, "create"), (2, "document_issued"), (3, "open")]
    assert audit.verify(session).ok
    assert snapshot(obj_id)["outbox"] == 2  # the create's event and the open's, not a stale attempt's
