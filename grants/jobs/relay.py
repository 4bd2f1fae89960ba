"""Hands outbox events to the broker: right after commit, and again for rows left pending."""
from __future__ import annotations

from datetime import timedelta

from grants.core import clock, db, outbox

#: a pending row younger than this is probably still on its way (sent after commit, queued)
DEFAULT_GRACE_SECONDS = 30.0


def dispatch(ids: list[str]) -> None:
    from .actors import process_outbox_event
    for event_id in ids:
        process_outbox_event.send(event_id)


def install() -> None:
    outbox.set_dispatcher(dispatch)


def relay_pending(grace_seconds: float = DEFAULT_GRACE_SECONDS) -> int:
    """Re-sends rows still pending after `grace_seconds` (broker was down, process exited).
    Safe to repeat: the actor skips events already done. Returns how many were sent.
    Uses a session of its own, so the caller's scoped session is left alone."""
    with db.session.session_factory() as s:
        ids = outbox.pending_ids(s, older_than=clock.real_now() - timedelta(seconds=grace_seconds))
    if ids:
        dispatch(ids)
    return len(ids)
