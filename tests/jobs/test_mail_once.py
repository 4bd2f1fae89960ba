"""E-mail delivered once in effect (issue 21: a worker killed between writing the mail and marking
it sent gave a duplicate). The worker's death is simulated here at each point of one delivery,
in-process and deterministically: a BaseException that no `except Exception` stops, as the
outbox actor's own session is then rolled back exactly as PostgreSQL does for a killed process.
The same with real processes and SIGKILL: test_worker_kill.py."""
from __future__ import annotations

import smtplib

import pytest
from sqlalchemy import select

from grants.core import db, mail_deliveries, outbox
from grants.core.mail_deliveries import FAILED, SENDING, SENT, MailDelivery
from grants.core.outbox import DONE, PENDING
from grants.jobs import actors, mail


class Killed(BaseException):
    """The worker process dies here."""


def _deliveries() -> list[MailDelivery]:
    with db.session.session_factory() as s:
        rows = list(s.scalars(select(MailDelivery)))
        s.expunge_all()
        return rows


@pytest.fixture
def mail_event(session):
    def _emit(to="zarzad@example.org"):
        ev = outbox.emit_email(session, to, "Wyniki konkursu", "Treść")
        session.commit()
        return ev
    return _emit


def _deliver(event_id):
    try:
        actors.process_outbox_event(event_id)
    except Killed:
        pass
    finally:
        db.session.remove()


def test_message_id_and_date_are_fixed_when_the_mail_is_written(session, mail_event, smtp_server):
    ev = mail_event()
    data = ev.data
    assert data["message_id"] == f"<{ev.id}@grants.local>" and data["date"]
    actors.process_outbox_event(ev.id)
    [msg] = smtp_server.messages
    assert (msg["Message-ID"], msg["Date"]) == (data["message_id"], data["date"])


@pytest.fixture
def crash():
    """Patches for the crash only (the fixtures' own monkeypatch, GRANTS_SMTP_URL, stays)."""
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def test_killed_after_the_server_accepted_before_the_outbox_row_done_sends_nothing_again(
        mail_event, smtp_server, crash, row):
    """The issue's window: the mail went, the row stayed pending. The delivery record says "sent"."""
    ev = mail_event()
    real_sent = mail_deliveries.sent

    def sent_then_die(s, message_id):
        real_sent(s, message_id)
        raise Killed
    crash.setattr(mail_deliveries, "sent", sent_then_die)
    _deliver(ev.id)
    assert row(ev.id).status == PENDING and len(smtp_server.messages) == 1
    crash.undo()

    actors.process_outbox_event(ev.id)  # the relay's re-send, after the restart
    assert row(ev.id).status == DONE
    assert len(smtp_server.messages) == 1
    [d] = _deliveries()
    assert (d.state, d.attempts, d.interrupted) == (SENT, 1, 0)


def test_killed_during_the_smtp_conversation_sends_once_after_restart(mail_event, smtp_server, crash, row):
    ev = mail_event()

    def die_mid_conversation(self, *a, **kw):
        raise Killed  # MAIL FROM never answered: the server has no message
    crash.setattr(smtplib.SMTP, "sendmail", die_mid_conversation)
    _deliver(ev.id)
    [d] = _deliveries()
    assert d.state == SENDING and smtp_server.messages == []
    crash.undo()

    actors.process_outbox_event(ev.id)
    assert row(ev.id).status == DONE
    assert [m["Message-ID"] for m in smtp_server.messages] == [ev.data["message_id"]]
    [d] = _deliveries()
    assert (d.state, d.attempts, d.interrupted) == (SENT, 2, 1)


def test_killed_between_acceptance_and_recording_it_resends_the_same_message_at_most_once(
        mail_event, smtp_server, crash, row):
    """The remaining window (one database round trip after the server's "250"): resolved on the side
    of delivery, so the mail is never lost; the copy is the same message (Message-ID, Date), which
    mail clients show once."""
    ev = mail_event()

    def die(s, message_id):
        raise Killed
    crash.setattr(mail_deliveries, "sent", die)
    _deliver(ev.id)
    crash.undo()
    actors.process_outbox_event(ev.id)
    actors.process_outbox_event(ev.id)  # and any later delivery: nothing more
    assert row(ev.id).status == DONE
    first, second = smtp_server.messages
    assert (first["Message-ID"], first["Date"]) == (second["Message-ID"], second["Date"]) == \
        (ev.data["message_id"], ev.data["date"])
    [d] = _deliveries()
    assert (d.state, d.attempts, d.interrupted) == (SENT, 2, 1)


def test_refused_delivery_is_recorded_failed_and_sent_once_later(mail_event, instance_dir, monkeypatch, row):
    from .conftest import free_port
    monkeypatch.setenv("GRANTS_SMTP_URL", f"smtp://127.0.0.1:{free_port()}")  # nobody listens
    ev = mail_event()
    with pytest.raises(ConnectionRefusedError):
        actors.process_outbox_event(ev.id)
    [d] = _deliveries()
    assert d.state == FAILED and "ConnectionRefusedError" in d.last_error
    monkeypatch.delenv("GRANTS_SMTP_URL")  # the .eml default now
    actors.process_outbox_event(ev.id)
    assert row(ev.id).status == DONE
    [d] = _deliveries()
    assert (d.state, d.attempts, d.interrupted) == (SENT, 2, 0)
    assert len(mail.outbox_files()) == 1


def test_rows_written_before_the_message_id_was_stored_keep_the_event_ids_message_id(session, smtp_server):
    ev = outbox.emit(session, "email.send", {"to": "a@example.org", "subject": "S", "body": "B"})
    session.commit()
    actors.process_outbox_event(ev.id)
    actors.process_outbox_event(ev.id)
    assert [m["Message-ID"] for m in smtp_server.messages] == [f"<{ev.id}@grants.local>"]
