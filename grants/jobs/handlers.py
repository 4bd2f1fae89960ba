"""What each outbox topic does when its job runs. Areas register handlers here."""
from __future__ import annotations

from typing import Callable

from grants.core import db, mail_deliveries, outbox

from . import mail

_handlers: dict[str, list[Callable[[dict, str], None]]] = {}


def handles(topic: str):
    def deco(fn):
        _handlers.setdefault(topic, []).append(fn)
        return fn
    return deco


def for_topic(topic: str) -> list[Callable[[dict, str], None]]:
    return list(_handlers.get(topic, []))


@handles("email.send")
def _send_email(payload: dict, event_id: str) -> None:
    """Sends the mail once in effect (grants.core.mail_deliveries): its Message-ID and Date were
    fixed when the event was written (rows written before that: the Message-ID made of the event
    id, as then); its delivery state is committed before and after the SMTP conversation in a
    session of its own, so it survives this worker being killed."""
    message_id = payload.get("message_id") or outbox.message_id_for(event_id)
    with db.session.session_factory() as s:
        if not mail_deliveries.begin(s, message_id, event_id):
            return  # sent by an earlier attempt, only the outbox row was left pending
        msg = mail.build(payload["to"], payload["subject"], payload["body"], message_id=message_id,
                         date=payload.get("date"), html=payload.get("html"), headers=payload.get("headers"),
                         attachments=payload.get("attachments"))
        try:
            mail.send(msg, on_accepted=lambda: mail_deliveries.sent(s, message_id))
        except mail.NOT_DELIVERED as e:
            s.rollback()
            mail_deliveries.failed(s, message_id, e)
            raise
        # any other error: left "sending" (the server may have the message), so the next
        # attempt counts it as interrupted and sends the same message again
