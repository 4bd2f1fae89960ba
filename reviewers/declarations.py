"""Impartiality declarations (R-COM-IMPARTIAL): each active member towards each organisation,
answered from the session's `Board` (reviewers.scoring)."""
from __future__ import annotations

from .impartiality import excluded_from
from .models import Declaration
from .scoring import Board


def organisations_to_declare(session, commission) -> list[int]:
    """The organisations taking part (lead or partner of a submitted offer), each member declares towards."""
    return list(Board.of(session, commission).organisations)


def declarations_of(session, commission) -> list[Declaration]:
    return list(Board.of(session, commission).declarations)


def missing_declarations(session, commission) -> list[tuple[int, int]]:
    """(member id, organisation id) pairs still to declare, for active members."""
    return list(Board.of(session, commission).missing_declarations)


def conflicts(session, commission) -> set[tuple[int, int]]:
    """(member id, organisation id) with a declared conflict."""
    return set(Board.of(session, commission).conflicts)


def excluded_pairs(session, commission, offers) -> set[tuple[int, int]]:
    """(member id, offer id): a conflict with the offer's lead or any partner excludes the member from it."""
    board = Board.of(session, commission)
    if offers is board.offers:
        return set(board.excluded)
    return excluded_from(commission.members, offers, board.conflicts)
