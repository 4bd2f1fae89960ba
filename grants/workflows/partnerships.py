"""Partnerships with business (S10): an organisation's offer (draft → published ⇄ paused → archived;
officers moderate) and a business participant's interest in it (sent → answered → both consent →
connected → started; declined, withdrawn). Contact details are shown only once both consented."""
from __future__ import annotations

from pydantic import BaseModel, Field

from grants.core.i18n import _
from grants.core.permissions import ADMIN, APPLICANT, OFFICER, PARTICIPANT
from grants.partnerships.models import INTEREST_STATES, OFFER_STATES, PartnershipInterest, PartnershipOffer
from grants.workflows.registry import bind

from .base import Workflow, transition

STAFF = (OFFICER, ADMIN)


def member(org_id, actor) -> bool:
    return org_id in getattr(actor, "organisation_ids", ())


def organisation(obj, actor) -> bool:
    return member(obj.organisation_id, actor)


def organisation_or_staff(obj, actor) -> bool:
    return organisation(obj, actor) or ADMIN in actor.role_names or OFFICER in actor.role_names


OFFER = Workflow(
    name="partnership_offer", object_type="partnership_offer", states=OFFER_STATES, initial="draft",
    transitions=[
        transition("publish", ("draft", "paused"), "published", _("Opublikuj w katalogu"), roles=(APPLICANT,),
                   relation=organisation),
        transition("pause", "published", "paused", _("Wstrzymaj (zdejmij z katalogu)"), roles=(APPLICANT, *STAFF),
                   relation=organisation_or_staff),
        transition("archive", ("draft", "published", "paused"), "archived", _("Archiwizuj"),
                   roles=(APPLICANT, *STAFF), relation=organisation_or_staff),
    ],
)
bind(PartnershipOffer, OFFER)


def business(obj, actor) -> bool:
    return obj.author_id == actor.id


class Answer(BaseModel):
    model_config = {"extra": "forbid"}
    answer: str = Field(min_length=3, max_length=4000)


def store_answer(obj, ctx):
    obj.answer = ctx.payload["answer"]


def consent_of(side: str):
    def effect(obj, ctx):
        setattr(obj, f"{side}_consent_at", ctx.now)
        ctx.changes[f"{side}_consent"] = ctx.now.isoformat()  # the consent recorded in the audit trail
    effect.__name__ = f"{side}_consents"
    return effect


def started(obj, ctx):
    obj.started_at = ctx.now


ORG_CONSENT, BUSINESS_CONSENT = consent_of("org"), consent_of("business")
CONSENT_LABEL = _("Zgadzam się na wymianę danych kontaktowych")

INTEREST = Workflow(
    name="partnership_interest", object_type="partnership_interest", states=INTEREST_STATES, initial="sent",
    transitions=[
        transition("answer", "sent", "answered", _("Odpowiedz"), roles=(APPLICANT,), relation=organisation,
                   payload=Answer, effects=(store_answer,)),
        transition("org_consent", "answered", "org_consented", CONSENT_LABEL, roles=(APPLICANT,),
                   relation=organisation, effects=(ORG_CONSENT,)),
        transition("org_consent_too", "business_consented", "connected", CONSENT_LABEL, roles=(APPLICANT,),
                   relation=organisation, effects=(ORG_CONSENT,)),
        transition("business_consent", "answered", "business_consented", CONSENT_LABEL, roles=(PARTICIPANT,),
                   relation=business, effects=(BUSINESS_CONSENT,)),
        transition("business_consent_too", "org_consented", "connected", CONSENT_LABEL, roles=(PARTICIPANT,),
                   relation=business, effects=(BUSINESS_CONSENT,)),
        transition("mark_started", "connected", "started", _("Partnerstwo rozpoczęte"), roles=(APPLICANT, PARTICIPANT),
                   relation=lambda o, a: organisation(o, a) or business(o, a), effects=(started,)),
        transition("decline", ("sent", "answered", "org_consented", "business_consented"), "declined",
                   _("Odrzuć zgłoszenie"), roles=(APPLICANT,), relation=organisation),
        transition("withdraw", ("sent", "answered", "org_consented", "business_consented"), "withdrawn",
                   _("Wycofaj zgłoszenie"), roles=(PARTICIPANT,), relation=business),
    ],
)
bind(PartnershipInterest, INTEREST)
