"""R-ALLOC on the pure allocation (budgets/allocation.py): the default proposal walks the ranking of
passing offers with what is left of the budget (min(requested, left) if at least the minimum grant,
else nothing) and the officer's edits stay within [minimum grant, requested] and the budget.
Checked with hypothesis against an independent walk in whole grosze."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgets.allocation import Candidate, default_proposal, edit_problems


@pytest.fixture(autouse=True)
def _clean_database():
    """Pure functions, no rows written: skip the conftest's per-test database wipe."""
    yield


D = Decimal


def money(g: int) -> Decimal:
    return D(g).scaleb(-2)


def grosze(d: Decimal) -> int:
    assert d == d.quantize(D("0.01")), d
    return int(d * 100)


@st.composite
def allocations(draw):
    n = draw(st.integers(min_value=0, max_value=12))
    ids = draw(st.lists(st.integers(1, 10**6), min_size=n, max_size=n, unique=True))
    requested = [draw(st.integers(1, 5_000_000)) for _ in ids]  # up to 50 000 PLN
    passed = [draw(st.booleans()) for _ in ids]
    budget = draw(st.integers(0, 20_000_000))
    minimum = draw(st.none() | st.integers(0, 1_000_000))
    cands = [Candidate(i, money(r), p) for i, r, p in zip(ids, requested, passed)]
    return cands, money(budget), None if minimum is None else money(minimum)


def test_r_alloc_walks_ranking_with_what_is_left():
    cands = [Candidate(1, D("40000.00"), True), Candidate(2, D("30000.00"), True),
             Candidate(3, D("20000.00"), True), Candidate(4, D("3000.00"), True), Candidate(5, D("9000.00"), False)]
    # 40 000 + 30 000 leave 8 000: offer 3 would get 8 000 ≥ 5 000 minimum; then nothing is left
    assert default_proposal(cands, D("78000.00"), D("5000.00")) == {
        1: D("40000.00"), 2: D("30000.00"), 3: D("8000.00"), 4: D("0.00"), 5: D("0.00")}
    # 4 000 left for offer 3 is below the minimum: nothing; offer 4 then gets its 3 000? no: below minimum too
    assert default_proposal(cands, D("74000.00"), D("5000.00")) == {
        1: D("40000.00"), 2: D("30000.00"), 3: D("0.00"), 4: D("0.00"), 5: D("0.00")}
    # without a minimum the remainder goes down the ranking
    assert default_proposal(cands, D("74000.00"), None) == {
        1: D("40000.00"), 2: D("30000.00"), 3: D("4000.00"), 4: D("0.00"), 5: D("0.00")}


def test_r_alloc_skipped_offer_leaves_money_for_the_next():
    cands = [Candidate(1, D("10000.00"), True), Candidate(2, D("9000.00"), True), Candidate(3, D("6000.00"), True)]
    # 10 000 to the first, 7 000 left: second gets 7 000 (≥ 5 000); nothing left for the third
    assert default_proposal(cands, D("17000.00"), D("5000.00")) == {1: D("10000.00"), 2: D("7000.00"), 3: D("0.00")}
    # a smaller budget: the second gets 4 000 < minimum → nothing, the third too
    assert default_proposal(cands, D("14000.00"), D("5000.00")) == {1: D("10000.00"), 2: D("0.00"), 3: D("0.00")}


def test_r_alloc_below_threshold_never_funded_even_with_money_left():
    cands = [Candidate(1, D("1000.00"), False), Candidate(2, D("1000.00"), True)]
    assert default_proposal(cands, D("1000000.00"), None) == {1: D("0.00"), 2: D("1000.00")}


@settings(max_examples=400, deadline=None)
@given(allocations())
def test_r_alloc_default_proposal_properties(a):
    cands, budget, minimum = a
    out = default_proposal(cands, budget, minimum)
    assert list(out) == [c.offer_id for c in cands]
    amounts = [out[c.offer_id] for c in cands]
    assert sum(amounts, D(0)) <= budget  # never exceeds the budget
    mn = minimum or D(0)
    left = grosze(budget)
    for c, amount in zip(cands, amounts):
        g = grosze(amount)
        if not c.passed:
            assert g == 0  # nobody below the threshold is funded
            continue
        assert g == 0 or grosze(mn) <= g <= grosze(c.requested)
        # the walk, independently in whole grosze
        candidate = min(grosze(c.requested), left)
        expected = candidate if candidate >= grosze(mn) and candidate > 0 else 0
        assert g == expected, (c, amount, left)
        left -= g
    # order: an offer below a passing offer that got less than it asked never gets more than what was left
    for i, c in enumerate(cands):
        if c.passed and 0 < grosze(out[c.offer_id]) < grosze(c.requested):
            assert all(grosze(out[x.offer_id]) == 0 for x in cands[i + 1:])  # the budget ran out here
    # the proposal is an acceptable edit
    assert edit_problems(out, {c.offer_id: c for c in cands}, budget, minimum) == []


@settings(max_examples=400, deadline=None)
@given(allocations(), st.data())
def test_r_alloc_edit_problems_match_the_rule(a, data):
    cands, budget, minimum = a
    by_id = {c.offer_id: c for c in cands}
    mn = minimum or D(0)
    edits = {}
    for c in cands:
        if data.draw(st.booleans()):
            edits[c.offer_id] = money(data.draw(st.integers(-100, grosze(c.requested) + 100)))
    problems = edit_problems(edits, by_id, budget, minimum)
    bad = {oid for oid, amount in edits.items()
           if amount < 0 or (amount > 0 and (not by_id[oid].passed or not mn <= amount <= by_id[oid].requested))}
    assert {oid for oid, _ in problems if oid is not None} == bad
    over = sum(edits.values(), D(0)) > budget
    assert (None in {oid for oid, _ in problems}) == over


def test_r_alloc_edit_refuses_above_requested_below_minimum_over_budget_unknown():
    cands = {1: Candidate(1, D("10000.00"), True), 2: Candidate(2, D("8000.00"), True),
             3: Candidate(3, D("8000.00"), False)}
    ok = {1: D("10000.00"), 2: D("5000.00"), 3: D("0.00")}
    assert edit_problems(ok, cands, D("15000.00"), D("5000.00")) == []
    assert [oid for oid, _ in edit_problems({1: D("10000.01")}, cands, D("99999"), D("5000.00"))] == [1]
    assert [oid for oid, _ in edit_problems({2: D("4999.99")}, cands, D("99999"), D("5000.00"))] == [2]
    assert [oid for oid, _ in edit_problems({3: D("5000.00")}, cands, D("99999"), D("5000.00"))] == [3]
    assert [oid for oid, _ in edit_problems({9: D("5000.00")}, cands, D("99999"), D("5000.00"))] == [9]
    assert [oid for oid, _ in edit_problems({1: D("-1.00")}, cands, D("99999"), D("5000.00"))] == [1]
    assert [oid for oid, _ in edit_problems({1: D("10000.00"), 2: D("5000.01")}, cands, D("15000.00"),
                                            D("5000.00"))] == [None]
