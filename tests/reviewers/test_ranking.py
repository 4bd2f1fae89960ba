"""R-SCORE, R-COM-EXPERT, R-COM-IMPARTIAL (scores), R-EVAL-SINGLE on the pure ranking
(reviewers/ranking.py): exact fractions, two-decimal display, the pass threshold and the documented
tie rule; hypothesis checks it against an independent recomputation."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewers.ranking import Card, OfferIn, rank


@pytest.fixture(autouse=True)
def _clean_database():
    """Pure functions, no rows written: skip the conftest's per-test database wipe."""
    yield


D = Decimal
T0 = datetime(2027, 3, 1, 9, 0, tzinfo=timezone.utc)
CRIT = ["capacity", "costs", "quality"]


def card(member, offer, *points):
    return Card(member, offer, {c: D(str(p)) for c, p in zip(CRIT, points)})


def offers(*ids):
    return [OfferIn(i, T0 + timedelta(minutes=i)) for i in ids]


def test_r_score_mean_of_voting_members_summed():
    cards = [card(1, 10, 7, 8, 9), card(2, 10, 8, 8, 10), card(3, 10, 8, 9, 10)]
    (r,) = rank(offers(10), CRIT, cards, voting={1, 2, 3}, excluded=set(), threshold=None)
    assert r.by_criterion == {"capacity": Fraction(23, 3), "costs": Fraction(25, 3), "quality": Fraction(29, 3)}
    assert r.score == Fraction(77, 3)  # exact, not 25.67
    assert r.score_display == D("25.67")
    assert r.voters == 3


def test_r_score_display_two_decimals_half_up():
    # 1/8 per criterion summed: 0.125 → 0.13 (half up), never 0.12
    cards = [card(m, 1, 1 if m == 1 else 0, 0, 0) for m in range(1, 9)]
    (r,) = rank(offers(1), CRIT, cards, voting=set(range(1, 9)), excluded=set(), threshold=None)
    assert r.score == Fraction(1, 8)
    assert r.score_display == D("0.13")


def test_r_score_threshold_compared_exactly_not_by_display():
    # 20/3 = 6.666… is shown as 6.67 but is below a threshold of 6.67: not passed
    cards = [card(1, 1, 2, 2, 2), card(2, 1, 2, 2, 3), card(3, 1, 2, 2, 3)]
    (r,) = rank(offers(1), CRIT, cards, voting={1, 2, 3}, excluded=set(), threshold=D("6.67"))
    assert r.score_display == D("6.67")
    assert r.passed is False
    (r,) = rank(offers(1), CRIT, cards, voting={1, 2, 3}, excluded=set(), threshold=D("6.66"))
    assert r.passed is True


def test_r_score_threshold_exactly_reached_passes_one_half_point_less_fails():
    at = [card(1, 1, 10, 5, 5), card(2, 1, 10, 5, 5)]
    below = [card(1, 2, 10, 5, 5), card(2, 2, 10, 5, D("4.5"))]
    ranked = {r.offer_id: r for r in rank(offers(1, 2), CRIT, at + below, {1, 2}, set(), D("20"))}
    assert ranked[1].score == 20 and ranked[1].passed
    assert ranked[2].score == Fraction(79, 4) and not ranked[2].passed


def test_r_score_offer_without_votes_does_not_pass():
    (r,) = rank(offers(1), CRIT, [], voting={1}, excluded=set(), threshold=D("0"))
    assert r.voters == 0 and r.passed is False


def test_r_score_tie_broken_by_first_criterion_then_next():
    # all total 24; offer 3 has the highest first criterion, 1 and 2 tie on it and 2 wins on the second
    cards = [card(1, 1, 8, 7, 9), card(1, 2, 8, 9, 7), card(1, 3, 9, 5, 10)]
    ranked = rank(offers(1, 2, 3), CRIT, cards, {1}, set(), None)
    assert [r.offer_id for r in ranked] == [3, 2, 1]
    assert [r.rank for r in ranked] == [1, 2, 3]
    assert all(r.score == 24 for r in ranked)
    assert ranked[1].tie_note and ranked[2].tie_note and not ranked[0].tie_note


def test_r_score_tie_broken_by_earlier_submission_then_lower_id():
    same = (8, 8, 8)
    cards = [card(1, o, *same) for o in (5, 6, 7)]
    subs = [OfferIn(5, T0 + timedelta(hours=2)), OfferIn(6, T0), OfferIn(7, T0)]
    ranked = rank(subs, CRIT, cards, {1}, set(), None)
    assert [r.offer_id for r in ranked] == [6, 7, 5]  # 6 and 7 at the same instant: lower id first


def test_r_com_expert_scores_shown_not_counted():
    cards = [card(1, 1, 5, 5, 5), card(2, 1, 5, 5, 5), card(9, 1, 10, 10, 10),
             card(1, 2, 6, 5, 5), card(2, 2, 6, 5, 5), card(9, 2, 0, 0, 0)]
    ranked = rank(offers(1, 2), CRIT, cards, voting={1, 2}, excluded=set(), threshold=None)
    assert [r.offer_id for r in ranked] == [2, 1]
    r1 = next(r for r in ranked if r.offer_id == 1)
    assert r1.score == 15 and r1.advisory == 30 and r1.voters == 2


def test_r_com_impartial_excluded_members_card_never_counts():
    cards = [card(1, 1, 5, 5, 5), card(2, 1, 10, 10, 10)]
    (r,) = rank(offers(1), CRIT, cards, voting={1, 2}, excluded={(2, 1)}, threshold=None)
    assert r.score == 15 and r.voters == 1


def test_r_eval_single_offer_ranked_with_threshold():
    (r,) = rank(offers(4), CRIT, [card(1, 4, 3, 3, 3), card(2, 4, 4, 4, 4)], {1, 2}, set(), D("20"))
    assert r.rank == 1 and r.score == Fraction(21, 2) and r.passed is False


# ---------------------------------------------------------------- properties

half_points = st.integers(min_value=0, max_value=20).map(lambda h: D(h) / 2)


@st.composite
def panels(draw):
    n_offers = draw(st.integers(min_value=1, max_value=8))
    ids = draw(st.lists(st.integers(min_value=1, max_value=10_000), min_size=n_offers, max_size=n_offers, unique=True))
    # few distinct instants, so ties on the submission time happen
    subs = [OfferIn(i, T0 + timedelta(minutes=draw(st.integers(0, 3)))) for i in ids]
    crit = draw(st.sampled_from([CRIT[:1], CRIT[:2], CRIT]))
    members = list(range(1, draw(st.integers(min_value=1, max_value=6)) + 1))
    voting = set(draw(st.lists(st.sampled_from(members), unique=True)))
    cards = []
    for m in members:
        for o in ids:
            if draw(st.booleans()) or draw(st.booleans()):
                cards.append(Card(m, o, {c: draw(half_points) for c in crit}))
    excluded = set(draw(st.lists(st.tuples(st.sampled_from(members), st.sampled_from(ids)), max_size=6)))
    threshold = draw(st.none() | half_points.map(lambda x: x * 2))
    return subs, crit, cards, voting, excluded, threshold


def oracle_score(offer_id, crit, cards, voting, excluded) -> tuple[Fraction, int]:
    """Independent: the mean of the counted cards' sums (the sum of means, by linearity)."""
    counted = [c for c in cards if c.offer_id == offer_id and c.member_id in voting
               and (c.member_id, offer_id) not in excluded]
    if not counted:
        return Fraction(0), 0
    return sum(Fraction(sum(c.scores[k] for k in crit)) for c in counted) / len(counted), len(counted)


@settings(max_examples=300, deadline=None)
@given(panels())
def test_r_score_ranking_is_sorted_permutation_matching_recomputation(p):
    subs, crit, cards, voting, excluded, threshold = p
    ranked = rank(subs, crit, cards, voting, excluded, threshold)
    assert sorted(r.offer_id for r in ranked) == sorted(o.id for o in subs)
    assert [r.rank for r in ranked] == list(range(1, len(subs) + 1))
    for r in ranked:
        score, n = oracle_score(r.offer_id, crit, cards, voting, excluded)
        assert r.score == score and r.voters == n
        assert r.passed == (n > 0 and (threshold is None or score >= Fraction(str(threshold))))
        assert abs(Fraction(str(r.score_display)) - score) <= Fraction(1, 200)
    when = {o.id: o.submitted_at for o in subs}
    for a, b in zip(ranked, ranked[1:]):
        assert a.score >= b.score
        if a.score == b.score:
            ka = [a.by_criterion[c] for c in crit]
            kb = [b.by_criterion[c] for c in crit]
            assert ka >= kb
            if ka == kb:
                assert (when[a.offer_id], a.offer_id) < (when[b.offer_id], b.offer_id)


@settings(max_examples=200, deadline=None)
@given(panels(), st.randoms(use_true_random=False))
def test_r_score_deterministic_under_shuffled_input(p, rnd):
    subs, crit, cards, voting, excluded, threshold = p
    first = rank(subs, crit, cards, voting, excluded, threshold)
    subs2, cards2 = subs[:], cards[:]
    rnd.shuffle(subs2)
    rnd.shuffle(cards2)
    again = rank(subs2, crit, cards2, voting, excluded, threshold)
    assert [(r.offer_id, r.score, r.passed) for r in first] == [(r.offer_id, r.score, r.passed) for r in again]


@settings(max_examples=200, deadline=None)
@given(panels(), st.data())
def test_r_com_impartial_excluded_cards_never_change_a_score(p, data):
    subs, crit, cards, voting, excluded, threshold = p
    base = rank(subs, crit, cards, voting, excluded, threshold)
    # the excluded members' cards rewritten at random, or dropped, or added where missing
    kept = [c for c in cards if (c.member_id, c.offer_id) not in excluded]
    forged = [Card(m, o, {c: data.draw(half_points) for c in crit}) for m, o in sorted(excluded)
              if data.draw(st.booleans())]
    other = rank(subs, crit, kept + forged, voting, excluded, threshold)
    assert [(r.offer_id, r.score, r.passed, r.rank) for r in base] == \
           [(r.offer_id, r.score, r.passed, r.rank) for r in other]


@settings(max_examples=200, deadline=None)
@given(panels(), st.data())
def test_r_com_expert_advisory_cards_never_change_the_ranking(p, data):
    subs, crit, cards, voting, excluded, threshold = p
    base = rank(subs, crit, cards, voting, excluded, threshold)
    advisory = [c for c in cards if c.member_id not in voting]
    rewritten = [Card(c.member_id, c.offer_id, {k: data.draw(half_points) for k in crit}) for c in advisory]
    counted = [c for c in cards if c.member_id in voting]
    other = rank(subs, crit, counted + rewritten, voting, excluded, threshold)
    assert [(r.offer_id, r.score, r.passed) for r in base] == [(r.offer_id, r.score, r.passed) for r in other]


@settings(max_examples=300, deadline=None)
@given(st.fractions(min_value=0, max_value=1000, max_denominator=10_000))
def test_r_score_display_is_exact_half_up(f):
    from reviewers.ranking import display
    shown = display(f)
    assert shown == shown.quantize(D("0.01"))
    # half up, decided exactly: f − 0.005 < shown ≤ f + 0.005 (never via float)
    assert Fraction(str(shown)) - Fraction(1, 200) <= f < Fraction(str(shown)) + Fraction(1, 200)


def test_r_com_expert_advisory_shown_with_two_decimals():
    cards = [card(1, 1, 5, 5, 5), card(9, 1, 1, 1, 1), card(8, 1, 1, 1, D("1.5"))]
    (r,) = rank(offers(1), CRIT, cards, voting={1}, excluded=set(), threshold=None)
    assert r.advisory == Fraction(13, 4) and r.advisory_display == D("3.25")
    assert r.score_display == D("15.00")
