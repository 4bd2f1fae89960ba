"""Builders for the concept call's commission: a concept call in evaluation with submitted concepts
(rows built with the model: A1's operations own how a concept is written and submitted), a
commission composed, declared and scoring, through the real commission operations."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from grants.calltypes.innovation import scoring
from grants.calltypes.innovation.models import Concept, ConceptCard
from grants.core import clock
from grants.core.audit import AuditEntry
from grants.core.outbox import OutboxEvent
from grants.commissions import operations as rops
from reviewers.models import Commission
from tests.factories import compose, contest_values, declare_all  # noqa: F401

D = Decimal
CRITERIA = ("novelty", "partnership", "feasibility", "scalability", "learning")


def concept_content(i: int) -> dict:
    return {"problem": f"Problem {i}: samotność seniorów w blokowiskach",
            "novelty": "Teatr interaktywny z aplikacją start-upu",
            "partners": [{"name": f"Start-up {i} sp. z o.o.", "sector": "startup", "role": "aplikacja"}],
            "pilot_plan": "Trzy miesiące w dwóch osiedlach", "estimated_budget": "85000.00"}


def concept_call(session, officer, orgs, *, shortlist_size: int = 5, threshold: str | None = "20",
                 evaluation: bool = True, states=None, **overrides):
    """A concept call whose deadline passed, one concept per organisation (state `submitted`
    unless `states` says otherwise), taken to evaluation when `evaluation`."""
    from grants.contests import operations as cops
    from grants.workflows.base import SYSTEM, apply_transition
    now = clock.now()
    published = now - timedelta(days=40)
    values = contest_values(deadline=now - timedelta(days=10), call_type="innovation_concept",
                            call_params={"shortlist_size": shortlist_size},
                            pass_threshold=D(threshold) if threshold is not None else None, **overrides)
    values["title"] = "Pilotaże innowacji 2026 – nabór koncepcji"
    c = cops.create(session, officer, values)
    session.commit()
    cops.transition(session, c, "publish", officer, received_at=published)
    concepts = []
    for i, org in enumerate(orgs):
        org.email = org.email or f"biuro{org.id}@example.org"
        state = (states or {}).get(i, "submitted")
        k = Concept(contest_id=c.id, organisation_id=org.id, title=f"Koncepcja {i + 1}", content=concept_content(i),
                    state=state, version=1, created_at=published + timedelta(days=1),
                    number=f"K/{c.id}/{i + 1}" if state != "draft" else None,
                    submitted_at=published + timedelta(days=2, minutes=i) if state != "draft" else None)
        session.add(k)
        concepts.append(k)
    session.commit()
    apply_transition(session, c, "close", SYSTEM)
    cops.transition(session, c, "start_formal_review", officer)
    if evaluation:
        cops.transition(session, c, "start_evaluation", officer)
    return c, concepts


def score(session, c, user, concept, points, submit=True, justification="Uzasadnienie oceny"):
    points = points if isinstance(points, dict) else {k: str(points) for k in CRITERIA}
    card = scoring.save_card(session, user, c, concept, {k: str(v) for k, v in points.items()},
                             {k: justification for k in CRITERIA}, submit)
    session.commit()
    return card


def counts(session) -> dict:
    session.expire_all()
    return {"cards": session.scalar(select(func.count()).select_from(ConceptCard)),
            "audit": session.scalar(select(func.count()).select_from(AuditEntry)),
            "outbox": session.scalar(select(func.count()).select_from(OutboxEvent)),
            "commission_versions": tuple(session.scalars(select(Commission.version).order_by(Commission.id)))}


def scoring_world(session, make_user, make_org, *, n=4, shortlist_size=2, threshold="20", conflicts=()):
    """A concept call with `n` concepts and a commission in scoring: the officer (chair), a second
    city member and an expert, all declared; `conflicts` holds ("city2" | "officer" | "expert",
    concept index) pairs declared as conflicts."""
    officer, city2, expert = make_user("officer"), make_user("officer"), make_user("commission_member")
    orgs = [make_org() for _ in range(n)]
    contest, concepts = concept_call(session, officer, orgs, shortlist_size=shortlist_size, threshold=threshold)
    c = compose(session, officer, contest, [(officer, "city", None, True), (city2, "city", None, False),
                                            (expert, "expert", None, False)])
    rops.transition(session, c, "open_declarations", officer, {"without_ngo_reason": "none_nominated"})
    people = {"officer": officer, "city2": city2, "expert": expert}
    declare_all(session, c, [officer, city2, expert], [(people[u], orgs[i]) for u, i in conflicts])
    rops.transition(session, c, "start_scoring", officer, {})
    return officer, city2, expert, orgs, contest, concepts, c
