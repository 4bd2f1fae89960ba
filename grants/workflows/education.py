"""Education (S13, DOMAIN.md R-CAPACITY): an event (draft → published → held | cancelled), a
person's registration at it (registered | waitlisted → cancelled | attended | absent) and an
individual consultation slot (open → booked → held; withdrawn). A booking is the slot's own row
changed under its lock, so one slot never has two bookings."""
from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, Field
from sqlalchemy import select

from grants.core.i18n import _
from grants.core.permissions import ADMIN, APPLICANT, OFFICER, ROLES
from grants.education.models import (ACTIVE, EVENT_STATES, REGISTRATION_STATES, SLOT_STATES, ConsultationSlot,
                                     EducationEvent, EventRegistration)
from grants.education.waitlist import lock_event, move_up
from grants.notifications import facts
from grants.notifications.audiences import members_of
from grants.notifications.operations import notify
from grants.workflows.registry import bind

from .base import Reason, Workflow, transition

STAFF = (OFFICER, ADMIN)
#: an organisation cancels its booking up to this many hours before the consultation
CANCEL_HOURS = 24


def staff_of(obj, actor) -> bool:
    """Admins; an officer of the object's department, or its organiser or host."""
    if ADMIN in actor.role_names:
        return True
    if getattr(obj, "organiser_id", None) == actor.id or getattr(obj, "host_id", None) == actor.id:
        return True
    return obj.department_id is not None and obj.department_id == getattr(actor, "department_id", None)


def started(obj, ctx):
    begins = obj.event.starts_at if isinstance(obj, EventRegistration) else obj.starts_at
    if ctx.now < begins:
        return Reason(_("To można zrobić dopiero po rozpoczęciu."))
    return None


def not_started(obj, ctx):
    begins = obj.event.starts_at if isinstance(obj, EventRegistration) else obj.starts_at
    if ctx.now >= begins:
        return Reason(_("Termin już się rozpoczął."))
    return None


# ---------------------------------------------------------------- events

def tell_registrants(obj, ctx):
    people = ctx.session.scalars(select(EventRegistration.user_id).where(
        EventRegistration.event_id == obj.id, EventRegistration.state.in_(ACTIVE)))
    notify(ctx.session, set(people), "event_cancelled", facts.facts(obj), "education_event", str(obj.id),
           exclude=getattr(ctx.actor, "id", None))


EVENT = Workflow(
    name="education_event", object_type="education_event", states=EVENT_STATES, initial="draft",
    transitions=[
        transition("publish", "draft", "published", _("Opublikuj i otwórz zapisy"), roles=STAFF, relation=staff_of,
                   guards=(not_started,)),
        transition("mark_held", "published", "held", _("Oznacz jako przeprowadzone"), roles=STAFF, relation=staff_of,
                   guards=(started,)),
        transition("cancel", ("draft", "published"), "cancelled", _("Odwołaj wydarzenie"), roles=STAFF,
                   relation=staff_of, effects=(tell_registrants,)),
    ],
)
bind(EducationEvent, EVENT)


# ---------------------------------------------------------------- registrations

def own_or_staff(obj, actor) -> bool:
    return obj.user_id == actor.id or staff_of(obj.event, actor)


def organiser(obj, actor) -> bool:
    return staff_of(obj.event, actor)


def free_place(obj, ctx):
    """R-CAPACITY: the waiting list moves up in order; the place freed goes to the first in it."""
    lock_event(ctx.session, obj.event_id)
    moved = move_up(ctx.session, obj.event, ctx.actor)
    if moved:
        ctx.changes["moved_up"] = [m.id for m in moved]


REGISTRATION = Workflow(
    name="event_registration", object_type="event_registration", states=REGISTRATION_STATES,
    initial="registered",
    transitions=[
        transition("cancel", "registered", "cancelled", _("Zrezygnuj z udziału"), roles=ROLES,
                   relation=own_or_staff, guards=(not_started,), effects=(free_place,), rule="R-CAPACITY"),
        transition("leave_waitlist", "waitlisted", "cancelled", _("Zrezygnuj z listy rezerwowej"), roles=ROLES,
                   relation=own_or_staff),
        transition("mark_attended", ("registered", "absent"), "attended", _("Obecny(-a)"), roles=STAFF,
                   relation=organiser, guards=(started,)),
        transition("mark_absent", ("registered", "attended"), "absent", _("Nieobecny(-a)"), roles=STAFF,
                   relation=organiser, guards=(started,)),
    ],
)
bind(EventRegistration, REGISTRATION)


# ---------------------------------------------------------------- consultation slots

class BookPayload(BaseModel):
    model_config = {"extra": "forbid"}
    organisation_id: int
    question: str = Field(min_length=10, max_length=4000)


class OptionalReason(BaseModel):
    model_config = {"extra": "forbid"}
    reason: str | None = Field(default=None, max_length=2000)


def member_of_some_organisation(obj, actor) -> bool:
    return bool(getattr(actor, "organisation_ids", ()))


def for_own_organisation(obj, ctx):
    org = ctx.payload.get("organisation_id")
    if org is not None and org not in ctx.actor.organisation_ids:
        return Reason(_("Rezerwujesz w imieniu organizacji, której jesteś członkiem."))
    return None


def record_booking(obj, ctx):
    obj.organisation_id = ctx.payload["organisation_id"]
    obj.question = ctx.payload["question"]
    obj.booked_by_id = ctx.actor.id
    obj.booked_at = ctx.now
    ctx.changes["organisation_id"] = obj.organisation_id


def booker_or_staff(obj, actor) -> bool:
    return obj.organisation_id in getattr(actor, "organisation_ids", ()) or staff_of(obj, actor)


def early_enough(obj, ctx):
    if staff_of(obj, ctx.actor):  # the host may call it off any time before; the organisation is told
        return not_started(obj, ctx)
    if ctx.now > obj.starts_at - timedelta(hours=CANCEL_HOURS):
        return Reason(_("Rezerwację można odwołać najpóźniej %(h)s godz. przed konsultacją.", h=CANCEL_HOURS),
                      "R-CAPACITY")
    return None


def clear_booking(obj, ctx):
    """The organisation and the host are told (the organisation is no longer on the row afterwards)."""
    people = members_of(ctx.session, [obj.organisation_id]) | {obj.host_id}
    notify(ctx.session, people, "slot_cancelled", facts.facts(obj), "consultation_slot", str(obj.id),
           exclude=getattr(ctx.actor, "id", None))
    ctx.changes["organisation_id"] = [obj.organisation_id, None]
    obj.organisation_id = obj.booked_by_id = obj.booked_at = None
    obj.question = ""


SLOT = Workflow(
    name="consultation_slot", object_type="consultation_slot", states=SLOT_STATES, initial="open",
    transitions=[
        transition("book", "open", "booked", _("Zarezerwuj termin"), roles=(APPLICANT,),
                   relation=member_of_some_organisation, payload=BookPayload,
                   guards=(not_started, for_own_organisation), effects=(record_booking,), rule="R-CAPACITY"),
        transition("cancel_booking", "booked", "open", _("Odwołaj rezerwację"), roles=(APPLICANT, *STAFF),
                   relation=booker_or_staff, payload=OptionalReason, guards=(early_enough,),
                   effects=(clear_booking,)),
        transition("mark_held", "booked", "held", _("Oznacz konsultację jako odbytą"), roles=STAFF,
                   relation=staff_of, guards=(started,)),
        transition("withdraw", "open", "withdrawn", _("Wycofaj termin"), roles=STAFF, relation=staff_of),
    ],
)
bind(ConsultationSlot, SLOT)
