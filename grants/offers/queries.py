"""Read-only queries other areas use (no data changes here)."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session


def count_in_states(session: Session, contest_id: int, states: tuple[str, ...]) -> int:
    from .models import Offer
    return session.scalar(select(func.count()).select_from(Offer)
                          .where(Offer.contest_id == contest_id, Offer.state.in_(states))) or 0


def counts_by_state(session: Session, contest_id: int) -> dict[str, int]:
    from .models import Offer
    rows = session.execute(select(Offer.state, func.count()).where(Offer.contest_id == contest_id)
                           .group_by(Offer.state))
    return {state: n for state, n in rows}
