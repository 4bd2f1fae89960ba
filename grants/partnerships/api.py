"""/api/v1/partnership-offers (the public catalogue) and /api/v1/partnership-interests (the business
participant, the offering organisation, staff): partnerships with business (S10). Contact details
appear in an interest only once both sides consented."""
from __future__ import annotations

from pydantic import BaseModel, Field

from grants.api.areas import TitledBody, WorkflowItem, for_organisation, on_named
from grants.api.collections import Collection, register
from grants.api.validation import Id
from grants.core import canonical

from . import operations as ops
from .models import PartnershipInterest, PartnershipOffer


def _s(v):
    return canonical.jsonable(v) if v is not None else None


def serialize_offer(o: PartnershipOffer, user) -> dict:
    return {"id": str(o.id), "state": o.state, "version": o.version, "organisation_id": str(o.organisation_id),
            "title": o.title, "description": o.description, "kinds": list(o.kinds or []),
            "audiences": list(o.audiences or []), "seeks": list(o.seeks or []), "seeks_note": o.seeks_note,
            "field": o.field, "district": o.district}


def serialize_interest(i: PartnershipInterest, user) -> dict:
    return {"id": str(i.id), "state": i.state, "version": i.version, "offer_id": str(i.offer_id),
            "company": i.company, "message": i.message, "answer": i.answer,
            "org_consent_at": _s(i.org_consent_at), "business_consent_at": _s(i.business_consent_at),
            "started_at": _s(i.started_at), "contacts": ops.contacts(i, user)}


class PartnershipOfferCreate(TitledBody):
    description: str = Field(default="", max_length=20000)
    kinds: list[str] = Field(min_length=1, max_length=10)
    audiences: list[str] = Field(min_length=1, max_length=5)
    seeks: list[str] = Field(default_factory=list, max_length=10)
    seeks_note: str = Field(default="", max_length=4000)
    field: str | None = Field(default=None, max_length=40)
    district: str | None = Field(default=None, max_length=10)
    contact_email: str | None = Field(default=None, max_length=255)
    contact_phone: str | None = Field(default=None, max_length=40)


class PartnershipInterestCreate(BaseModel):
    model_config = {"extra": "forbid"}
    offer_id: Id
    company: str = Field(min_length=1, max_length=255)
    message: str = Field(min_length=1, max_length=4000)
    contact_email: str | None = Field(default=None, max_length=255)
    contact_phone: str | None = Field(default=None, max_length=40)


class PartnershipOfferItem(WorkflowItem):
    organisation_id: str
    title: str


class PartnershipInterestItem(WorkflowItem):
    offer_id: str
    company: str


register(Collection(
    name="partnership-offers", model=PartnershipOffer, serialize=serialize_offer, visible=ops.visible_offers,
    public=True, item_schema=PartnershipOfferItem, create_schema=PartnershipOfferCreate,
    create=for_organisation(ops.create_offer),
    summary="Organisations' partnership offers for business: the public catalogue (S10)",
))
register(Collection(
    name="partnership-interests", model=PartnershipInterest, serialize=serialize_interest,
    visible=ops.visible_interests, public=False, item_schema=PartnershipInterestItem, create_schema=PartnershipInterestCreate,
    create=on_named(PartnershipOffer, ops.visible_offers, "offer_id", lambda session, user, offer, data:
                    ops.express_interest(session, user, offer, data.model_dump(exclude={"offer_id"}))),
    summary="A business participant's interest in an offer; contacts exchanged only when both consent (S10)",
))
