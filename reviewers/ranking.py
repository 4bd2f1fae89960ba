"""Offer scores and the ranking (R-SCORE, R-COM-EXPERT, R-EVAL-SINGLE): plain values in, exact
fractions out.

An offer's score is the sum over criteria of the mean over the voting members who were not
excluded from it (R-COM-IMPARTIAL) and who scored it. Experts' scores (advisory vote) are shown
beside, never counted. Ties are broken, in this order, by: the higher mean on the first criterion,
then on the second, and so on in the contest's order of criteria; then the earlier submission;
then the lower offer id (documented and deterministic)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Decimal, Inexact, localcontext
from fractions import Fraction
from math import lcm
from operator import add


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
        return display(self.score)

    @property
    def advisory_display(self) -> Decimal | None:
        """The experts' score (R-COM-EXPERT), shown like the score: two decimals, half up."""
        return None if self.advisory is None else display(self.advisory)


def display(value: Fraction) -> Decimal:
    """A fraction rounded half up to two decimals, exactly (no float on the way)."""
    q, r = divmod(value.numerator * 100, value.denominator)
    if 2 * r >= value.denominator:
        q += 1
    return (Decimal(q) / 100).quantize(Decimal("0.01"))


def _exact(value) -> Fraction:
    """Any score as an exact fraction (a float by its shortest decimal spelling, as before)."""
    if isinstance(value, (int, Decimal, Fraction)):
        return Fraction(value)
    return Fraction(str(value))


def _sums(criteria: list[str], cards: list[Card], voting: set[int], excluded: set[tuple[int, int]],
          convert=None) -> tuple[dict[int, list], dict[int, list]]:
    """offer id -> [sum on each criterion ..., number of cards], for voting and for advisory cards,
    in one pass over the cards. Scores are added as they come (Decimal and int, exactly: the caller
    sets a context with enough digits for any sum) or, with `convert`, as fractions."""
    k = len(criteria)
    votes: dict[int, list] = {}
    advisory: dict[int, list] = {}
    zeros = (0,) * k
    for card in cards:
        mid, oid = card.member_id, card.offer_id
        if (mid, oid) in excluded:
            continue  # an excluded member's card never counts (and should not exist)
        acc = votes if mid in voting else advisory
        scores = map(card.scores.get, criteria, zeros)
        if convert is not None:
            scores = map(convert, scores)
        a = acc.get(oid)
        if a is None:
            acc[oid] = [*scores, 1]
        else:
            a[:k] = map(add, a, scores)
            a[k] += 1
    return votes, advisory


class Means(Mapping):
    """criterion code -> the voters' mean on it, an exact Fraction made when read (a ranking of
    thousands of offers compares integers and builds no fraction it does not show)."""

    __slots__ = ("_index", "_ratios")

    def __init__(self, index: dict[str, int], ratios: list[tuple[int, int]]):
        self._index, self._ratios = index, ratios  # (numerator, denominator) per criterion

    def __getitem__(self, code: str) -> Fraction:
        p, q = self._ratios[self._index[code]]
        return Fraction(p, q)

    def __iter__(self):
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def __repr__(self) -> str:
        return repr(dict(self))


def rank(offers: list[OfferIn], criteria: list[str], cards: list[Card], voting: set[int],
         excluded: set[tuple[int, int]], threshold: Decimal | None) -> list[Ranked]:
    """`voting`: member ids with a vote; `excluded`: (member id, offer id) pairs (declared conflicts).

    One pass over the cards sums each offer's scores per criterion (Decimals add exactly in a
    context wide enough for any sum; anything else is summed as fractions), then `rank_sums`."""
    with localcontext() as ctx:
        ctx.prec, ctx.Emax, ctx.Emin = MAX_PREC, MAX_EMAX, MIN_EMIN  # additions never round
        ctx.traps[Inexact] = True
        try:
            votes, advisory = _sums(criteria, cards, voting, excluded)
            if any(isinstance(x, float) for acc in (votes, advisory) for a in acc.values() for x in a):
                raise TypeError("float scores are summed as fractions")
        except (TypeError, Inexact):
            votes, advisory = _sums(criteria, cards, voting, excluded, _exact)
    return rank_sums(offers, criteria, votes, advisory, threshold)


def rank_sums(offers: list[OfferIn], criteria: list[str], votes: dict[int, list], advisory: dict[int, list],
              threshold: Decimal | None) -> list[Ranked]:
    """The ranking from each offer's sums: offer id -> [sum on each criterion ..., number of cards],
    for the voting members' cards (excluded ones left out) and for the advisory ones; the sums exact
    (int, Decimal or Fraction), however they were added up (in Python, or in the database).

    Every voter's card counts on every criterion (a missing score as 0), so each mean is the
    criterion's sum over the number of voters and the score, the sum of the means, is the sum of all
    the offer's scores over it: exact ratios of integers. The order compares those ratios brought to
    one common denominator, as integers."""
    k = len(criteria)
    index = {c: i for i, c in enumerate(criteria)}
    with localcontext() as ctx:
        ctx.prec, ctx.Emax, ctx.Emin = MAX_PREC, MAX_EMAX, MIN_EMIN  # additions never round
        ctx.traps[Inexact] = True
        out: list[Ranked] = []
        ratios: dict[int, list[tuple[int, int]]] = {}  # offer id -> (p, q) of the score, then of each mean
        limit = _exact(threshold) if threshold is not None else None
        nothing = [(0, 1)] * (k + 1)
        for o in offers:
            a = votes.get(o.id)
            if a is None:
                n, r = 0, nothing
            else:
                n = a[k]
                r = [(p, q * n) for p, q in (x.as_integer_ratio() for x in (sum(a[:k]), *a[:k]))]
            ratios[o.id] = r
            total = Fraction(*r[0])
            b = advisory.get(o.id)
            adv = None
            if b is not None:
                p, q = sum(b[:k]).as_integer_ratio()
                adv = Fraction(p, q * b[k])
            out.append(Ranked(offer_id=o.id, score=total, by_criterion=Means(index, r[1:]), voters=n, advisory=adv,
                              passed=n > 0 and (limit is None or total >= limit)))
    common = lcm(*{q for r in ratios.values() for _p, q in r}) if ratios else 1
    key = {oid: tuple(p * (common // q) for p, q in r) for oid, r in ratios.items()}
    submitted = {o.id: o.submitted_at for o in offers}
    # the documented order: score, then each criterion's mean (higher first), then the earlier
    # submission, then the lower id: two stable sorts
    out.sort(key=lambda r: (submitted[r.offer_id], r.offer_id))
    out.sort(key=lambda r: key[r.offer_id], reverse=True)
    for i, r in enumerate(out, start=1):
        r.rank = i
        if i > 1 and out[i - 2].score == r.score:
            r.tie_note = "tie broken by criteria order, then submission time"
    return out
