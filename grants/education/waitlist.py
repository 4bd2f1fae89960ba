"""R-CAPACITY: the registrations of an event never exceed its capacity, and a freed place goes to
the first on the waiting list (the order of registration). Every change of an event's places
first takes the event's row lock (`lock_event`), so two registrations, or a registration and a
cancellation, counting at the same moment are serialised on both databases."""
from __future__ import annotations

from sqlalchemy import func, select, update

from grants.core import audit, clock, outbox
from grants.notifications import facts
from grants.notifications.operations import notify

from .models import EducationEvent, EventRegistration


def lock_event(session, event_id: int) -> None:
    """A no-op write of the event's row: PostgreSQL's row lock, SQLite's write lock, held until the
    transaction ends (the version is left alone: the event itself does not change)."""
    session.execute(update(EducationEvent).where(EducationEvent.id == event_id)
                    .values(capacity=EducationEvent.capacity).execution_options(synchronize_session=False))


def taken(session, event_id: int) -> int:
    return session.scalar(select(func.count()).select_from(EventRegistration).where(
        EventRegistration.event_id == event_id, EventRegistration.state == "registered")) or 0


def waiting(session, event_id: int) -> int:
    return session.scalar(select(func.count()).select_from(EventRegistration).where(
        EventRegistration.event_id == event_id, EventRegistration.state == "waitlisted")) or 0


def queue(event_id: int):
    """The waiting list in its order: first registered, first served."""
    return (select(EventRegistration).where(EventRegistration.event_id == event_id,
                                            EventRegistration.state == "waitlisted")
            .order_by(EventRegistration.registered_at, EventRegistration.id))


def move_up(session, event: EducationEvent, actor=None) -> list[EventRegistration]:
    """Fills the free places from the waiting list, in order, telling each person moved up. The
    caller holds the event's lock (lock_event)."""
    session.flush()  # the cancellation that freed the place is counted
    free = event.capacity - taken(session, event.id)
    moved: list[EventRegistration] = []
    if free <= 0:
        return moved
    now = clock.now()
    for reg in session.scalars(queue(event.id).limit(free).with_for_update().execution_options(populate_existing=True)):
        reg.state, reg.promoted_at = "registered", now
        moved.append(reg)
        audit.record(session, "event_registration", str(reg.id), "move_up", actor,
                     changes={"state": ["waitlisted", "registered"]})
        outbox.emit(session, "event_registration.move_up", {"object_type": "event_registration", "id": str(reg.id),
                                                            "from": "waitlisted", "to": "registered"})
        notify(session, [reg.user_id], "event_promoted", facts.facts(reg), "education_event", str(event.id))
    session.flush()
    return moved
