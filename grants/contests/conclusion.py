"""A contest becomes concluded when every agreement from it is closed or terminated with its settlement
closed (DOMAIN.md §4)."""
from __future__ import annotations

from sqlalchemy import select


def unsettled(session, contest_id: int) -> int | None:
    """How many agreements still run; None when the contest has no agreement yet."""
    from grants.agreements.models import Agreement
    from grants.settlements.models import Settlement
    rows = session.execute(select(Agreement.state, Settlement.state).outerjoin(
        Settlement, Settlement.agreement_id == Agreement.id).where(Agreement.contest_id == contest_id)).all()
    if not rows:
        return None
    return sum(1 for a, s in rows if not (a == "closed" or (a == "terminated" and s == "closed")))


def maybe_conclude(ctx, contest_id: int) -> None:
    from grants.contests.models import Contest
    from grants.workflows.base import SYSTEM, apply_transition
    ctx.session.flush()
    c = ctx.session.get(Contest, contest_id)
    if c is not None and c.state == "decided" and unsettled(ctx.session, contest_id) == 0:
        apply_transition(ctx.session, c, "conclude", SYSTEM, commit=False, received_at=ctx.now)
