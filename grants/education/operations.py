"""The only place that changes education events, registrations and consultation slots (S13)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from grants.core import clock
from grants.core.errors import FieldErrors
from grants.core.i18n import _
from grants.core.permissions import ADMIN, APPLICANT, OFFICER, PermissionDenied, has_role, is_staff
from grants.registry.dictionaries import DISTRICTS
from grants.workflows.base import record_change
from grants.workflows.education import EVENT, SLOT

from . import waitlist
from .models import ACTIVE, EVENT_KINDS, ConsultationSlot, EducationEvent, EventRegistration


class EducationError(FieldErrors):
    """Refused input: `errors` lists {field, message} (grants.core.errors)."""


def _staff_condition(model, user):
    if has_role(user, ADMIN):
        return True
    if has_role(user, OFFICER):
        own = model.organiser_id if model is EducationEvent else model.host_id
        return or_(own == user.id, model.department_id == getattr(user, "department_id", None))
    return None


def visible_events(q, user):
    """Published, held and cancelled events are public; drafts only to their department's staff."""
    staff = _staff_condition(EducationEvent, user)
    return q.where(or_(EducationEvent.state != "draft", staff)) if staff is not None else \
        q.where(EducationEvent.state != "draft")


def visible_registrations(q, user):
    """A registration: to the person registered and to the event's staff."""
    if user is None:
        return q.where(False)
    conds = [EventRegistration.user_id == user.id]
    staff = _staff_condition(EducationEvent, user)
    if staff is not None:
        conds.append(EventRegistration.event_id.in_(select(EducationEvent.id).where(staff)))
    return q.where(or_(*conds))


def visible_slots(q, user):
    """Slots are listed publicly (when and with whom); the booking's question is shown by
    `may_see_booking` only to the organisation and the host."""
    return q


def may_see_booking(slot: ConsultationSlot, user) -> bool:
    if user is None:
        return False
    return slot.organisation_id in getattr(user, "organisation_ids", ()) or \
        has_role(user, ADMIN) or (has_role(user, OFFICER) and (slot.host_id == user.id or
                                                                 slot.department_id == user.department_id))


def _moment(values: dict, name: str, errors: list) -> datetime | None:
    value = values.get(name)
    if isinstance(value, datetime):
        return value if value.tzinfo else clock.parse_moment(value.isoformat())
    try:
        return clock.parse_moment(value) if value else None
    except (ValueError, clock.ClockError):
        errors.append({"field": name, "message": str(_("Podaj datę i godzinę."))})
        return None


def _when_and_where(values: dict, errors: list, now: datetime) -> dict:
    """What events and slots share: the start and end, the district or an online link."""
    starts, ends = _moment(values, "starts_at", errors), _moment(values, "ends_at", errors)
    if starts is None and not any(e["field"] == "starts_at" for e in errors):
        errors.append({"field": "starts_at", "message": str(_("Podaj datę i godzinę rozpoczęcia."))})
    if ends is None and not any(e["field"] == "ends_at" for e in errors):
        errors.append({"field": "ends_at", "message": str(_("Podaj datę i godzinę zakończenia."))})
    if starts and ends and ends <= starts:
        errors.append({"field": "ends_at", "message": str(_("Zakończenie musi być po rozpoczęciu."))})
    if starts and starts <= now:
        errors.append({"field": "starts_at", "message": str(_("Termin musi być w przyszłości."))})
    district = values.get("district") or None
    if district and district not in DISTRICTS:
        errors.append({"field": "district", "message": str(_("Nieznana dzielnica."))})
    online = (values.get("online_url") or "").strip() or None
    if online and not online.startswith(("https://", "http://")):
        errors.append({"field": "online_url", "message": str(_("Link musi zaczynać się od https://."))})
    place = (values.get("place") or "").strip()
    if not (district or online or place):
        errors.append({"field": "place", "message": str(_("Podaj miejsce (dzielnicę lub adres) albo link do spotkania online."))})
    return {"starts_at": starts, "ends_at": ends, "district": district, "online_url": online, "place": place[:255]}


def _text(values: dict, name: str, errors: list, message, minimum: int = 1, limit: int = 255) -> str:
    value = (values.get(name) or "").strip()
    if len(value) < minimum:
        errors.append({"field": name, "message": str(message)})
    return value[:limit]


def create_event(session: Session, actor, values: dict, at: datetime | None = None) -> EducationEvent:
    """`at`: the business time of the creation when it is not now (the demo's history)."""
    if not is_staff(actor):
        raise PermissionDenied(_("Wydarzenia edukacyjne ogłasza urząd."))
    errors: list = []
    title = _text(values, "title", errors, _("Podaj tytuł."))
    kind = values.get("kind") or ""
    if kind not in EVENT_KINDS:
        errors.append({"field": "kind", "message": str(_("Wybierz rodzaj wydarzenia."))})
    try:
        capacity = int(values.get("capacity") or 0)
    except (TypeError, ValueError):
        capacity = 0
    if not 1 <= capacity <= 10000:
        errors.append({"field": "capacity", "message": str(_("Liczba miejsc: od 1 do 10 000."))})
    now = at or clock.now()
    where = _when_and_where(values, errors, now)
    if errors:
        raise EducationError(errors)
    obj = EducationEvent(title=title, kind=kind, description=(values.get("description") or "").strip()[:20000],
                         capacity=capacity, organiser_id=actor.id, department_id=getattr(actor, "department_id", None),
                         created_at=now, state=EVENT.initial, version=1, **where)
    session.add(obj)
    session.flush()
    record_change(session, obj, "create", actor, {"title": title, "capacity": capacity}, at=now)
    return obj


def register(session: Session, actor, event_id: int, organisation_id: int | None = None,
             at: datetime | None = None) -> EventRegistration:
    """R-CAPACITY: a place while there is one, else the end of the waiting list; never over the
    capacity, whatever registers at the same moment (the event's lock serialises the count)."""
    if actor is None:
        raise PermissionDenied()
    if organisation_id is not None and organisation_id not in actor.organisation_ids:
        raise EducationError([{"field": "organisation_id",
                               "message": str(_("Zapisujesz się w imieniu organizacji, której jesteś członkiem."))}])
    waitlist.lock_event(session, event_id)
    event = session.get(EducationEvent, event_id, populate_existing=True)
    if event is None or event.state != "published":
        raise EducationError([{"field": "event_id", "message": str(_("Zapisy na to wydarzenie nie są otwarte."))}])
    now = at or clock.now()
    if now >= event.starts_at:
        raise EducationError([{"field": "event_id", "message": str(_("Wydarzenie już się rozpoczęło."))}])
    mine = session.scalar(select(EventRegistration.id).where(EventRegistration.event_id == event_id,
                                                             EventRegistration.user_id == actor.id,
                                                             EventRegistration.state.in_(ACTIVE)))
    if mine is not None:
        raise EducationError([{"field": "event_id", "message": str(_("Jesteś już zapisany(-a) na to wydarzenie."))}])
    state = "registered" if waitlist.taken(session, event_id) < event.capacity else "waitlisted"
    reg = EventRegistration(event_id=event_id, user_id=actor.id, organisation_id=organisation_id, registered_at=now,
                            state=state, version=1)
    session.add(reg)
    try:
        session.flush()
    except IntegrityError:  # the same person's twin request got there first
        session.rollback()
        raise EducationError([{"field": "event_id",
                               "message": str(_("Jesteś już zapisany(-a) na to wydarzenie."))}]) from None
    record_change(session, reg, "register", actor, {"state": state, "event_id": event_id}, at=now)
    return reg


def create_slot(session: Session, actor, values: dict) -> ConsultationSlot:
    if not is_staff(actor):
        raise PermissionDenied(_("Terminy konsultacji publikuje urząd."))
    errors: list = []
    topic = _text(values, "topic", errors, _("Podaj temat konsultacji."))
    where = _when_and_where(values, errors, clock.now())
    if errors:
        raise EducationError(errors)
    obj = ConsultationSlot(topic=topic, host_id=actor.id, host_name=(values.get("host_name") or "").strip()[:255],
                           department_id=getattr(actor, "department_id", None), created_at=clock.now(),
                           state=SLOT.initial, version=1, **where)
    session.add(obj)
    session.flush()
    record_change(session, obj, "create", actor, {"topic": topic, "starts_at": obj.starts_at.isoformat()})
    return obj


def my_registration(session: Session, user, event_id: int) -> EventRegistration | None:
    if user is None:
        return None
    return session.scalar(select(EventRegistration).where(
        EventRegistration.event_id == event_id, EventRegistration.user_id == user.id,
        EventRegistration.state.in_((*ACTIVE, "attended", "absent"))).order_by(EventRegistration.id.desc()))


def counts(session: Session, event_id: int) -> dict:
    return {"registered": waitlist.taken(session, event_id), "waitlisted": waitlist.waiting(session, event_id)}


def attendance(session: Session, since: datetime | None = None) -> dict[str, int]:
    """For the dashboards: events held, people present, consultations held."""
    q = select(EventRegistration.state, func.count()).join(EducationEvent).group_by(EventRegistration.state)
    if since is not None:
        q = q.where(EducationEvent.starts_at >= since)
    by_state = dict(session.execute(q).all())
    return {"events_held": session.scalar(select(func.count()).select_from(EducationEvent)
                                          .where(EducationEvent.state == "held")) or 0,
            "attended": by_state.get("attended", 0), "absent": by_state.get("absent", 0),
            "consultations_held": session.scalar(select(func.count()).select_from(ConsultationSlot)
                                                 .where(ConsultationSlot.state == "held")) or 0}


def may_register(user) -> bool:
    return user is not None and has_role(user, APPLICANT, "participant", OFFICER, ADMIN)
