"""The outbox path: emit inside a transaction → dispatched after commit → the actor delivers it
and marks the row done; idempotent by event id; failures counted; nothing lost with the broker down."""
from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from grants.core import db, outbox
from grants.core.outbox import DONE, FAILED, PENDING, OutboxEvent
from grants.jobs import actors, handlers, relay

from .conftest import eml_files, read_eml

QUEUE = "grants"


def _count_rows() -> int:
    with db.session.session_factory() as s:
        return s.scalar(select(func.count()).select_from(OutboxEvent))


def test_event_is_dispatched_only_after_commit(session, stub_broker, dispatched, instance_dir, row):
    ev = outbox.emit(session, "email.send", {"to": "a@example.org", "subject": "S", "body": "B"})
    session.flush()
    assert dispatched == []
    assert stub_broker.queues[QUEUE].qsize() == 0
    session.commit()
    assert dispatched == [[ev.id]]
    assert stub_broker.queues[QUEUE].qsize() == 1
    assert row(ev.id).status == PENDING  # done only when the job has run, not when enqueued


def test_rolled_back_event_is_neither_sent_nor_stored(session, stub_broker, dispatched, instance_dir, worker):
    outbox.emit(session, "email.send", {"to": "a@example.org", "subject": "S", "body": "B"})
    session.flush()
    session.rollback()
    # a later commit of the same session must not send the forgotten id either
    outbox.emit(session, "test.noop", {})
    session.commit()
    stub_broker.join(QUEUE)
    assert len(dispatched) == 1 and len(dispatched[0]) == 1
    assert _count_rows() == 1
    assert eml_files(instance_dir) == []


def test_closed_session_forgets_its_uncommitted_events(session, stub_broker, dispatched, instance_dir):
    outbox.emit(session, "email.send", {"to": "a@example.org", "subject": "S", "body": "B"})
    session.close()  # ends the transaction without commit and without an explicit rollback
    ev = outbox.emit(session, "test.noop", {})
    session.commit()
    assert dispatched == [[ev.id]]
    assert _count_rows() == 1


def test_event_in_rolled_back_savepoint_is_not_stored(session, stub_broker, dispatched, worker, instance_dir):
    kept = outbox.emit(session, "email.send", {"to": "kept@example.org", "subject": "S", "body": "B"})
    nested = session.begin_nested()
    outbox.emit(session, "email.send", {"to": "lost@example.org", "subject": "S", "body": "B"})
    nested.rollback()
    session.commit()
    stub_broker.join(QUEUE)
    assert _count_rows() == 1
    files = eml_files(instance_dir)
    assert [read_eml(f)["To"] for f in files] == ["kept@example.org"]
    assert kept.id in dispatched[0]


def test_actor_delivers_and_marks_done(emit_email, stub_broker, worker, instance_dir, row):
    event_id = emit_email(to="ngo@example.org", subject="Wynik konkursu")
    stub_broker.join(QUEUE)
    ev = row(event_id)
    assert ev.status == DONE
    assert ev.attempts == 1
    assert ev.done_at is not None and ev.last_error is None
    [path] = eml_files(instance_dir)
    msg = read_eml(path)
    assert msg["To"] == "ngo@example.org"
    assert msg["Subject"] == "Wynik konkursu"
    assert msg["Message-ID"] == f"<{event_id}@grants.local>"
    assert msg.get_content().strip() == "Treść wiadomości"


def test_actor_twice_for_same_id_delivers_once(emit_email, stub_broker, worker, instance_dir, row):
    event_id = emit_email()
    stub_broker.join(QUEUE)
    actors.process_outbox_event.send(event_id)
    actors.process_outbox_event.send(event_id)
    stub_broker.join(QUEUE)
    actors.process_outbox_event(event_id)  # and a direct call
    assert len(eml_files(instance_dir)) == 1
    ev = row(event_id)
    assert ev.status == DONE and ev.attempts == 1


def test_unknown_event_id_is_ignored(stub_broker, worker, instance_dir):
    actors.process_outbox_event.send("00000000-0000-0000-0000-000000000000")
    stub_broker.join(QUEUE)
    assert eml_files(instance_dir) == []
    assert _count_rows() == 0


@pytest.fixture
def failing_topic(monkeypatch):
    """A topic whose handler fails the first `fail_times` calls (then succeeds)."""
    state = {"calls": 0, "fail_times": 10**6}

    def handler(payload, event_id):
        state["calls"] += 1
        if state["calls"] <= state["fail_times"]:
            raise RuntimeError(f"SMTP niedostępny ({state['calls']})")
    monkeypatch.setitem(handlers._handlers, "test.fail", [handler])
    return state


def test_failing_handler_counts_attempts_and_keeps_row_pending(session, failing_topic, stub_broker, worker,
                                                              monkeypatch, row):
    monkeypatch.setitem(actors.process_outbox_event.options, "max_retries", 0)
    ev = outbox.emit(session, "test.fail", {"n": 1})
    session.commit()
    stub_broker.join(QUEUE, fail_fast=False)
    stored = row(ev.id)
    assert failing_topic["calls"] == 1
    assert stored.status == PENDING
    assert stored.attempts == 1
    assert "RuntimeError: SMTP niedostępny (1)" in stored.last_error
    assert stored.done_at is None


def test_failing_handler_marks_failed_after_max_attempts(session, failing_topic, monkeypatch, row):
    monkeypatch.setattr(actors, "MAX_ATTEMPTS", 3)
    ev = outbox.emit(session, "test.fail", {})
    session.commit()
    for attempt in (1, 2):
        with pytest.raises(RuntimeError):
            actors.process_outbox_event(ev.id)
        assert (row(ev.id).status, row(ev.id).attempts) == (PENDING, attempt)
    actors.process_outbox_event(ev.id)  # the last attempt: recorded, not raised (no more retries)
    stored = row(ev.id)
    assert (stored.status, stored.attempts) == (FAILED, 3)
    # a failed row is not retried by a later delivery (relay or a stray message)
    actors.process_outbox_event(ev.id)
    assert failing_topic["calls"] == 3
    assert row(ev.id).attempts == 3
    assert relay.relay_pending(grace_seconds=0) == 0


def test_dramatiq_retry_of_failing_handler_delivers_once(session, failing_topic, stub_broker, worker,
                                                          monkeypatch, row):
    """A failed message is re-enqueued by dramatiq's Retries middleware (its options are encoded
    again, so nothing unserialisable may ride on them) and succeeds the second time."""
    failing_topic["fail_times"] = 1
    monkeypatch.setitem(actors.process_outbox_event.options, "min_backoff", 10)
    monkeypatch.setitem(actors.process_outbox_event.options, "max_backoff", 20)
    ev = outbox.emit(session, "test.fail", {})
    session.commit()
    stub_broker.join(QUEUE, timeout=10_000)
    stored = row(ev.id)
    assert failing_topic["calls"] == 2
    assert (stored.status, stored.attempts) == (DONE, 2)
    assert stub_broker.dead_letters == []


def test_handler_writes_are_discarded_when_it_fails(session, monkeypatch, row):
    def handler(payload, event_id):
        outbox.emit(db.session(), "test.side_effect", {})
        db.session().flush()
        raise ValueError("nie tym razem")
    monkeypatch.setitem(handlers._handlers, "test.partial", [handler])
    ev = outbox.emit(session, "test.partial", {})
    session.commit()
    with pytest.raises(ValueError):
        actors.process_outbox_event(ev.id)
    with db.session.session_factory() as s:
        topics = sorted(s.scalars(select(OutboxEvent.topic)))
    assert topics == ["test.partial"]
    assert row(ev.id).attempts == 1


@pytest.mark.postgres(reason="races concurrent writers: SQLite lets one writer at a time hold the file, so there is no race to lose")
def test_concurrent_deliveries_of_one_event_run_its_handler_once(session, stub_broker, worker, monkeypatch, row):
    import threading
    import time

    calls = []
    lock = threading.Lock()

    def slow(payload, event_id):
        with lock:
            calls.append(event_id)
        time.sleep(0.3)  # the second delivery arrives while the first holds the row
    monkeypatch.setitem(handlers._handlers, "test.slow", [slow])
    ev = outbox.emit(session, "test.slow", {})
    session.commit()  # first delivery
    actors.process_outbox_event.send(ev.id)  # second, picked up by the other worker thread
    stub_broker.join(QUEUE)
    assert calls == [ev.id]
    assert row(ev.id).status == DONE


# ---------------------------------------------------------------- broker unavailable

@pytest.fixture
def broker_down():
    """Sending to the broker fails as with Redis down (a RedisBroker on a closed port);
    `broker_down.undo()` brings it back."""
    from grants.jobs.broker import _make_broker

    from .conftest import free_port
    down = _make_broker(f"redis://127.0.0.1:{free_port()}/0")  # built as in production
    down.declare_queue(QUEUE)
    mp = pytest.MonkeyPatch()
    mp.setattr(actors.process_outbox_event, "broker", down)
    yield mp
    mp.undo()


def test_broker_down_change_commits_and_row_stays_pending(app, session, make_user, broker_down, stub_broker,
                                                          worker, instance_dir, row, caplog):
    from grants.accounts.models import User

    import time

    user = make_user("applicant")  # the change the event belongs to
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="grants.core.outbox"):
        ev = outbox.emit(session, "email.send", {"to": user.email, "subject": "Witamy", "body": "B"})
        user.full_name = "Zmieniona Nazwa"
        session.commit()  # no exception for the caller
    assert time.monotonic() - started < 3  # and no long wait for a broker that is down
    assert "left pending" in caplog.text and "ConnectionError" in caplog.text
    with db.session.session_factory() as s:
        assert s.get(User, user.id).full_name == "Zmieniona Nazwa"
    assert row(ev.id).status == PENDING and row(ev.id).attempts == 0
    stub_broker.join(QUEUE)
    assert eml_files(instance_dir) == []
    # the relay with the broker still down: nothing lost, nothing marked
    with pytest.raises(Exception):
        relay.relay_pending(grace_seconds=0)
    assert row(ev.id).status == PENDING

    broker_down.undo()  # the broker is back
    assert relay.relay_pending(grace_seconds=0) == 1
    stub_broker.join(QUEUE)
    assert row(ev.id).status == DONE
    assert relay.relay_pending(grace_seconds=0) == 0
    stub_broker.join(QUEUE)
    [path] = eml_files(instance_dir)
    assert read_eml(path)["Message-ID"] == f"<{ev.id}@grants.local>"


def test_relay_respects_grace_period(emit_email, stub_broker, dispatched, row):
    event_id = emit_email()
    stub_broker.flush_all()  # as if the message were lost with the broker
    assert relay.relay_pending() == 0  # too young: probably still on its way
    assert relay.relay_pending(grace_seconds=0) == 1
    assert stub_broker.queues[QUEUE].qsize() == 1
    assert row(event_id).status == PENDING


def test_relay_leaves_callers_session_alone(session, make_user, stub_broker):
    user = make_user("applicant")
    user.full_name = "Niezapisana"
    relay.relay_pending(grace_seconds=0)
    assert user in session and user.full_name == "Niezapisana"
    assert session.is_modified(user)
