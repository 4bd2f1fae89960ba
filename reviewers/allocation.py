"""The default proposal of amounts from the ranking (R-ALLOC), filled in when scoring closes
(an effect of the commission's declaration; the officer then edits it through
grants.commissions.operations.set_amounts)."""
from __future__ import annotations

from decimal import Decimal

from budgets.allocation import Candidate, default_proposal

from .scoring import Board


def proposal(session, commission, board: Board | None = None) -> dict[int, Decimal]:
    """R-ALLOC default proposal from the current ranking."""
    board = board or Board.of(session, commission)
    requested = board.scored().requested
    cands = [Candidate(r.offer_id, requested[r.offer_id], r.passed) for r in board.ranking]
    c = commission.contest
    return default_proposal(cands, c.budget or Decimal(0), c.min_grant)


def fill_proposal(session, commission) -> None:
    """At the close of scoring the default proposal (R-ALLOC) is filled in for the officer to review."""
    board = Board.of(session, commission)
    for oid, amount in proposal(session, commission, board).items():
        board.offers_by_id[oid].proposed_grant = amount
