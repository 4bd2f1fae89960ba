"""Actors take ids, not objects, and are idempotent by the outbox event id."""
from __future__ import annotations

import dramatiq
from sqlalchemy import select

from grants.core import clock, db
from grants.core.outbox import DONE, OutboxEvent

from . import broker as _broker  # noqa: F401 - the broker is set before any actor is declared
from . import handlers

MAX_ATTEMPTS = 10


@dramatiq.actor(queue_name="grants", max_retries=3, min_backoff=1000)
def process_outbox_event(event_id: str) -> None:
    s = db.session()
    try:
        q = select(OutboxEvent).where(OutboxEvent.id == event_id)
        if s.bind.dialect.name == "postgresql":
            # two deliveries of the same id: the second waits, then sees it done
            q = q.with_for_update()
        ev = s.scalar(q)
        if ev is None or ev.status == DONE:
            s.rollback()
            return
        try:
            for handler in handlers.for_topic(ev.topic):
                handler(ev.data, ev.id)
        except Exception as e:
            ev.attempts += 1
            ev.last_error = f"{type(e).__name__}: {e}"[:2000]
            if ev.attempts >= MAX_ATTEMPTS:
                ev.status = "failed"
            s.commit()
            raise
        ev.status = DONE
        ev.attempts += 1
        ev.done_at = clock.real_now()
        s.commit()
    finally:
        db.session.remove()


@dramatiq.actor(queue_name="grants", max_retries=0)
def run_due_transitions() -> None:
    """Performs every time-driven transition whose next_check_at has passed (idempotent)."""
    from grants.workflows import scheduler
    scheduler.run_due()
