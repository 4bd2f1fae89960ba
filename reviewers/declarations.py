"""Impartiality declarations (R-COM-IMPARTIAL): each active member towards each organisation."""
from __future__ import annotations

from sqlalchemy import select

from .composition import participating_organisations
from .models import Declaration


def organisations_to_declare(session, commission) -> list[int]:
    return sorted(participating_organisations(session, commission.contest_id))


def declarations_of(session, commission) -> list[Declaration]:
    ids = [m.id for m in commission.members]
    if not ids:
        return []
    return list(session.scalars(select(Declaration).where(Declaration.member_id.in_(ids))))


def missing_declarations(session, commission) -> list[tuple[int, int]]:
    """(member id, organisation id) pairs still to declare, for active members."""
    orgs = organisations_to_declare(session, commission)
    have = {(d.member_id, d.organisation_id) for d in declarations_of(session, commission)}
    return [(m.id, o) for m in commission.members if m.active for o in orgs if (m.id, o) not in have]


def conflicts(session, commission) -> set[tuple[int, int]]:
    """(member id, organisation id) with a declared conflict."""
    return {(d.member_id, d.organisation_id) for d in declarations_of(session, commission) if d.conflict}


def excluded_pairs(session, commission, offers) -> set[tuple[int, int]]:
    """(member id, offer id): a conflict with the offer's lead or any partner excludes the member from it."""
    c = conflicts(session, commission)
    out = set()
    for o in offers:
        orgs = {o.organisation_id, *o.partner_ids}
        for m in commission.members:
            if any((m.id, org) in c for org in orgs):
                out.add((m.id, o.id))
    return out
