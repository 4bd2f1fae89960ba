"""Mail that has not gone out: failed after its attempts, or still retrying with an error. The
admin sees the error and sends it again (the same Message-ID: once-only delivery still holds)."""
from __future__ import annotations

from sqlalchemy import or_, select

from grants.core import audit, outbox
from grants.core.i18n import _
from grants.core.outbox import FAILED, PENDING, OutboxEvent

from .errors import NotificationError

TOPIC = "email.send"


def listing(session, limit: int = 200) -> list[dict]:
    q = (select(OutboxEvent).where(OutboxEvent.topic == TOPIC)
         .where(or_(OutboxEvent.status == FAILED, (OutboxEvent.status == PENDING) & (OutboxEvent.attempts > 0)))
         .order_by(OutboxEvent.created_at.desc()).limit(limit))
    out = []
    for ev in session.scalars(q):
        data = ev.data
        out.append({"id": ev.id, "to": data.get("to", ""), "subject": data.get("subject", ""), "status": ev.status,
                    "attempts": ev.attempts, "error": ev.last_error or "", "created_at": ev.created_at})
    return out


def retry(session, event_id: str, actor) -> OutboxEvent:
    ev = session.get(OutboxEvent, event_id)
    if ev is None or ev.topic != TOPIC or (ev.status != FAILED and not ev.attempts):
        raise NotificationError(_("Nie ma takiej niedostarczonej wiadomości."))
    before = ev.status
    outbox.requeue(session, ev)
    audit.record(session, "outbox_event", ev.id, "retry_mail", actor,
                 changes={"status": [before, PENDING]}, payload={"to": ev.data.get("to", "")})
    return ev
