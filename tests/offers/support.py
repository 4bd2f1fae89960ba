"""Helpers for offer tests: a contest and offers built through the real operations."""
from __future__ import annotations

import copy
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select

from grants.core.audit import AuditEntry
from grants.core.dates import WARSAW
from grants.offers import operations as oops
from grants.offers.models import Offer, OfferRevision
from tests.factories import offer_content

D = Decimal


def w(text: str) -> datetime:
    """A Warsaw wall-clock time as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=WARSAW)


def draft(session, contest, ngo, org, content: dict | None = None) -> Offer:
    o = oops.create(session, ngo, contest, org.id)
    oops.save_sections(session, o, ngo, content if content is not None else offer_content(contest))
    session.commit()
    return o


def submitted(session, contest, ngo, org, received_at=None) -> Offer:
    o = draft(session, contest, ngo, org)
    oops.transition(session, o, "submit", ngo, received_at=received_at)
    return o


def costed(contest, *, grant: str, own: str, admin: str = "0.00", action_cost_type: str = "personnel",
           beneficiaries: str = "0.00") -> dict:
    """A complete offer whose cost lines add up to grant + own + beneficiaries (admin of it as line II)."""
    c = offer_content(contest)
    total = D(grant) + D(own) + D(beneficiaries)
    c["costs"] = [{"category": "action", "action_no": 1, "cost_type": action_cost_type, "name": "Instruktor",
                   "unit": "godz.", "unit_cost": str(total - D(admin)), "units": "1"}]
    if D(admin):
        c["costs"].append({"category": "admin", "cost_type": "admin", "name": "Koordynacja", "unit": "mies.",
                           "unit_cost": admin, "units": "1"})
    c["sources"] = {"grant": grant, "own_financial": own, "own_personal": "0.00", "own_in_kind": "0.00",
                    "beneficiaries": beneficiaries}
    return c


def changed(content: dict, **paths) -> dict:
    """A deep copy with "a__b__0__c"-style paths set."""
    out = copy.deepcopy(content)
    for path, value in paths.items():
        node = out
        parts = [int(p) if p.isdigit() else p for p in path.split("__")]
        for p in parts[:-1]:
            node = node[p]
        node[parts[-1]] = value
    return out


def audit_count(session, obj_type: str, obj_id) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.object_type == obj_type, AuditEntry.object_id == str(obj_id)))


def revision_count(session, offer_id: int) -> int:
    return session.scalar(select(func.count()).select_from(OfferRevision).where(OfferRevision.offer_id == offer_id))
