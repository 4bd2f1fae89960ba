"""Undelivered mail: an SMTP server that fails the first attempts still gets each mail once; the
admin sees a mail that failed with its error and sends it again."""
from __future__ import annotations

import email
import email.policy
import threading

from sqlalchemy import select

from grants.core import db, outbox
from grants.core.outbox import DONE, FAILED, OutboxEvent
from grants.jobs import actors, relay
from tests.jobs.conftest import free_port


class _Flaky:
    """Refuses the first `fail` messages with 451, accepts the rest."""

    def __init__(self, fail: int):
        self.fail, self.messages, self.lock = fail, [], threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.fail > 0:
                self.fail -= 1
                return "451 Try again later"
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def _flaky_server(monkeypatch, fail):
    from aiosmtpd.controller import Controller
    handler = _Flaky(fail)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("GRANTS_SMTP_URL", f"smtp://127.0.0.1:{port}")
    return handler, controller


def test_smtp_failing_the_first_attempts_each_mail_arrives_exactly_once(app, session, make_user, instance_dir,
                                                                        monkeypatch, stub_broker):
    from grants.notifications.operations import notify
    handler, controller = _flaky_server(monkeypatch, fail=3)
    try:
        users = [make_user("applicant") for _ in range(3)]
        emails = sorted(u.email for u in users)
        notify(session, [u.id for u in users], "offer_selected", {"title": "T", "number": "1", "amount": "5.00"},
               "offer", "1")
        session.commit()
        ids = list(session.scalars(select(OutboxEvent.id).where(OutboxEvent.topic == "email.send")))
        stub_broker.flush_all()
        for _round in range(5):  # each round is one delivery attempt of every row still pending
            for event_id in ids:
                try:
                    actors.process_outbox_event(event_id)
                except Exception:  # noqa: BLE001 - a refused attempt: retried in the next round
                    pass
        assert sorted(m["To"] for m in handler.messages) == emails
        with db.session.session_factory() as s:
            assert {s.get(OutboxEvent, i).status for i in ids} == {DONE}
    finally:
        controller.stop()


def test_admin_sees_failed_mail_with_error_and_retries_it(app, session, make_user, client, login, instance_dir,
                                                          monkeypatch, stub_broker, worker):
    ev = outbox.emit_email(session, "fundacja@example.org", "Wezwanie", "Treść")
    session.commit()
    stub_broker.join("grants")
    worker.join()
    row = session.get(OutboxEvent, ev.id)
    row.status, row.attempts, row.last_error = FAILED, 10, "SMTPRecipientsRefused: 550 mailbox unavailable"
    session.commit()
    admin, applicant = make_user("admin"), make_user("applicant")
    other = login(applicant, app.test_client())
    assert other.get("/notifications/undelivered").status_code == 403
    assert other.post(f"/notifications/undelivered/{ev.id}/retry").status_code == 403
    login(admin)
    page = client.get("/notifications/undelivered").get_data(as_text=True)
    assert "fundacja@example.org" in page and "550 mailbox unavailable" in page
    assert client.post("/notifications/undelivered/nie-ma/retry", follow_redirects=True).status_code == 200
    r = client.post(f"/notifications/undelivered/{ev.id}/retry")
    assert r.status_code == 303
    stub_broker.join("grants")
    worker.join()
    with db.session.session_factory() as s:
        assert s.get(OutboxEvent, ev.id).status == DONE
    db.session.remove()  # the test's scoped session holds the row as it changed it
    assert "fundacja@example.org" not in client.get("/notifications/undelivered").get_data(as_text=True)
    assert relay.relay_pending(grace_seconds=0) == 0
