"""Score cards (R-SCORE): which cards are required, and the ranking from submitted cards."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from .declarations import excluded_pairs
from .models import ScoreCard
from .ranking import Card, OfferIn, Ranked, rank

SCORED_STATES = ("eligible", "selected", "not_selected", "update_required", "ready_for_agreement", "declined")


def offers_to_score(session, commission):
    from grants.offers.models import Offer
    return list(session.scalars(select(Offer).where(Offer.contest_id == commission.contest_id,
                                                    Offer.state.in_(SCORED_STATES)).order_by(Offer.id)))


def cards_of(session, commission) -> list[ScoreCard]:
    return list(session.scalars(select(ScoreCard).where(ScoreCard.commission_id == commission.id)))


def missing_cards(session, commission) -> list[tuple[int, int]]:
    """(member id, offer id) for every voting member and offer they are not excluded from, without a submitted card."""
    offers = offers_to_score(session, commission)
    excluded = excluded_pairs(session, commission, offers)
    submitted = {(c.member_id, c.offer_id) for c in cards_of(session, commission) if c.state == "submitted"}
    return [(m.id, o.id) for m in commission.members if m.voting for o in offers
            if (m.id, o.id) not in excluded and (m.id, o.id) not in submitted]


def criteria_codes(contest) -> list[str]:
    return [c["code"] for c in contest.criteria or []]


def ranking(session, commission) -> list[Ranked]:
    """R-SCORE over submitted cards; excluded members' cards never count."""
    offers = offers_to_score(session, commission)
    excluded = excluded_pairs(session, commission, offers)
    cards = [Card(c.member_id, c.offer_id, {k: Decimal(v) for k, v in (c.scores or {}).items()})
             for c in cards_of(session, commission) if c.state == "submitted"]
    voting = {m.id for m in commission.members if m.voting}
    return rank([OfferIn(o.id, o.submitted_at) for o in offers], criteria_codes(commission.contest), cards,
                voting, excluded, commission.contest.pass_threshold)
