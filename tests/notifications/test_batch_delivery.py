"""A fan-out's mails (many outbox rows of one commit) go to the workers in batches, each batch over
one SMTP connection; a mail the server refuses goes on alone with its retries. Each mail arrives
exactly once (a real SMTP server, aiosmtpd)."""
from __future__ import annotations

import email
import email.policy
import threading
from collections import Counter

import pytest
from dramatiq.message import Message
from sqlalchemy import select

from grants.core import db, outbox
from grants.core.outbox import DONE, OutboxEvent
from grants.jobs import relay

QUEUE = "grants"
REFUSED_ONCE = "sekretariat@fundacja.example.org"


class Server:
    """Accepts every mail but the first attempt to REFUSED_ONCE; counts connections (SMTP sessions)."""

    def __init__(self):
        self.received: list[str] = []
        self.sessions: list = []
        self.refused = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            if all(s is not session for s in self.sessions):
                self.sessions.append(session)
            if msg["To"] == REFUSED_ONCE and not self.refused:
                self.refused += 1
                return "451 Try again later"
            self.received.append(msg["To"])
        return "250 Message accepted for delivery"


@pytest.fixture
def server(smtp_server):
    """The job tests' SMTP server (GRANTS_SMTP_URL points at it) answering as Server does."""
    handler = Server()
    smtp_server.handle_DATA = handler.handle_DATA  # aiosmtpd looks the hook up on each command
    return handler


def _queued(stub_broker) -> Counter:
    q = stub_broker.queues[QUEUE]
    with q.mutex:
        return Counter(Message.decode(i).actor_name for i in q.queue)


def test_a_fan_out_goes_in_batches_over_few_connections_and_each_mail_arrives_once(
        app, session, server, stub_broker, worker):
    worker.pause()
    n = 2 * relay.BATCH + 10
    to = [f"org{i}@example.org" for i in range(n - 1)] + [REFUSED_ONCE]
    for address in to:
        outbox.emit_email(session, address, "Nowy konkurs", "Treść")
    session.commit()
    assert _queued(stub_broker) == Counter({"process_outbox_events": 3})  # 110 mails, 3 messages
    worker.resume()
    stub_broker.join(QUEUE)
    worker.join()
    stub_broker.join(QUEUE)  # the refused mail, retried alone after its back-off
    worker.join()
    assert sorted(server.received) == sorted(to)  # each exactly once, the refused one too
    assert server.refused == 1
    assert len(server.sessions) <= 3 + 2  # a connection per batch (and one for the retry), not per mail
    with db.session.session_factory() as s:
        assert set(s.scalars(select(OutboxEvent.status).where(OutboxEvent.topic == "email.send"))) == {DONE}


def test_a_few_events_of_one_commit_go_one_message_each(app, session, stub_broker):
    for i in range(3):
        outbox.emit_email(session, f"org{i}@example.org", "Wyniki", "Treść")
    session.commit()
    assert _queued(stub_broker) == Counter({"process_outbox_event": 3})
