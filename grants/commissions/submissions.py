"""Offers as the submissions a commission scores (reviewers.submissions): the kind every contest
taking offers uses. A call type that takes other submissions registers its own kind beside this
one (grants/calltypes/innovation/scoring.py: concepts)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from grants.core.i18n import _
from grants.offers.models import Offer, OfferPartner
from reviewers.models import ScoreCard
from reviewers.submissions import SubmissionKind, answer_participants, register

from .composition import participating_organisations

# offers the commission scores (and, after the decision, the ones it scored)
SCORED_STATES = ("eligible", "selected", "not_selected", "update_required", "ready_for_agreement", "declined")


def _scored(contest_id: int, states):
    return (Offer.contest_id == contest_id, Offer.state.in_(states))


def _facts(contest_id: int, states):
    return (select(Offer.id, Offer.organisation_id, Offer.submitted_at, Offer.requested_grant)
            .where(*_scored(contest_id, states)).order_by(Offer.id))


def _partners(contest_id: int, states):
    return (select(OfferPartner.offer_id, OfferPartner.organisation_id).join(Offer, Offer.id == OfferPartner.offer_id)
            .where(*_scored(contest_id, states)).order_by(OfferPartner.id))

OFFERS = register(SubmissionKind(
    name="offer", model=Offer, card_model=ScoreCard, scored_states=SCORED_STATES, audit_kind="score_card",
    received_at=lambda o: o.submitted_at,
    options=lambda: (joinedload(Offer.organisation), selectinload(Offer.partners)),
    texts={"card_title": _("Karta oceny oferty %(n)s"),
           "excluded": _("Jesteś wyłączony z oceny tej oferty (R-COM-IMPARTIAL)."),
           "not_scored": _("Ta oferta nie podlega ocenie komisji."),
           "saved": _("Zapisano szkic karty oceny oferty %(n)s."),
           "submitted": _("Złożono kartę oceny oferty %(n)s.")},
    facts_template="commissions/_offer_facts.html", anchor="#scoring", facts_query=_facts, partners_query=_partners))

# reviewers asks who takes part (the organisations members declare towards); offers and call types answer
answer_participants(participating_organisations)
