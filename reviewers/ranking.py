"""Offer scores and the ranking (R-SCORE, R-COM-EXPERT, R-EVAL-SINGLE): plain values in, exact
fractions out.

An offer's score is the sum over criteria of the mean over the voting members who were not
excluded from it (R-COM-IMPARTIAL) and who scored it. Experts' scores (advisory vote) are shown
beside, never counted. Ties are broken, in this order, by: the higher mean on the first criterion,
then on the second, and so on in the contest's order of criteria; then the earlier submission;
then the lower offer id (documented and deterministic)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


@dataclass(frozen=True)
class OfferIn:
    id: int
    submitted_at: datetime


@dataclass(frozen=True)
class Card:
    member_id: int
    offer_id: int
    scores: dict  # criterion code -> Decimal


@dataclass
class Ranked:
    offer_id: int
    score: Fraction
    by_criterion: dict  # code -> Fraction (mean of the voting members)
    voters: int
    advisory: Fraction | None  # the experts' sum of means, shown beside
    passed: bool
    rank: int = 0
    tie_note: str = ""

    @property
    def score_display(self) -> Decimal:
        """Shown rounded to two decimals; compared exactly."""
        return (Decimal(self.score.numerator) / Decimal(self.score.denominator)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP)


def _means(cards: list[Card], criteria: list[str]) -> tuple[dict, int]:
    if not cards:
        return {c: Fraction(0) for c in criteria}, 0
    out = {}
    for code in criteria:
        out[code] = sum((Fraction(str(card.scores.get(code, 0))) for card in cards), Fraction(0)) / len(cards)
    return out, len(cards)


def rank(offers: list[OfferIn], criteria: list[str], cards: list[Card], voting: set[int],
         excluded: set[tuple[int, int]], threshold: Decimal | None) -> list[Ranked]:
    """`voting`: member ids with a vote; `excluded`: (member id, offer id) pairs (declared conflicts)."""
    by_offer: dict[int, list[Card]] = {}
    for card in cards:
        if (card.member_id, card.offer_id) in excluded:
            continue  # an excluded member's card never counts (and should not exist)
        by_offer.setdefault(card.offer_id, []).append(card)
    out: list[Ranked] = []
    limit = Fraction(str(threshold)) if threshold is not None else None
    for o in offers:
        mine = by_offer.get(o.id, [])
        votes = [c for c in mine if c.member_id in voting]
        advisory = [c for c in mine if c.member_id not in voting]
        means, n = _means(votes, criteria)
        total = sum(means.values(), Fraction(0))
        adv = sum(_means(advisory, criteria)[0].values(), Fraction(0)) if advisory else None
        out.append(Ranked(offer_id=o.id, score=total, by_criterion=means, voters=n, advisory=adv,
                          passed=n > 0 and (limit is None or total >= limit)))
    submitted = {o.id: o.submitted_at for o in offers}

    def key(r: Ranked):
        return (-r.score, *[-r.by_criterion[c] for c in criteria], submitted[r.offer_id], r.offer_id)

    out.sort(key=key)
    for i, r in enumerate(out, start=1):
        r.rank = i
        if i > 1 and out[i - 2].score == r.score:
            r.tie_note = "tie broken by criteria order, then submission time"
    return out
