"""A pending row is handed to the broker once, not on every relay tick (issue 21: with the worker
down, 60 rows gave 245 broker messages in 75 s). Time is moved by patching the technical clock
the relay reads; the broker is the StubBroker with no worker, so every message stays queued."""
from __future__ import annotations

from datetime import timedelta

import pytest
from dramatiq import Message
from sqlalchemy import select

from grants.core import clock, db, outbox
from grants.core.outbox import OutboxEvent, PENDING
from grants.jobs import relay
from grants.jobs.scheduler import Scheduler

QUEUE = "grants"


def _outbox_messages(stub_broker) -> list[str]:
    q = stub_broker.queues[QUEUE]
    with q.mutex:
        items = list(q.queue)
    out = []  # the event ids handed over, one message each or in batches (many rows of one commit)
    for m in (Message.decode(i) for i in items):
        if m.actor_name == "process_outbox_event":
            out.append(m.args[0])
        elif m.actor_name == "process_outbox_events":
            out += m.args[0]
    return out


@pytest.fixture
def real_time(monkeypatch):
    """real_time.at(seconds): the technical clock `seconds` after the start of the test."""
    start = clock.real_now()

    class T:
        now = start

        def at(self, seconds: float):
            self.now = start + timedelta(seconds=seconds)
    t = T()
    monkeypatch.setattr(clock, "real_now", lambda: t.now)
    return t


def _emit(session, n):
    ids = [outbox.emit_email(session, f"org{i}@example.org", "Wyniki", "Treść").id for i in range(n)]
    session.commit()  # each one handed to the broker once, here
    return ids


def test_sixty_pending_rows_with_the_worker_down_give_at_most_sixty_broker_messages(
        app, session, stub_broker, real_time, monkeypatch):
    monkeypatch.delenv("GRANTS_OUTBOX_LEASE_SECONDS", raising=False)
    ids = _emit(session, 60)
    assert sorted(_outbox_messages(stub_broker)) == sorted(ids)
    sch = Scheduler(app, interval=15)
    for tick in range(1, 6):  # 75 s of scheduler ticks, every 15 s, the worker down
        real_time.at(15 * tick)
        assert sch.tick()["relayed"] == 0
        relay.relay_pending()  # and the worker process's relay, at the same time
    assert len(_outbox_messages(stub_broker)) == 60

    # the lease (5 min) runs out: each row once more (its message may have been lost), then
    # after 10, 20, 40 minutes, at most every hour: 4 messages a row in the first hour, not 240
    counts = {}
    for second in range(90, 3600 + 1, 15):
        real_time.at(second)
        sch.tick()
        counts[second] = len(_outbox_messages(stub_broker))
    assert counts[285] == 60 and counts[300] == 120
    assert counts[885] == 120 and counts[900] == 180
    assert counts[2085] == 180 and counts[2100] == 240
    assert counts[3600] == 240
    with db.session.session_factory() as s:
        rows = list(s.scalars(select(OutboxEvent)))
    assert {(r.status, r.enqueues) for r in rows} == {(PENDING, 3)}


def test_concurrent_relays_send_each_row_once(session, stub_broker, real_time):
    ids = _emit(session, 5)
    stub_broker.flush_all()
    real_time.at(301)
    assert relay.relay_pending() == 5
    assert relay.relay_pending() == 0  # the web server's and the scheduler's relay at the same moment
    assert sorted(_outbox_messages(stub_broker)) == sorted(ids)


def test_rows_whose_dispatch_after_commit_failed_go_with_the_next_tick(session, stub_broker, monkeypatch, row):
    def broker_down(ids):
        raise ConnectionError("Redis down")
    outbox.set_dispatcher(broker_down)
    try:
        ev = outbox.emit_email(session, "a@example.org", "S", "B")
        session.commit()
    finally:
        relay.install()
    assert row(ev.id).next_relay_at is not None  # due now, not in 5 minutes
    assert relay.relay_pending() == 1
    assert _outbox_messages(stub_broker) == [ev.id]
    assert relay.relay_pending() == 0


def test_broker_refusing_the_relay_leaves_the_rows_due(session, stub_broker, real_time, monkeypatch, row):
    ev = outbox.emit_email(session, "a@example.org", "S", "B")
    session.commit()
    stub_broker.flush_all()
    real_time.at(400)
    def down(ids):
        raise ConnectionError("Redis down")
    with monkeypatch.context() as mp:
        mp.setattr(relay, "dispatch", down)
        with pytest.raises(ConnectionError):
            relay.relay_pending()
    real_time.at(401)
    assert relay.relay_pending() == 1
    assert row(ev.id).enqueues == 1
