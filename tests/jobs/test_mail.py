"""E-mail through the outbox to a real local SMTP server (aiosmtpd), and the .eml default."""
from __future__ import annotations

import pytest

from grants.core.outbox import DONE, PENDING
from grants.jobs import actors, mail, relay

from .conftest import eml_files, free_port, read_eml

QUEUE = "grants"


def test_email_event_reaches_real_smtp_server(smtp_server, emit_email, stub_broker, worker, instance_dir, row):
    event_id = emit_email(to="fundacja@example.org", subject="Zaproszenie do konsultacji",
                          body="Zapraszamy do udziału.")
    stub_broker.join(QUEUE)
    assert len(smtp_server.messages) == 1
    msg, envelope = smtp_server.messages[0], smtp_server.envelopes[0]
    assert envelope.rcpt_tos == ["fundacja@example.org"]
    assert msg["To"] == "fundacja@example.org"
    assert msg["Subject"] == "Zaproszenie do konsultacji"
    assert msg["Message-ID"] == f"<{event_id}@grants.local>"
    assert msg.get_content().strip() == "Zapraszamy do udziału."
    assert row(event_id).status == DONE
    assert eml_files(instance_dir) == []  # SMTP configured: no file fallback


def test_redelivery_sends_no_second_smtp_message(smtp_server, emit_email, stub_broker, worker):
    event_id = emit_email()
    stub_broker.join(QUEUE)
    actors.process_outbox_event.send(event_id)
    stub_broker.join(QUEUE)
    assert relay.relay_pending(grace_seconds=0) == 0
    assert [m["Message-ID"] for m in smtp_server.messages] == [f"<{event_id}@grants.local>"]


def test_smtp_down_keeps_row_pending_then_relay_delivers(emit_email, stub_broker, instance_dir, monkeypatch, row):
    from aiosmtpd.controller import Controller

    from .conftest import _Collect

    port = free_port()
    monkeypatch.setenv("GRANTS_SMTP_URL", f"smtp://127.0.0.1:{port}")
    event_id = emit_email()
    stub_broker.flush_all()
    with pytest.raises(ConnectionRefusedError):
        actors.process_outbox_event(event_id)
    stored = row(event_id)
    assert (stored.status, stored.attempts) == (PENDING, 1)
    assert "ConnectionRefusedError" in stored.last_error

    handler = _Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert relay.relay_pending(grace_seconds=0) == 1
        from dramatiq import Worker
        w = Worker(stub_broker, worker_timeout=100, worker_threads=1)
        w.start()
        try:
            stub_broker.join(QUEUE)
        finally:
            w.stop()
            stub_broker.middleware[:] = [m for m in stub_broker.middleware if getattr(m, "worker", None) is not w]
    finally:
        controller.stop()
    assert [m["Message-ID"] for m in handler.messages] == [f"<{event_id}@grants.local>"]
    assert (row(event_id).status, row(event_id).attempts) == (DONE, 2)


def test_default_without_smtp_url_writes_eml_to_instance_outbox(emit_email, stub_broker, worker, instance_dir):
    event_id = emit_email(to="stowarzyszenie@example.org", subject="Umowa gotowa do podpisu")
    stub_broker.join(QUEUE)
    [path] = eml_files(instance_dir)
    assert path.parent == instance_dir / "outbox"
    msg = read_eml(path)
    assert msg["To"] == "stowarzyszenie@example.org"
    assert msg["Subject"] == "Umowa gotowa do podpisu"
    assert msg["Message-ID"] == f"<{event_id}@grants.local>"
    assert mail.outbox_files() == [path]


def test_mail_send_reads_configuration_each_time(instance_dir, monkeypatch, smtp_server):
    msg = mail.build("a@example.org", "Temat", "Treść")
    assert mail.send(msg) == f"127.0.0.1:{smtp_server.port}"
    monkeypatch.delenv("GRANTS_SMTP_URL")
    where = mail.send(mail.build("b@example.org", "Temat", "Treść"))
    assert where.endswith(".eml") and len(eml_files(instance_dir)) == 1
    assert len(smtp_server.messages) == 1
