"""R-AGR-TRANCHES on budgets/tranches.py: schedules sum exactly to the grant, patterns split it
without losing a grosz (the last tranche takes the remainder), the paid total never exceeds it."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from budgets.tranches import (
    Tranche,
    TrancheError,
    check_schedule,
    parse_pattern,
    payment_problems,
    schedule,
    split,
    totals,
)

D = Decimal


def money(g: int) -> Decimal:
    return D(g).scaleb(-2)


# ------------------------------------------------------------------ patterns

@pytest.mark.parametrize("pattern, parts", [
    ("80/20", ["80", "20"]), ("100", ["100"]), (" 50 / 30 / 20 ", ["50", "30", "20"]),
    ("33,33/33,33/33,34", ["33.33", "33.33", "33.34"]), ([D("60"), 40], ["60", "40"]),
])
def test_r_agr_tranches_pattern_parsed(pattern, parts):
    assert parse_pattern(pattern) == [D(p) for p in parts]


@pytest.mark.parametrize("pattern", ["80/30", "80/10", "", "abc", "80/-20", "0/100", "80//20", "80/20/",
                                     "1e2", [80.0, 20.0], [True, 99], [], "50/50.5/-0.5"])
def test_r_agr_tranches_bad_pattern_refused(pattern):
    with pytest.raises(TrancheError):
        parse_pattern(pattern)


@pytest.mark.parametrize("grant, pattern, amounts", [
    # 10 000.01 × 0.8 = 8 000.008 → 8 000.01; last = 10 000.01 − 8 000.01 = 2 000.00
    ("10000.01", "80/20", ["8000.01", "2000.00"]),
    ("10000.00", "80/20", ["8000.00", "2000.00"]),
    # 100 / 3 each: 33.333… → 33.33, 33.33, remainder 33.34
    ("100.00", "33.34/33.33/33.33", ["33.34", "33.33", "33.33"]),
    ("100.00", "33.33/33.33/33.34", ["33.33", "33.33", "33.34"]),
    # 0.05 × 50 % = 0.025 → 0.03 (half up), last 0.02
    ("0.05", "50/50", ["0.03", "0.02"]),
    ("12345.67", "100", ["12345.67"]),
    # 999.99: 0.3 → 299.997 → 300.00; 0.3 → 300.00; last 399.99
    ("999.99", "30/30/40", ["300.00", "300.00", "399.99"]),
])
def test_r_agr_tranches_split_by_pattern_known(grant, pattern, amounts):
    assert split(D(grant), pattern) == [D(a) for a in amounts]


def test_r_agr_tranches_grant_too_small_for_the_pattern_refused():
    with pytest.raises(TrancheError, match="za mała"):
        split(D("0.01"), "50/50")  # 0.005 → 0.01, the last would be 0.00
    with pytest.raises(TrancheError, match="za mała"):
        split(D("0.02"), "50/49/1")  # 0.01, 0.01 (0.0098 → 0.01), last 0.00


@pytest.mark.parametrize("grant", [D("0"), D("-100"), 100.0, "abc", D("NaN")])
def test_r_agr_tranches_bad_grant_refused(grant):
    with pytest.raises(TrancheError):
        split(grant, "80/20")


patterns = st.lists(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=6).map(
    # hundredths of a percent, made to sum to exactly 100 %
    lambda xs: xs[:-1] + [10_000 - sum(xs[:-1])] if sum(xs[:-1]) < 10_000 else None).filter(lambda xs: xs is not None)


@settings(max_examples=400, deadline=None)
@given(st.integers(min_value=1, max_value=10**11), patterns)
def test_r_agr_tranches_split_sums_exactly_and_rounds_each_share(g, hundredths):
    grant = money(g)
    pct = [D(h).scaleb(-2) for h in hundredths]
    try:
        amounts = split(grant, pct)
    except TrancheError:
        # refused only when a tranche would be 0.00 or less
        shares = [Fraction(g * h, 10_000) for h in hundredths]  # in grosze
        rounded = [int(s + Fraction(1, 2)) for s in shares[:-1]]
        assert min(rounded + [g - sum(rounded)]) <= 0
        return
    assert sum(amounts) == grant
    assert all(a > 0 and a == a.quantize(D("0.01")) for a in amounts)
    for a, h in zip(amounts[:-1], hundredths[:-1]):  # half-up share to the grosz, computed independently
        assert int(a * 100) == int(Fraction(g * h, 10_000) + Fraction(1, 2))
    # the last tranche is within half a grosz per other tranche of its exact share
    exact_last = Fraction(g * hundredths[-1], 10_000)
    assert abs(Fraction(int(amounts[-1] * 100)) - exact_last) <= Fraction(len(amounts) - 1, 2)


def test_r_agr_tranches_schedule_with_dates_and_conditions():
    t = schedule(D("50000"), "80/20", dates=[date(2026, 3, 1), None],
                 conditions=[None, "po przyjęciu sprawozdania częściowego"])
    assert t == [Tranche(D("40000.00"), date(2026, 3, 1), None),
                 Tranche(D("10000.00"), None, "po przyjęciu sprawozdania częściowego")]
    assert check_schedule(D("50000"), t) == []
    with pytest.raises(TrancheError, match="Liczba terminów"):
        schedule(D("50000"), "80/20", dates=[date(2026, 3, 1)])


# ------------------------------------------------------------------ checking an entered schedule

def _fields(problems):
    return [p.field for p in problems]


def test_r_agr_tranches_schedule_must_sum_exactly_to_the_grant():
    t = [Tranche(D("8000.00"), date(2026, 3, 1)), Tranche(D("1999.99"), date(2026, 6, 1))]
    problems = check_schedule(D("10000.00"), t)
    assert _fields(problems) == ["tranches"]
    assert all(p.rule == "R-AGR-TRANCHES" for p in problems)
    assert str(problems[0].message) == "Transze sumują się do 9\u00a0999,99 zł, a dotacja wynosi 10\u00a0000,00 zł."
    over = [Tranche(D("8000.00"), date(2026, 3, 1)), Tranche(D("2000.01"), date(2026, 6, 1))]
    assert _fields(check_schedule(D("10000.00"), over)) == ["tranches"]


@pytest.mark.parametrize("tranche, field", [
    (Tranche(D("100.00")), "tranches.1.due_on"),  # neither date nor condition
    (Tranche(D("100.00"), condition="   "), "tranches.1.due_on"),
    (Tranche(D("100.001"), date(2026, 6, 1)), "tranches.1.amount"),
    (Tranche(D("-100.00"), date(2026, 6, 1)), "tranches.1.amount"),
    (Tranche(D("0.00"), date(2026, 6, 1)), "tranches.1.amount"),
    (Tranche(100.0, date(2026, 6, 1)), "tranches.1.amount"),
    (Tranche(D("100.00"), date(2025, 12, 31)), "tranches.1.due_on"),  # before the agreement
    (Tranche(D("100.00"), date(2027, 1, 1)), "tranches.1.due_on"),  # after the task
])
def test_r_agr_tranches_bad_tranche_named_by_field(tranche, field):
    t = [Tranche(D("900.00"), date(2026, 2, 1)), tranche]
    problems = check_schedule(D("1000.00"), t, not_before=date(2026, 1, 1), not_after=date(2026, 12, 31))
    assert field in _fields(problems)


def test_r_agr_tranches_empty_schedule_refused():
    assert _fields(check_schedule(D("1000.00"), [])) == ["tranches"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=8), st.integers(-3, 3))
def test_r_agr_tranches_schedule_accepted_iff_the_sum_is_the_grant(parts, delta):
    grant = money(sum(parts) + delta)
    assume(grant > 0)
    t = [Tranche(money(p), date(2026, 1, 1)) for p in parts]
    assert (check_schedule(grant, t) == []) == (delta == 0)


# ------------------------------------------------------------------ payments

def test_r_agr_tranches_payment_checks():
    grant = D("10000.00")
    assert payment_problems(grant, D("8000.00"), D("2000.00")) == []
    assert "razem 10\u00a0000,01 zł" in str(payment_problems(grant, D("8000.00"), D("2000.01"))[0].message)
    assert payment_problems(grant, D("0"), D("0.00"))
    assert payment_problems(grant, D("0"), D("-1.00"))
    assert payment_problems(grant, D("0"), D("1.001"))
    assert payment_problems(grant, D("0"), 100.0)
    assert payment_problems(grant, D("0"), D("8000.01"), scheduled=D("8000.00"))
    assert payment_problems(grant, D("0"), D("8000.00"), scheduled=D("8000.00")) == []


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=10**9), st.lists(st.integers(min_value=-100, max_value=10**9), max_size=12))
def test_r_agr_tranches_paid_total_never_exceeds_the_grant(g, attempts):
    grant, paid = money(g), D("0.00")
    for a in attempts:
        amount = money(a)
        problems = payment_problems(grant, paid, amount)
        if not problems:
            paid += amount
        else:  # refused exactly when it is not positive or would overpay
            assert amount <= 0 or paid + amount > grant
        assert paid <= grant
    assert totals(grant, [paid]).left_to_pay == grant - paid


def test_r_agr_tranches_totals_refuse_an_overpaid_grant():
    t = totals(D("100.00"), [D("60.00")], withheld=[D("40.00")], scheduled=[D("60.00"), D("40.00")])
    assert (t.paid, t.withheld, t.scheduled, t.left_to_pay) == (D("60.00"), D("40.00"), D("100.00"), D("40.00"))
    with pytest.raises(TrancheError, match="przekracza"):
        totals(D("100.00"), [D("60.00"), D("40.01")])
