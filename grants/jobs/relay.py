"""Hands outbox events to the broker: right after commit, and again for rows left pending.

A pending row is re-sent only when its lease has run out: first one lease after its commit
(its message was sent then; a worker normally runs it within seconds), then after two leases,
four, ... at most `MAX_LEASE_SECONDS`. So with the worker down the queue holds about one message
a row instead of one more every tick (issue 21: 60 rows gave 245 broker messages in 75 s), and
a message really lost (broker restarted without persistence, a process that exited with its
in-process queue) is still sent again. Rows whose dispatch after commit failed (the broker was
down) are marked due at once and go with the next tick. Each re-send is claimed in the database
first, so the relays of the web server, the worker and the scheduler never send a row twice."""
from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta

from grants.core import clock, db, outbox

from .actors import process_outbox_event, process_outbox_events

log = logging.getLogger(__name__)

#: default lease (GRANTS_OUTBOX_LEASE_SECONDS): how long a queued message may wait for a worker
#: before the relay takes it for lost and sends the row again
DEFAULT_LEASE_SECONDS = 300.0
#: the longest wait between two re-sends of one row
MAX_LEASE_SECONDS = 3600.0


def lease_seconds() -> float:
    try:
        value = float(os.environ.get("GRANTS_OUTBOX_LEASE_SECONDS") or DEFAULT_LEASE_SECONDS)
    except ValueError:
        value = DEFAULT_LEASE_SECONDS
    return max(value, 0.0)


def next_lease(enqueues: int, lease: float) -> float:
    """The wait after the `enqueues`-th re-send: 2, 4, 8 ... leases, capped."""
    return min(lease * 2 ** min(enqueues, 30), max(MAX_LEASE_SECONDS, lease))


def dispatch(ids: list[str]) -> None:
    for event_id in ids:
        process_outbox_event.send(event_id)


#: a commit writing at least BATCH_FROM events (a fan-out to subscribers) hands them over in
#: messages of BATCH events each: fewer broker round trips, one SMTP connection per batch
BATCH_FROM = 20
BATCH = 50


def dispatch_new(ids: list[str]) -> None:
    """After a commit: one message per event, or batches when the commit wrote many."""
    if len(ids) < BATCH_FROM:
        dispatch(ids)
        return
    for i in range(0, len(ids), BATCH):
        process_outbox_events.send(ids[i:i + BATCH])


def install() -> None:
    outbox.set_dispatcher(dispatch_new)


def relay_pending(grace_seconds: float | None = None, now: datetime | None = None) -> int:
    """Re-sends the pending rows whose lease has run out. `grace_seconds` overrides the lease
    before a row's first re-send (0: every row not re-sent yet); `now` is for tests.
    Safe to repeat and to run in several processes at once: the actor skips events already done,
    and each row is claimed before it is sent. Returns how many were sent.
    Uses a session of its own, so the caller's scoped session is left alone."""
    lease = lease_seconds()
    now = now or clock.real_now()
    first_after = now - timedelta(seconds=lease if grace_seconds is None else grace_seconds)
    sent = 0
    with db.session.session_factory() as s:
        due = outbox.due_for_relay(s, now, first_after)
        by_count: dict[int, list[str]] = {}
        for event_id, enqueues in due:
            by_count.setdefault(enqueues, []).append(event_id)
        for enqueues, ids in sorted(by_count.items()):
            claimed = outbox.claim_for_relay(s, ids, enqueues, now,
                                             now + timedelta(seconds=next_lease(enqueues + 1, lease)))
            s.commit()
            try:
                dispatch(claimed)
            except Exception:
                # which of them reached the broker is unknown: all due again (a duplicate
                # message is harmless, the actor is idempotent; a lost one is not)
                outbox.release_claim(s, claimed, enqueues)
                s.commit()
                raise
            sent += len(claimed)
    if sent:
        log.info("outbox relay: %d pending event(s) sent again", sent)
    return sent
