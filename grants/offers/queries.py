"""Read-only queries other areas use (no data changes here)."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import Offer


def count_in_states(session: Session, contest_id: int, states: tuple[str, ...]) -> int:
    return session.scalar(select(func.count()).select_from(Offer)
                          .where(Offer.contest_id == contest_id, Offer.state.in_(states))) or 0


def counts_by_state(session: Session, contest_id: int) -> dict[str, int]:
    rows = session.execute(select(Offer.state, func.count()).where(Offer.contest_id == contest_id)
                           .group_by(Offer.state))
    return {state: n for state, n in rows}


def counts_outside_states(session: Session, contest_ids: Iterable[int], states: tuple[str, ...]) -> dict[int, int]:
    """Per contest, how many of its offers are in none of `states`: one query for a whole list
    (contests with no such offer are absent)."""
    ids = list(contest_ids)
    if not ids:
        return {}
    rows = session.execute(select(Offer.contest_id, func.count())
                           .where(Offer.contest_id.in_(ids), Offer.state.not_in(states))
                           .group_by(Offer.contest_id))
    return {cid: n for cid, n in rows}
