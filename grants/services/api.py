"""/api/v1/service-listings (public listings, contacts to organisations' members) and
/api/v1/service-exchanges (the two organisations and staff): mutual services between NGOs (S12)."""
from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy import select

from grants.api.collections import Collection, register
from grants.api.problems import invalid
from grants.api.validation import Id
from grants.core import canonical
from grants.core.permissions import is_staff

from . import operations as ops
from .models import ServiceExchange, ServiceListing


def _s(v):
    return canonical.jsonable(v) if v is not None else None


def serialize_listing(o: ServiceListing, user) -> dict:
    out = {"id": str(o.id), "state": o.state, "version": o.version, "organisation_id": str(o.organisation_id),
           "kind": o.kind, "category": o.category, "title": o.title, "description": o.description,
           "field": o.field, "district": o.district, "created_at": _s(o.created_at), "contact": None}
    if ops.may_see_contacts(o, user):
        out["contact"] = {"name": o.contact_name, "email": o.contact_email, "phone": o.contact_phone}
    return out


def serialize_exchange(x: ServiceExchange, user) -> dict:
    return {"id": str(x.id), "state": x.state, "version": x.version, "listing_id": str(x.listing_id),
            "responder_org_id": str(x.responder_org_id), "suggested": x.suggested_by_id is not None,
            "message": x.message, "agreed_at": _s(x.agreed_at), "completed_at": _s(x.completed_at),
            "owner_rating": x.owner_rating, "owner_comment": x.owner_comment,
            "responder_rating": x.responder_rating, "responder_comment": x.responder_comment}


class ServiceListingCreate(BaseModel):
    model_config = {"extra": "forbid"}
    organisation_id: Id
    kind: str = Field(max_length=10)
    category: str = Field(max_length=20)
    title: str = Field(min_length=1, max_length=255)
    description: str = Field(default="", max_length=20000)
    field: str | None = Field(default=None, max_length=40)
    district: str | None = Field(default=None, max_length=10)
    contact_name: str | None = Field(default=None, max_length=255)
    contact_email: str | None = Field(default=None, max_length=255)
    contact_phone: str | None = Field(default=None, max_length=40)


class ServiceExchangeCreate(BaseModel):
    """An organisation's member answers a listing; a broker (officer) suggests the organisation."""
    model_config = {"extra": "forbid"}
    listing_id: Id
    organisation_id: Id
    message: str = Field(default="", max_length=4000)


class ServiceListingItem(BaseModel):
    id: str
    state: str
    version: int
    kind: str
    category: str
    title: str


class ServiceExchangeItem(BaseModel):
    id: str
    state: str
    version: int
    listing_id: str
    responder_org_id: str


def _publish(session, user, data: ServiceListingCreate):
    try:
        return ops.publish(session, user, int(data.organisation_id), data.model_dump(exclude={"organisation_id"}))
    except ops.ServiceError as e:
        raise invalid(e.errors) from None


def _exchange(session, user, data: ServiceExchangeCreate):
    listing = session.scalar(ops.visible_listings(select(ServiceListing).where(
        ServiceListing.id == int(data.listing_id)), user))
    if listing is None:
        raise invalid([{"field": "listing_id", "message": "unknown id"}])
    act = ops.suggest if is_staff(user) else ops.answer
    try:
        return act(session, user, listing, int(data.organisation_id), data.message)
    except ops.ServiceError as e:
        raise invalid(e.errors) from None


register(Collection(
    name="service-listings", model=ServiceListing, serialize=serialize_listing, visible=ops.visible_listings,
    public=True, item_schema=ServiceListingItem, create_schema=ServiceListingCreate, create=_publish,
    summary="Mutual services between organisations: offers and requests (S12); contacts to organisations' members",
))
register(Collection(
    name="service-exchanges", model=ServiceExchange, serialize=serialize_exchange, visible=ops.visible_exchanges,
    public=False, item_schema=ServiceExchangeItem, create_schema=ServiceExchangeCreate, create=_exchange,
    summary="Exchanges of services: an answer, or a broker's suggestion; confirmed, completed and rated by both",
))
