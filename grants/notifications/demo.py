"""Demo inboxes: the demo's transitions notify people as in real use (the engine's hook); this
leaves each person's newest few unread and the older ones read, so the inbox shows both."""
from __future__ import annotations

from sqlalchemy import select, update

from grants.core import clock

from .models import Notification

KEEP_UNREAD = 6


def settle_inboxes(session, keep_unread: int = KEEP_UNREAD) -> int:
    """Marks all but each person's `keep_unread` newest notifications read. Returns how many."""
    older: list[int] = []
    seen: dict[int, int] = {}
    for nid, uid in session.execute(select(Notification.id, Notification.user_id)
                                    .where(Notification.read_at.is_(None)).order_by(Notification.id.desc())):
        seen[uid] = seen.get(uid, 0) + 1
        if seen[uid] > keep_unread:
            older.append(nid)
    for i in range(0, len(older), 500):
        session.execute(update(Notification).where(Notification.id.in_(older[i:i + 500]))
                        .values(read_at=clock.real_now()).execution_options(synchronize_session=False))
    return len(older)
