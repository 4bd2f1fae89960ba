"""/api/v1/education-events, /api/v1/event-registrations, /api/v1/consultation-slots (S13,
R-CAPACITY): events and slots are public; registering and booking need a token."""
from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, Field

from grants.api.collections import Collection, register
from grants.api.problems import invalid
from grants.api.validation import Id
from grants.core import canonical, db

from . import operations as ops
from .models import ConsultationSlot, EducationEvent, EventRegistration


def _s(v):
    return canonical.jsonable(v) if v is not None else None


def _ref(v) -> str | None:
    return str(v) if v is not None else None


def serialize_event(o: EducationEvent, user) -> dict:
    return {"id": str(o.id), "state": o.state, "version": o.version, "kind": o.kind, "title": o.title,
            "description": o.description, "district": o.district, "place": o.place, "online_url": o.online_url,
            "starts_at": _s(o.starts_at), "ends_at": _s(o.ends_at), "capacity": o.capacity}


def serialize_event_full(o: EducationEvent, user) -> dict:
    return {**serialize_event(o, user), **ops.counts(db.session(), o.id)}


def serialize_registration(r: EventRegistration, user) -> dict:
    return {"id": str(r.id), "state": r.state, "version": r.version, "event_id": str(r.event_id),
            "user_id": str(r.user_id), "organisation_id": _ref(r.organisation_id),
            "registered_at": _s(r.registered_at), "promoted_at": _s(r.promoted_at)}


def serialize_slot(o: ConsultationSlot, user) -> dict:
    booking = ops.may_see_booking(o, user)
    return {"id": str(o.id), "state": o.state, "version": o.version, "topic": o.topic, "host_name": o.host_name,
            "district": o.district, "place": o.place, "online_url": o.online_url, "starts_at": _s(o.starts_at),
            "ends_at": _s(o.ends_at), "booked": o.state in ("booked", "held"),
            "organisation_id": _ref(o.organisation_id) if booking else None,
            "question": o.question if booking else None}


class EducationWhenWhere(BaseModel):
    model_config = {"extra": "forbid"}
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    district: str | None = Field(default=None, max_length=10)
    place: str = Field(default="", max_length=255)
    online_url: str | None = Field(default=None, max_length=500)


class EducationEventCreate(EducationWhenWhere):
    title: str = Field(min_length=1, max_length=255)
    kind: str = Field(max_length=20)
    description: str = Field(default="", max_length=20000)
    capacity: int = Field(ge=1, le=10000)


class ConsultationSlotCreate(EducationWhenWhere):
    topic: str = Field(min_length=1, max_length=255)
    host_name: str = Field(default="", max_length=255)


class EventRegistrationCreate(BaseModel):
    model_config = {"extra": "forbid"}
    event_id: Id
    organisation_id: Id | None = None


class EducationEventItem(BaseModel):
    id: str
    state: str
    version: int
    kind: str
    title: str
    starts_at: datetime
    capacity: int


class EventRegistrationItem(BaseModel):
    id: str
    state: str
    version: int
    event_id: str


class ConsultationSlotItem(BaseModel):
    id: str
    state: str
    version: int
    topic: str
    starts_at: datetime
    booked: bool


def _created(operation, session, user, values):
    try:
        return operation(session, user, values)
    except ops.EducationError as e:
        raise invalid(e.errors) from None


def _register(session, user, data: EventRegistrationCreate):
    org = int(data.organisation_id) if data.organisation_id is not None else None
    return _created(lambda s, u, v: ops.register(s, u, int(data.event_id), org), session, user, None)


register(Collection(
    name="education-events", model=EducationEvent, serialize=serialize_event, serialize_full=serialize_event_full,
    visible=ops.visible_events, public=True, item_schema=EducationEventItem, create_schema=EducationEventCreate,
    create=lambda s, u, d: _created(ops.create_event, s, u, d.model_dump()),
    summary="Education events: lectures, workshops, mobile consultation points (S13, R-CAPACITY)",
))
register(Collection(
    name="event-registrations", model=EventRegistration, serialize=serialize_registration,
    visible=ops.visible_registrations, public=False, item_schema=EventRegistrationItem,
    create_schema=EventRegistrationCreate, create=_register,
    summary="Registrations for education events: a place, or the waiting list that moves up in order (R-CAPACITY)",
))
register(Collection(
    name="consultation-slots", model=ConsultationSlot, serialize=serialize_slot, visible=ops.visible_slots,
    public=True, item_schema=ConsultationSlotItem, create_schema=ConsultationSlotCreate,
    create=lambda s, u, d: _created(ops.create_slot, s, u, d.model_dump()),
    summary="Individual consultation slots; an organisation books one with its question (R-CAPACITY)",
))
