"""A contest's published results (R-RESULTS): organisation, task, amount; funded and not funded. Read
by the contest's page and GET /api/v1/contests/{id}/results, both public once published."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from grants.offers.models import Offer

from .models import Contest

DECIDED = ("selected", "not_selected", "update_required", "ready_for_agreement", "declined")


def published(contest: Contest) -> bool:
    return contest.results_published_at is not None


def results(session: Session, contest: Contest) -> list[Offer]:
    """The decided offers, funded first (largest award first), none before the results are published."""
    if not published(contest):
        return []
    return list(session.scalars(
        select(Offer).where(Offer.contest_id == contest.id, Offer.state.in_(DECIDED))
        .options(selectinload(Offer.organisation))
        .order_by(Offer.awarded_grant.desc().nulls_last(), Offer.id)))
