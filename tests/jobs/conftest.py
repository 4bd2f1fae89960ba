"""Fixtures for the job tests: a private instance dir (where .eml files land), a real local SMTP
server (aiosmtpd), and helpers to emit e-mail events and read outbox rows from a fresh session."""
from __future__ import annotations

import email
import email.policy
import socket
import threading

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_db(request):
    """The test module's own Redis database (its REDIS_URL), emptied before and after: each module a
    number of its own, so two modules on two xdist workers never empty each other's queue."""
    import redis
    r = redis.Redis.from_url(request.module.REDIS_URL)
    r.flushdb()
    yield r
    r.flushdb()
    r.close()


@pytest.fixture
def instance_dir(tmp_path, monkeypatch):
    """GRANTS_INSTANCE_PATH for this test only (mail.send reads the configuration each time)."""
    path = tmp_path / "instance"
    monkeypatch.setenv("GRANTS_INSTANCE_PATH", str(path))
    monkeypatch.delenv("GRANTS_SMTP_URL", raising=False)
    return path


def eml_files(instance_dir) -> list:
    out = instance_dir / "outbox"
    return sorted(out.glob("*.eml")) if out.exists() else []


def read_eml(path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


class _Collect:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.envelopes.append(envelope)
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(instance_dir, monkeypatch):
    """A real SMTP server on a free localhost port; GRANTS_SMTP_URL points at it."""
    from aiosmtpd.controller import Controller

    handler = _Collect()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("GRANTS_SMTP_URL", f"smtp://127.0.0.1:{port}")
    handler.port = port
    yield handler
    controller.stop()


@pytest.fixture
def emit_email(session):
    """emit_email(to=..., commit=True) → the event id (topic email.send, in `session`)."""
    from grants.core import outbox

    def _emit(to="ngo@example.org", subject="Ogłoszenie konkursu", body="Treść wiadomości", commit=True):
        ev = outbox.emit(session, "email.send", {"to": to, "subject": subject, "body": body})
        if commit:
            session.commit()
        return ev.id
    return _emit


@pytest.fixture
def row():
    """row(event_id) → the outbox row as stored now (read in a fresh session), or None."""
    from grants.core import db
    from grants.core.outbox import OutboxEvent

    def _row(event_id):
        with db.session.session_factory() as s:
            ev = s.get(OutboxEvent, event_id)
            if ev is not None:
                s.expunge(ev)
            return ev
    return _row


@pytest.fixture
def dispatched(app, monkeypatch):
    """Records every batch of ids handed to the broker after a commit (still sending them)."""
    from grants.core import outbox
    from grants.jobs import relay

    calls: list[list[str]] = []

    def recording(ids):
        calls.append(list(ids))
        relay.dispatch(ids)
    outbox.set_dispatcher(recording)
    yield calls
    relay.install()
