"""Actors take ids, not objects, and are idempotent by the outbox event id."""
from __future__ import annotations

import logging

import dramatiq
from sqlalchemy import select

from grants.core import clock, db
from grants.core.outbox import DONE, FAILED, PENDING, OutboxEvent
from grants.workflows import scheduler

from . import broker as _broker  # the broker is set before any actor is declared
from . import handlers, mail
from grants.notifications import tasks as notification_tasks  # noqa: E402 - registers its outbox handlers
from grants.registry import tasks as _registry_tasks  # noqa: F401,E402 - the registry's import job

log = logging.getLogger(__name__)

#: deliveries of one event (across dramatiq retries and relay re-sends) before it is marked failed
MAX_ATTEMPTS = 10


def _locked(s, event_id: str):
    q = select(OutboxEvent).where(OutboxEvent.id == event_id).execution_options(populate_existing=True)
    if s.bind.dialect.name == "postgresql":
        # two deliveries of the same id: the second waits, then sees it done
        q = q.with_for_update()
    return s.scalar(q)


@dramatiq.actor(queue_name="grants", max_retries=3, min_backoff=1000, broker=_broker.broker)
def process_outbox_event(event_id: str) -> None:
    _process(event_id)


#: a batch's event that failed is tried again on its own (with process_outbox_event's retries) after
RETRY_ALONE_MS = 1000


@dramatiq.actor(queue_name="grants", max_retries=0, broker=_broker.broker)
def process_outbox_events(event_ids: list[str]) -> None:
    """A batch of events written by one commit (grants.jobs.relay.dispatch_new: a fan-out's mails),
    each exactly as process_outbox_event runs it, the mails over one SMTP connection. One that
    fails does not stop the others: it goes on alone, with its retries and back-off."""
    with mail.connection():
        for event_id in event_ids:
            try:
                _process(event_id)
            except Exception as e:  # noqa: BLE001 - recorded on the row by _process
                log.warning("outbox event %s failed in a batch, retried alone: %s: %s", event_id, type(e).__name__, e)
                process_outbox_event.send_with_options(args=(event_id,), delay=RETRY_ALONE_MS)


def _process(event_id: str) -> None:
    s = db.session()
    try:
        ev = _locked(s, event_id)
        if ev is None or ev.status != PENDING:  # unknown (rolled back), done, or given up
            s.rollback()
            return
        try:
            for handler in handlers.for_topic(ev.topic):
                handler(ev.data, ev.id)
        except Exception as e:
            # whatever the handler wrote is discarded; only the attempt is recorded
            s.rollback()
            ev = _locked(s, event_id)
            if ev is None or ev.status != PENDING:
                s.rollback()
                return
            ev.attempts += 1
            ev.last_error = f"{type(e).__name__}: {e}"[:2000]
            if ev.attempts >= MAX_ATTEMPTS:
                ev.status = FAILED
            s.commit()
            if ev.status == FAILED:
                log.error("outbox event %s (%s) failed after %d attempts: %s",
                          event_id, ev.topic, ev.attempts, ev.last_error)
                return  # no dramatiq retry: the row says it has failed
            raise  # dramatiq retries with backoff; the relay re-sends it later otherwise
        ev.status = DONE
        ev.attempts += 1
        ev.done_at = clock.real_now()
        s.commit()
    finally:
        db.session.remove()


@dramatiq.actor(queue_name="grants", max_retries=0, broker=_broker.broker)
def run_notification_jobs() -> None:
    """Reminders, the daily digest and the weekly newsletter (grants.notifications.tasks; idempotent)."""
    notification_tasks.run_scheduled()


@dramatiq.actor(queue_name="grants", max_retries=0, broker=_broker.broker)
def run_due_transitions() -> None:
    """Performs every time-driven transition whose next_check_at has passed (idempotent)."""
    scheduler.run_due()
