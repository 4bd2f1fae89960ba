"""Impartiality declarations (R-COM-IMPARTIAL): each active member towards each organisation."""
from __future__ import annotations

from sqlalchemy import select

from .composition import participating_organisations
from .models import Declaration


def _board(session, commission):
    from .scoring import Board
    return Board.of(session, commission)


def load_organisations(session, commission) -> list[int]:
    return sorted(participating_organisations(session, commission.contest_id))


def load_declarations(session, commission) -> list[Declaration]:
    """One query: the declarations of the commission's members (by the member's commission, so the
    members need not be loaded first)."""
    from .models import CommissionMember
    return list(session.scalars(select(Declaration).join(CommissionMember, CommissionMember.id == Declaration.member_id)
                                .where(CommissionMember.commission_id == commission.id)
                                .order_by(Declaration.member_id, Declaration.organisation_id)))


def organisations_to_declare(session, commission) -> list[int]:
    """The organisations taking part (lead or partner of a submitted offer), each member declares towards."""
    return list(_board(session, commission).organisations)


def declarations_of(session, commission) -> list[Declaration]:
    return list(_board(session, commission).declarations)


def missing_from(commission, orgs: list[int], declarations) -> list[tuple[int, int]]:
    have = {(d.member_id, d.organisation_id) for d in declarations}
    return [(m.id, o) for m in commission.members if m.active for o in orgs if (m.id, o) not in have]


def missing_declarations(session, commission) -> list[tuple[int, int]]:
    """(member id, organisation id) pairs still to declare, for active members."""
    return list(_board(session, commission).missing_declarations)


def conflicts(session, commission) -> set[tuple[int, int]]:
    """(member id, organisation id) with a declared conflict."""
    return set(_board(session, commission).conflicts)


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


def excluded_pairs(session, commission, offers) -> set[tuple[int, int]]:
    """(member id, offer id): a conflict with the offer's lead or any partner excludes the member from it."""
    board = _board(session, commission)
    if offers is board.offers:
        return set(board.excluded)
    return excluded_from(commission.members, offers, board.conflicts)
