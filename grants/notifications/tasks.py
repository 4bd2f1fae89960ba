"""Background work of notifications: the outbox handler that fans an announcement out to the
subscribers, and the scheduled step (reminders, daily digest, weekly newsletter)."""
from __future__ import annotations

from grants.core import clock, db
from grants.jobs.handlers import handles
from grants.workflows.registry import models

from . import digest, reminders, rules, subscriptions
from .operations import notify_change


@handles(subscriptions.ANNOUNCE_TOPIC)
def _announce(payload: dict, event_id: str) -> None:
    """Runs in the outbox actor's transaction: the mails it writes commit with the event done."""
    model = models().get(payload.get("model", ""))
    if model is None:
        return
    s = db.session()
    obj = s.get(model, int(payload["id"]))
    if obj is not None:
        subscriptions.fan_out(s, obj)


def _tell_change(topic: str):
    def handler(payload: dict, event_id: str) -> None:
        """Runs in the outbox actor's transaction: the notifications commit with the event done."""
        notify_change(db.session(), topic, payload)
    return handler


for _topic in rules.CHANGES:
    handles(_topic)(_tell_change(_topic))


def run_scheduled() -> dict:
    """Reminders, then digests and newsletters; safe to run twice and on two workers at once."""
    with db.session.session_factory() as s:
        now = clock.now()
        done = reminders.run(s, now)
        done.update(digest.run(s, now))
        return done
