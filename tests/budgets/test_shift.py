"""R-AGR-SHIFT on budgets/shift.py: a grant-funded cost line may exceed its planned value by at most
the allowed percentage; the excess over planned × (100 + %) / 100 (half up to the grosz) is ineligible."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgets.shift import LineSpending, ShiftError, compare, limit, problems

D = Decimal


def money(g: int) -> Decimal:
    return D(g).scaleb(-2)


@pytest.mark.parametrize("planned, pct, actual, lim, excess", [
    # 10 000 × 1.10 = 11 000; 11 500 − 11 000 = 500
    ("10000.00", 10, "11500.00", "11000.00", "500.00"),
    ("10000.00", 10, "11000.00", "11000.00", "0.00"),  # exactly at the limit: eligible
    ("10000.00", 10, "11000.01", "11000.00", "0.01"),  # one grosz over
    ("10000.00", 10, "9000.00", "11000.00", "0.00"),  # under plan: not an excess
    ("10000.00", 0, "10000.01", "10000.00", "0.01"),  # no shift allowed
    # 333.33 × 1.15 = 383.3295 → 383.33 (half up); 400 − 383.33 = 16.67
    ("333.33", 15, "400.00", "383.33", "16.67"),
    # 0.03 × 1.5 = 0.045 → 0.05 (half up)
    ("0.03", 50, "0.06", "0.05", "0.01"),
    ("0.00", 20, "150.00", "0.00", "150.00"),  # a line not planned: all ineligible without an annex
    ("1000.00", D("12.5"), "1200.00", "1125.00", "75.00"),
])
def test_r_agr_shift_known_lines(planned, pct, actual, lim, excess):
    r = compare([LineSpending("I.1", D(planned), D(actual))], pct)
    (line,) = r.lines
    assert (line.limit, line.excess) == (D(lim), D(excess))
    assert line.eligible == D(actual) - D(excess)
    assert limit(D(planned), D(pct)) == D(lim)


def test_r_agr_shift_totals_and_the_line_over():
    r = compare([LineSpending("I.1", D("10000"), D("11500")), LineSpending("I.2", D("5000"), D("4000")),
                 LineSpending("II.1", D("2000"), D("2200"))], D("10"))
    # I.1: 11 500 − 11 000 = 500; I.2 under plan; II.1: exactly 2 000 × 1.1 = 2 200
    assert (r.planned, r.actual, r.excess, r.eligible) == (D("17000.00"), D("17700.00"), D("500.00"), D("17200.00"))
    assert [x.key for x in r.over] == ["I.1"]
    (p,) = problems([LineSpending("I.1", D("10000"), D("11500")), LineSpending("I.2", D("5000"), D("4000"))], 10)
    assert p.field == "I.1" and p.rule == "R-AGR-SHIFT"
    assert str(p.message) == ("Pozycja I.1: wydano 11\u00a0500,00 zł, plan 10\u00a0000,00 zł, limit z przesunięciem "
                              "11\u00a0000,00 zł; nadwyżka 500,00 zł niekwalifikowalna.")


@pytest.mark.parametrize("lines, pct", [
    ([LineSpending("I.1", D("-1"), D("0"))], 10),
    ([LineSpending("I.1", D("1"), D("-0.01"))], 10),
    ([LineSpending("I.1", D("1.001"), D("1"))], 10),
    ([LineSpending("I.1", 100.0, D("1"))], 10),
    ([LineSpending("I.1", D("1"), D("NaN"))], 10),
    ([LineSpending("I.1", D("1"), D("1")), LineSpending("I.1", D("2"), D("2"))], 10),  # duplicate key
    ([LineSpending("I.1", D("1"), D("1"))], -1),
    ([LineSpending("I.1", D("1"), D("1"))], 10.0),
    ([LineSpending("I.1", D("1"), D("1"))], True),
])
def test_r_agr_shift_bad_input_refused(lines, pct):
    with pytest.raises(ShiftError):
        compare(lines, pct)


line_values = st.tuples(st.integers(min_value=0, max_value=10**10), st.integers(min_value=0, max_value=10**10))
percents = st.integers(min_value=0, max_value=10_000).map(lambda h: D(h).scaleb(-2))  # 0.00 .. 100.00 %


@settings(max_examples=400, deadline=None)
@given(st.lists(line_values, max_size=10), percents)
def test_r_agr_shift_excess_matches_an_independent_computation(values, pct):
    lines = [LineSpending(f"L{i}", money(p), money(a)) for i, (p, a) in enumerate(values)]
    r = compare(lines, pct)
    total_excess = 0
    for (p, a), x in zip(values, r.lines):
        exact_limit = Fraction(p) * (100 + Fraction(pct)) / 100  # grosze
        lim = int(exact_limit + Fraction(1, 2))  # half up
        excess = max(0, a - lim)
        assert int(x.limit * 100) == lim and int(x.excess * 100) == excess
        assert x.eligible + x.excess == x.actual
        assert x.eligible <= x.actual and x.eligible <= x.limit
        total_excess += excess
    assert int(r.excess * 100) == total_excess
    assert r.eligible + r.excess == r.actual


@settings(max_examples=200, deadline=None)
@given(line_values, percents, percents)
def test_r_agr_shift_a_larger_allowance_never_increases_the_excess(v, p1, p2):
    lo, hi = sorted([p1, p2])
    line = [LineSpending("L", money(v[0]), money(v[1]))]
    assert compare(line, hi).excess <= compare(line, lo).excess
    # spending within plan is never an excess, at any allowance
    assert compare([LineSpending("L", money(max(v)), money(min(v)))], lo).excess == 0
