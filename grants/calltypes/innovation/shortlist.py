"""The concept call (stage 1 of an innovation pilot, S9): its parameters, the pilot criteria that
replace the art. 15 ones, when it may go to evaluation and its decision, which shortlists concepts
for stage 2. No money is awarded at this stage: the decision sets no amount on anything.

The commission scores concepts on concept cards (`.scoring`, the scored submissions' core); the ranking is reviewers.ranking's
(the same means of voting members, experts advisory, declared conflicts excluded, the same
documented tie-break). The decision shortlists the top `shortlist_size` concepts whose score
reaches the contest's pass threshold when one is set, and does not shortlist the others."""
from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy import func, select

from grants.accounts.models import User
from grants.calltypes import get
from grants.calltypes.base import criterion
from grants.core import outbox
from grants.core.i18n import _
from grants.workflows.base import Reason, apply_transition
from reviewers.models import Commission
from reviewers.scoring import Board

from .models import Concept
from .submissions import CONCEPTS


class ConceptCallParams(BaseModel):
    model_config = {"extra": "forbid"}
    # how many concepts at most go on to the pilot contest (stage 2)
    shortlist_size: int = Field(default=5, ge=1, le=100, title=str(_("Liczba koncepcji kwalifikowanych do etapu II")),
                                description=str(_("Najwyżej tyle koncepcji z najwyższą oceną (i co najmniej progiem "
                                            "punktowym) przechodzi do konkursu na pilotaż.")))


# the pilot criteria (S9); they replace the art. 15 criteria in a concept call
CRITERIA = [
    criterion("novelty", "Nowatorstwo pomysłu", 10),
    criterion("partnership", "Wartość partnerstwa międzysektorowego", 10),
    criterion("feasibility", "Wykonalność pilotażu", 10),
    criterion("scalability", "Możliwość upowszechnienia rozwiązania (skalowalność)", 10),
    criterion("learning", "Sposób uczenia się na ryzyku i porażce", 10),
]


def ready_for_evaluation(session, contest):
    """The start_evaluation guard of a concept call: at least one concept submitted (R-CANCEL)."""
    n = session.scalar(select(func.count()).select_from(Concept).where(Concept.contest_id == contest.id,
                                                                      Concept.state == "submitted"))
    if not n:
        return Reason(_("Nie złożono żadnej koncepcji: nabór koncepcji należy unieważnić."), "R-CANCEL")
    return None


def shortlist_size(contest) -> int:
    params = get(contest.call_type).params(contest)
    return params.shortlist_size if params is not None else ConceptCallParams().shortlist_size


def selection(ranked, size: int) -> set[int]:
    """The concept ids to shortlist: the first `size` of the ranking that passed (scored by at
    least one voter and, when the contest sets a threshold, reaching it). Plain values in."""
    return {r.offer_id for r in [r for r in ranked if r.passed][:size]}


def decide(ctx, contest) -> None:
    """The concept call's decision (R-RESULTS): shortlist or not each submitted concept, in the
    decide transition's transaction, and tell each organisation once of all its concepts."""
    session = ctx.session
    commission = session.scalar(select(Commission).where(Commission.contest_id == contest.id))
    concepts = list(session.scalars(select(Concept).where(Concept.contest_id == contest.id,
                                                          Concept.state == "submitted").order_by(Concept.id)))
    ranked = Board(session, commission, fresh=True).scored(CONCEPTS).ranking if commission is not None else []
    by_id = {r.offer_id: r for r in ranked}
    chosen = selection([r for r in ranked if r.offer_id in {c.id for c in concepts}], shortlist_size(contest))
    summary, by_org = [], {}
    for concept in concepts:
        name = "shortlist" if concept.id in chosen else "not_shortlist"
        apply_transition(session, concept, name, ctx.actor, commit=False, received_at=ctx.now)
        r = by_id.get(concept.id)
        summary.append({"concept_id": concept.id, "shortlisted": concept.id in chosen,
                        "rank": r.rank if r else None, "score": str(r.score_display) if r else None})
        by_org.setdefault(concept.organisation_id, []).append(concept)
    # R-RESULTS: each organisation is notified once, of all its concepts, in this transaction
    for rows in by_org.values():
        first = rows[0]
        email = first.organisation.email if first.organisation else ""
        if not email and first.created_by_id is not None:  # else whoever started the concept
            author = session.get(User, first.created_by_id)
            email = author.email if author is not None else ""
        if not email:
            continue
        lines = []
        for c in rows:
            if c.state == "shortlisted":
                lines.append(str(_("Koncepcja %(n)s „%(t)s” została zakwalifikowana do etapu II naboru „%(c)s”. "
                                   "Na tym etapie nie przyznaje się dotacji: organizacja może złożyć ofertę "
                                   "w konkursie na pilotaż.", n=c.number, t=c.title, c=contest.title)))
            else:
                lines.append(str(_("Koncepcja %(n)s „%(t)s” nie została zakwalifikowana do etapu II naboru „%(c)s”.",
                                   n=c.number, t=c.title, c=contest.title)))
        outbox.emit_email(session, email, _("Wyniki naboru koncepcji: %(c)s", c=contest.title), "\n".join(lines))
    contest.results_published_at = ctx.now
    ctx.changes["results"] = summary
