"""What R-COM-IMPARTIAL reads, in one query each: the organisations the members declare towards,
the declarations, and the pairs a declared conflict excludes. `reviewers.scoring.Board` loads them
once per request; `reviewers.declarations` answers through the board."""
from __future__ import annotations

from sqlalchemy import select

from . import submissions
from .models import CommissionMember, Declaration


def load_organisations(session, commission) -> list[int]:
    return sorted(submissions.participants(session, commission.contest_id))


def load_declarations(session, commission) -> list[Declaration]:
    """One query: the declarations of the commission's members (by the member's commission, so the
    members need not be loaded first)."""
    return list(session.scalars(select(Declaration).join(CommissionMember, CommissionMember.id == Declaration.member_id)
                                .where(CommissionMember.commission_id == commission.id)
                                .order_by(Declaration.member_id, Declaration.organisation_id)))


def missing_from(commission, orgs: list[int], declarations) -> list[tuple[int, int]]:
    have = {(d.member_id, d.organisation_id) for d in declarations}
    return [(m.id, o) for m in commission.members if m.active for o in orgs if (m.id, o) not in have]


def excluded_from(members, offers, conflict_pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """(member id, offer id): a conflict with the offer's lead or any partner excludes the member from it.
    The offers' partners should be loaded with them (one query, not one per offer)."""
    by_org: dict[int, set[int]] = {}
    for mid, org in conflict_pairs:
        by_org.setdefault(org, set()).add(mid)
    ids = {m.id for m in members}
    out = set()
    if not by_org:
        return out
    for o in offers:
        for org in (o.organisation_id, *o.partner_ids):
            for mid in by_org.get(org, ()):
                if mid in ids:
                    out.add((mid, o.id))
    return out
