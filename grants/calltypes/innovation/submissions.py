"""Concepts as the submissions a concept call's commission scores (reviewers.submissions): the same
cards, board, ranking, pages and rules as offers, on the call's pilot criteria. A concept's partners
are named, not registered: only its lead organisation is declared towards (R-COM-IMPARTIAL)."""
from __future__ import annotations

from sqlalchemy.orm import joinedload

from grants.core.i18n import _
from reviewers.submissions import SubmissionKind, register

from .models import Concept, ConceptCard

# concepts the commission scores (and, after the decision, the ones it scored)
SCORED_STATES = ("submitted", "shortlisted", "not_shortlisted")

CONCEPTS = register(SubmissionKind(
    name="concept", model=Concept, card_model=ConceptCard, scored_states=SCORED_STATES, audit_kind="concept_card",
    received_at=lambda c: c.submitted_at or c.created_at,
    options=lambda: (joinedload(Concept.organisation),), lock_on_save=True,
    texts={"card_title": _("Karta oceny koncepcji %(n)s"),
           "excluded": _("Jesteś wyłączony z oceny tej koncepcji (R-COM-IMPARTIAL)."),
           "not_scored": _("Ta koncepcja nie podlega ocenie komisji."),
           "saved": _("Zapisano szkic karty oceny koncepcji %(n)s."),
           "submitted": _("Złożono kartę oceny koncepcji %(n)s.")},
    facts_template="calltypes/innovation_concept/_concept_facts.html", anchor="#concept-cards"))
