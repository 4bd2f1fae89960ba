"""A contest becomes concluded when every agreement from it is closed or terminated with its settlement
closed (DOMAIN.md §4)."""
from __future__ import annotations

from sqlalchemy import func, select

from grants.agreements.models import Agreement
from grants.calltypes import get
from grants.contests.models import Contest
from grants.offers.models import Offer
from grants.settlements.models import Settlement
from grants.workflows.base import SYSTEM, apply_transition


def unsettled(session, contest_id: int) -> int | None:
    """How many agreements still run, or awards still wait for one; None when the contest has no agreement yet."""
    rows = session.execute(select(Agreement.state, Settlement.state).outerjoin(
        Settlement, Settlement.agreement_id == Agreement.id).where(Agreement.contest_id == contest_id)).all()
    if not rows:
        contest = session.get(Contest, contest_id)
        if contest is not None and not get(contest.call_type).takes_offers:
            return 0  # a concept call awards nothing: decided, it has no agreement to wait for
        return None
    # an award still waiting for its agreement (selected, being updated, ready) keeps the contest open
    waiting = session.scalar(select(func.count()).select_from(Offer).where(
        Offer.contest_id == contest_id, Offer.state.in_(("selected", "update_required", "ready_for_agreement")),
        ~select(Agreement.id).where(Agreement.offer_id == Offer.id).exists()))
    return waiting + sum(1 for a, s in rows if not (a == "closed" or (a == "terminated" and s == "closed")))


def maybe_conclude(ctx, contest_id: int) -> None:
    ctx.session.flush()
    c = ctx.session.get(Contest, contest_id)
    if c is not None and c.state == "decided" and unsettled(ctx.session, contest_id) == 0:
        apply_transition(ctx.session, c, "conclude", SYSTEM, commit=False, received_at=ctx.now)
