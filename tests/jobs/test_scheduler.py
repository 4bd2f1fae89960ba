"""Scheduler.tick(): enqueues run_due_transitions, re-sends pending outbox rows, seals the audit trail."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from grants.core import audit, clock, db, outbox
from grants.core.audit import AuditSeal
from grants.core.outbox import DONE, OutboxEvent
from grants.jobs import actors
from grants.jobs.scheduler import Scheduler

from .conftest import eml_files, free_port

QUEUE = "grants"


def _queued(stub_broker) -> list[tuple[str, tuple]]:
    q = stub_broker.queues[QUEUE]
    with q.mutex:
        items = list(q.queue)
    from dramatiq import Message
    return sorted((m.actor_name, tuple(m.args)) for m in (Message.decode(i) for i in items))


def _old_pending_email(session) -> str:
    """A row left pending by a process that exited before its job ran."""
    ev = outbox.emit(session, "email.send", {"to": "a@example.org", "subject": "S", "body": "B"})
    ev.created_at = clock.real_now() - timedelta(minutes=10)  # its lease (5 min by default) has run out
    session.commit()
    return ev.id


def _seals() -> list[AuditSeal]:
    with db.session.session_factory() as s:
        return list(s.scalars(select(AuditSeal).order_by(AuditSeal.id)))


def test_tick_enqueues_due_transitions_relays_pending_and_seals(app, session, stub_broker, instance_dir):
    entry = audit.record(session, "test_object", 1, "created")
    session.commit()
    event_id = _old_pending_email(session)
    stub_broker.flush_all()  # the message sent at commit was lost with the process

    result = Scheduler(app).tick()

    assert _queued(stub_broker) == [("process_outbox_event", (event_id,)),
                                    ("run_due_transitions", ()),
                                    ("run_notification_jobs", ())]  # reminders, digests (issue 12)
    assert result["relayed"] == 1 and result["sealed"] is True
    [seal] = _seals()
    assert seal.last_entry_id == entry.id
    assert seal.hash == seal.compute_hash()
    assert audit.verify(session).ok


def test_tick_seals_only_every_seal_period_and_only_new_entries(app, session, stub_broker):
    sch = Scheduler(app, seal_every=300)
    audit.record(session, "test_object", 1, "created")
    session.commit()
    sch.tick()
    audit.record(session, "test_object", 1, "changed")
    session.commit()
    assert sch.tick()["sealed"] is False  # too soon
    assert len(_seals()) == 1
    sch.seal_every = 0
    assert sch.tick()["sealed"] is True
    assert sch.tick()["sealed"] is False  # nothing new since: no empty seal
    seals = _seals()
    assert len(seals) == 2 and seals[1].prev_hash == seals[0].hash


def test_tick_messages_run_on_the_worker(app, session, stub_broker, worker, instance_dir, row):
    event_id = _old_pending_email(session)
    stub_broker.join(QUEUE)
    with db.session.session_factory() as s:  # delivered right after commit already
        assert s.get(OutboxEvent, event_id).status == DONE
    Scheduler(app).tick()
    stub_broker.join(QUEUE)  # run_due_transitions ran without error; the email is not sent twice
    assert stub_broker.dead_letters == []
    assert len(eml_files(instance_dir)) == 1


def test_tick_with_broker_down_still_seals(app, session, stub_broker, monkeypatch):
    from grants.jobs.broker import _make_broker
    down = _make_broker(f"redis://127.0.0.1:{free_port()}/0")
    down.declare_queue(QUEUE)
    monkeypatch.setattr(actors.run_due_transitions, "broker", down)
    monkeypatch.setattr(actors.process_outbox_event, "broker", down)
    audit.record(session, "test_object", 1, "created")
    session.commit()
    _old_pending_email(session)

    result = Scheduler(app).tick()

    assert isinstance(result["due"], Exception) and isinstance(result["relayed"], Exception)
    assert result["sealed"] is True and len(_seals()) == 1
    with db.session.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.status == "pending")) == 1


def test_scheduler_thread_ticks_until_stopped(app, stub_broker, monkeypatch):
    ticks = threading.Semaphore(0)
    sch = Scheduler(app, interval=0.01)
    monkeypatch.setattr(sch, "tick", lambda: ticks.release())
    th = sch.start_thread()
    assert ticks.acquire(timeout=5) and ticks.acquire(timeout=5)  # at least two ticks
    sch.stop()
    th.join(timeout=5)
    assert not th.is_alive()
