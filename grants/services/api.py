"""/api/v1/service-listings (public listings, contacts to organisations' members) and
/api/v1/service-exchanges (the two organisations and staff): mutual services between NGOs (S12)."""
from __future__ import annotations

from pydantic import BaseModel, Field

from grants.api.areas import OrganisationBody, WorkflowItem, for_organisation, on_named
from grants.api.collections import Collection, register
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


class ServiceListingCreate(OrganisationBody):
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


class ServiceListingItem(WorkflowItem):
    kind: str
    category: str
    title: str


class ServiceExchangeItem(WorkflowItem):
    listing_id: str
    responder_org_id: str


def _exchange(session, user, listing: ServiceListing, data: ServiceExchangeCreate):
    """An answer from an organisation's member; from staff, a broker's suggestion of the organisation."""
    act = ops.suggest if is_staff(user) else ops.answer
    return act(session, user, listing, int(data.organisation_id), data.message)


register(Collection(
    name="service-listings", model=ServiceListing, serialize=serialize_listing, visible=ops.visible_listings,
    public=True, item_schema=ServiceListingItem, create_schema=ServiceListingCreate,
    create=for_organisation(ops.publish),
    summary="Mutual services between organisations: offers and requests (S12); contacts to organisations' members",
))
register(Collection(
    name="service-exchanges", model=ServiceExchange, serialize=serialize_exchange, visible=ops.visible_exchanges,
    public=False, item_schema=ServiceExchangeItem, create_schema=ServiceExchangeCreate,
    create=on_named(ServiceListing, ops.visible_listings, "listing_id", _exchange),
    summary="Exchanges of services: an answer, or a broker's suggestion; confirmed, completed and rated by both",
))
