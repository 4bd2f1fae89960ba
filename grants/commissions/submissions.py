"""Offers as the submissions a commission scores (reviewers.submissions): the kind every contest
taking offers uses. A call type that takes other submissions registers its own kind beside this
one (grants/calltypes/innovation/scoring.py: concepts)."""
from __future__ import annotations

from sqlalchemy.orm import joinedload, selectinload

from grants.core.i18n import _
from grants.offers.models import Offer
from reviewers.models import ScoreCard
from reviewers.submissions import SubmissionKind, answer_participants, register

from .composition import participating_organisations

# offers the commission scores (and, after the decision, the ones it scored)
SCORED_STATES = ("eligible", "selected", "not_selected", "update_required", "ready_for_agreement", "declined")

OFFERS = register(SubmissionKind(
    name="offer", model=Offer, card_model=ScoreCard, scored_states=SCORED_STATES, audit_kind="score_card",
    received_at=lambda o: o.submitted_at,
    options=lambda: (joinedload(Offer.organisation), selectinload(Offer.partners)),
    texts={"card_title": _("Karta oceny oferty %(n)s"),
           "excluded": _("Jesteś wyłączony z oceny tej oferty (R-COM-IMPARTIAL)."),
           "not_scored": _("Ta oferta nie podlega ocenie komisji."),
           "saved": _("Zapisano szkic karty oceny oferty %(n)s."),
           "submitted": _("Złożono kartę oceny oferty %(n)s.")},
    facts_template="commissions/_offer_facts.html", anchor="#scoring"))

# reviewers asks who takes part (the organisations members declare towards); offers and call types answer
answer_participants(participating_organisations)
