"""Mutual services between organisations (S12): a listing (published ⇄ paused → closed) and an
exchange (suggested → proposed → agreed → completed; declined, cancelled). Each side rates the
other once the exchange is completed."""
from __future__ import annotations

from pydantic import BaseModel, Field

from grants.core.i18n import _
from grants.core.permissions import ADMIN, APPLICANT, OFFICER
from grants.services.models import EXCHANGE_STATES, LISTING_STATES, ServiceExchange, ServiceListing
from grants.workflows.registry import bind

from .base import Reason, Workflow, transition

STAFF = (OFFICER, ADMIN)
PARTIES = (APPLICANT, *STAFF)


def member(org_id, actor) -> bool:
    return org_id in getattr(actor, "organisation_ids", ())


def owner_or_staff(obj, actor) -> bool:
    """The listing's organisation, or staff moderating."""
    return member(obj.organisation_id, actor) or ADMIN in actor.role_names or OFFICER in actor.role_names


LISTING = Workflow(
    name="service_listing", object_type="service_listing", states=LISTING_STATES, initial="published",
    transitions=[
        transition("pause", "published", "paused", _("Wstrzymaj ogłoszenie"), roles=PARTIES, relation=owner_or_staff),
        transition("resume", "paused", "published", _("Wznów ogłoszenie"), roles=(APPLICANT,),
                   relation=lambda o, a: member(o.organisation_id, a)),
        transition("close", ("published", "paused"), "closed", _("Zamknij ogłoszenie"), roles=PARTIES,
                   relation=owner_or_staff),
    ],
)
bind(ServiceListing, LISTING)


def responder(obj, actor) -> bool:
    return member(obj.responder_org_id, actor)


def owner(obj, actor) -> bool:
    return member(obj.listing.organisation_id, actor)


def either_side(obj, actor) -> bool:
    return owner(obj, actor) or responder(obj, actor)


class Rating(BaseModel):
    model_config = {"extra": "forbid"}
    rating: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=4000)


def _side(obj, actor) -> str:
    return "owner" if owner(obj, actor) else "responder"


def not_rated_yet(obj, ctx):
    if getattr(obj, f"{_side(obj, ctx.actor)}_rating") is not None:
        return Reason(_("Twoja organizacja już oceniła tę wymianę."))
    return None


def store_rating(obj, ctx):
    side = _side(obj, ctx.actor)
    setattr(obj, f"{side}_rating", ctx.payload["rating"])
    setattr(obj, f"{side}_comment", ctx.payload.get("comment") or "")
    ctx.changes[f"{side}_rating"] = ctx.payload["rating"]


def stamp(attr):
    def effect(obj, ctx):
        setattr(obj, attr, ctx.now)
    effect.__name__ = f"stamp_{attr}"
    return effect


EXCHANGE = Workflow(
    name="service_exchange", object_type="service_exchange", states=EXCHANGE_STATES, initial="proposed",
    transitions=[
        transition("accept_suggestion", "suggested", "proposed", _("Przyjmij propozycję urzędu"),
                   roles=(APPLICANT,), relation=responder),
        transition("confirm", "proposed", "agreed", _("Potwierdź wymianę"), roles=(APPLICANT,), relation=owner,
                   effects=(stamp("agreed_at"),)),
        transition("decline", ("suggested", "proposed"), "declined", _("Odrzuć"), roles=(APPLICANT,),
                   relation=either_side),
        transition("cancel", "agreed", "cancelled", _("Anuluj wymianę"), roles=(APPLICANT,), relation=either_side),
        transition("complete", "agreed", "completed", _("Oznacz jako zrealizowaną"), roles=(APPLICANT,),
                   relation=either_side, effects=(stamp("completed_at"),)),
        transition("rate", "completed", "completed", _("Oceń współpracę"), roles=(APPLICANT,), relation=either_side,
                   payload=Rating, guards=(not_rated_yet,), effects=(store_rating,)),
    ],
)
bind(ServiceExchange, EXCHANGE)
