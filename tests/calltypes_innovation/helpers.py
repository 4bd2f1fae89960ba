"""Builders for innovation pilots (S9): a concept call (stage 1) created and published through the
contest operations, concepts written and submitted through the concept operations, the call's
decision as its officer leaves it, and a pilot contest (stage 2) linked by call_params."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from grants.calltypes.innovation import operations as kops
from grants.core import clock
from grants.core.audit import AuditEntry
from tests.factories import contest_values


def concept_values(**overrides) -> dict:
    """A complete concept with a cross-sector partnership (an NGO and a start-up)."""
    values = {
        "title": "Teatr z aplikacją dla seniorów",
        "problem": "Samotność seniorów w blokowiskach Nowej Huty.",
        "novelty": "Spektakle interaktywne prowadzone przez aktorów razem z aplikacją start-upu.",
        "partners": [
            {"name": "Stowarzyszenie Sąsiedzi", "sector": "ngo", "role": "Rekrutacja seniorów"},
            {"name": "AppTeatr sp. z o.o.", "sector": "startup", "role": "Aplikacja i analiza danych"},
        ],
        "pilot_plan": "Trzy miesiące w dwóch osiedlach; punkt kontrolny po miesiącu.",
        "estimated_budget": "85000.00",
    }
    values.update(overrides)
    return values


NGO_ONLY = [
    {"name": "Stowarzyszenie Sąsiedzi", "sector": "ngo", "role": "Rekrutacja seniorów"},
    {"name": "Fundacja Teatralna", "sector": "ngo", "role": "Spektakle"},
]


def concept_call(session, officer, *, publish: bool = True, shortlist_size: int = 5, **overrides):
    """A concept call (call type innovation_concept), published now with its deadline in 30 days."""
    from grants.contests import operations as cops
    values = contest_values(call_type="innovation_concept", call_params={"shortlist_size": shortlist_size},
                            **overrides)
    values["title"] = overrides.get("title", "Pilotaże innowacji – nabór koncepcji")
    c = cops.create(session, officer, values)
    session.commit()
    if publish:
        cops.transition(session, c, "publish", officer)
    return c


def draft_concept(session, user, org, call, values: dict | None = None):
    k = kops.create(session, user, call, org.id, values if values is not None else concept_values())
    session.commit()
    return k


def submitted_concept(session, user, org, call, values: dict | None = None):
    k = draft_concept(session, user, org, call, values)
    kops.transition(session, k, "submit", user)
    return k


def decide_by_hand(session, officer, call, shortlist=(), not_shortlist=()):
    """The concept call decided, its concepts shortlisted or not by its officer (what the call's
    decision does after the commission's ranking; the commission's part is tested on its own)."""
    from grants.calltypes.innovation.models import Concept
    from grants.contests.models import Contest
    call = session.get(Contest, call.id)  # the objects may come from a session a request closed
    call.state = "decided"
    call.results_published_at = clock.now()
    session.commit()
    for name, rows in (("shortlist", shortlist), ("not_shortlist", not_shortlist)):
        for k in rows:
            kops.transition(session, session.get(Concept, k.id), name, officer)


def pilot_values(concept_call_id, **overrides) -> dict:
    params = {"concept_call_id": concept_call_id} if concept_call_id is not None else {}
    return contest_values(call_type="innovation_pilot", call_params=params,
                          title="Pilotaże innowacji – konkurs na pilotaż", **overrides)


def pilot_contest(session, officer, concept_call_id, *, publish: bool = True, **overrides):
    from grants.contests import operations as cops
    c = cops.create(session, officer, pilot_values(concept_call_id, **overrides))
    session.commit()
    if publish:
        cops.transition(session, c, "publish", officer)
    return c


def audit_count(session, object_type: str = "concept") -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.object_type == object_type))


def later(days: int = 31):
    return clock.now() + timedelta(days=days)
