"""Hands outbox events to the broker: right after commit, and again for rows left pending."""
from __future__ import annotations

from datetime import timedelta

from grants.core import clock, db, outbox


def dispatch(ids: list[str]) -> None:
    from .actors import process_outbox_event
    for event_id in ids:
        process_outbox_event.send(event_id)


def install() -> None:
    outbox.set_dispatcher(dispatch)


def relay_pending(grace_seconds: float = 30.0) -> int:
    """Re-sends rows still pending after `grace_seconds` (broker was down, process exited).
    Safe to repeat: the actor skips events already done."""
    s = db.session()
    try:
        ids = outbox.pending_ids(s, older_than=clock.real_now() - timedelta(seconds=grace_seconds))
        s.rollback()
    finally:
        db.session.remove()
    if ids:
        dispatch(ids)
    return len(ids)
