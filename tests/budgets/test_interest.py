"""R-SET-INTEREST and R-SET-MISUSE on budgets/interest.py: known answers computed by hand (the
arithmetic is written out beside each), then properties against an independent day-by-day sum.

Day count: days of delay = payment date − due date (the first day of interest is the day after the
due date, the payment day counts); for misuse the transfer day itself is the first day."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgets.interest import (
    DEFAULT_RATE_ROWS,
    DEFAULT_RATES,
    GROSZ,
    InterestError,
    InterestStart,
    Rate,
    RateTable,
    Rounding,
    days_of_delay,
    first_interest_day,
    interest,
    late_interest,
    tax_arrears_rate,
)

D = Decimal


# ------------------------------------------------------------------ the table

def test_r_set_interest_default_table_holds_domain_rows():
    assert [(r.since, r.percent) for r in DEFAULT_RATE_ROWS] == [
        (date(2023, 10, 5), D("14.5")), (date(2025, 5, 8), D("13.5")), (date(2025, 7, 3), D("13.0")),
        (date(2025, 9, 4), D("12.5")), (date(2025, 10, 9), D("12.0")), (date(2025, 11, 6), D("11.5")),
        (date(2025, 12, 4), D("11.0"))]


@pytest.mark.parametrize("day, percent", [
    (date(2023, 10, 5), "14.5"), (date(2025, 5, 7), "14.5"), (date(2025, 5, 8), "13.5"),
    (date(2025, 7, 2), "13.5"), (date(2025, 7, 3), "13.0"), (date(2025, 11, 5), "12.0"),
    (date(2025, 11, 6), "11.5"), (date(2025, 12, 3), "11.5"), (date(2025, 12, 4), "11.0"), (date(2030, 1, 1), "11.0"),
])
def test_r_set_interest_rate_changes_on_the_day_of_the_row(day, percent):
    assert DEFAULT_RATES.rate_on(day) == D(percent)


def test_r_set_interest_date_before_the_table_is_refused_not_guessed():
    with pytest.raises(InterestError, match="Brak stopy"):
        DEFAULT_RATES.rate_on(date(2023, 10, 4))
    with pytest.raises(InterestError, match="Brak stopy"):
        interest(D("100"), date(2023, 10, 1), date(2023, 10, 10))


@pytest.mark.parametrize("rows", [
    [],
    [Rate(date(2025, 1, 2), D("10")), Rate(date(2025, 1, 1), D("11"))],  # not increasing
    [Rate(date(2025, 1, 1), D("10")), Rate(date(2025, 1, 1), D("11"))],  # duplicate date
    [Rate(date(2025, 1, 1), D("-1"))],
    [Rate(date(2025, 1, 1), 12.5)],  # float
])
def test_r_set_interest_bad_rate_table_is_refused(rows):
    with pytest.raises(InterestError):
        RateTable(rows)


@pytest.mark.parametrize("lombard, rate", [("6.25", "14.50"), ("4.50", "11.00"), ("4.75", "11.50"),
                                           ("2.00", "8"), ("0.10", "8"), ("3.00", "8.00")])
def test_r_set_interest_tax_arrears_rate_is_twice_lombard_plus_two_at_least_eight(lombard, rate):
    # 2 × 6.25 + 2 = 14.5; 2 × 4.5 + 2 = 11; 2 × 2 + 2 = 6 → at least 8; 2 × 3 + 2 = 8
    assert tax_arrears_rate(D(lombard)) == D(rate)


def test_r_set_interest_domain_rows_match_the_lombard_formula():
    # NBP lombard rates on those days: 6.25, 5.75, 5.50, 5.25, 5.00, 4.75, 4.50
    lombard = ["6.25", "5.75", "5.50", "5.25", "5.00", "4.75", "4.50"]
    assert [tax_arrears_rate(D(x)) for x in lombard] == [r.percent for r in DEFAULT_RATE_ROWS]


# ------------------------------------------------------------------ which days count

def test_r_set_interest_days_of_delay_is_payment_minus_due_date():
    due = date(2025, 3, 10)
    first = first_interest_day(InterestStart.AFTER_DUE_DATE, due)
    assert first == date(2025, 3, 11)
    assert days_of_delay(first, date(2025, 3, 10)) == 0  # paid on the due date: on time
    assert days_of_delay(first, date(2025, 3, 11)) == 1  # the payment day counts
    assert days_of_delay(first, date(2025, 3, 20)) == 10  # 20 − 10
    assert days_of_delay(first, date(2025, 3, 1)) == 0  # paid early


def test_r_set_misuse_interest_runs_from_the_transfer_day_inclusive():
    first = first_interest_day(InterestStart.FROM_TRANSFER, date(2025, 7, 15), transferred_on=date(2025, 6, 2))
    assert first == date(2025, 6, 2)
    assert days_of_delay(first, date(2025, 6, 2)) == 1  # transferred and returned the same day: 1 day
    assert days_of_delay(first, date(2025, 6, 30)) == 29  # 2..30 June


def test_r_set_misuse_interest_from_transfer_needs_the_transfer_date():
    with pytest.raises(InterestError, match="data przekazania"):
        first_interest_day(InterestStart.FROM_TRANSFER, date(2025, 7, 15))


# ------------------------------------------------------------------ known answers, by hand

def test_r_set_interest_10000_pln_10_days_late_in_one_period():
    # due Mon 2025-03-10, paid 2025-03-20: days 11..20 March = 20 − 10 = 10 days at 14.5 %
    # 10 000 × 14.5 / 100 × 10 / 365 = 14 500 / 365 = 39.726… → whole złoty half up: 40
    r = late_interest(D("10000.00"), date(2025, 3, 10), date(2025, 3, 20))
    assert r.days == 10
    assert r.exact == Fraction(14500, 365)
    assert r.amount == D("40.00")
    assert len(r.parts) == 1 and r.parts[0].shown == D("39.73")


def test_r_set_interest_one_day_late():
    # 10 000 × 14.5 % × 1 / 365 = 1450 / 365 = 3.972… → 4
    assert late_interest(D("10000"), date(2025, 3, 10), date(2025, 3, 11)).amount == D("4.00")


def test_r_set_interest_paid_on_the_due_date_is_zero():
    r = late_interest(D("10000"), date(2025, 3, 10), date(2025, 3, 10))
    assert r.days == 0 and r.amount == D("0.00") and r.parts == ()


def test_r_set_interest_spanning_the_2025_11_06_and_2025_12_04_changes():
    # 20 000 due Fri 2025-10-31, paid 2025-12-15: 45 days (15 Dec − 31 Oct)
    #   1 Nov –  5 Nov:  5 days × 12.0 %: 20 000 × 0.120 ×  5 / 365 = 12 000 / 365 =  32.876…
    #   6 Nov –  3 Dec: 28 days × 11.5 %: 20 000 × 0.115 × 28 / 365 = 64 400 / 365 = 176.438…
    #   4 Dec – 15 Dec: 12 days × 11.0 %: 20 000 × 0.110 × 12 / 365 = 26 400 / 365 =  72.328…
    #   sum = 102 800 / 365 = 281.643… → 282 (only the sum is rounded)
    r = late_interest(D("20000"), date(2025, 10, 31), date(2025, 12, 15))
    assert [(p.period.first, p.period.last, p.period.days, p.period.percent) for p in r.parts] == [
        (date(2025, 11, 1), date(2025, 11, 5), 5, D("12.0")),
        (date(2025, 11, 6), date(2025, 12, 3), 28, D("11.5")),
        (date(2025, 12, 4), date(2025, 12, 15), 12, D("11.0"))]
    assert [p.shown for p in r.parts] == [D("32.88"), D("176.44"), D("72.33")]
    assert r.days == 45
    assert r.exact == Fraction(102800, 365)
    assert r.amount == D("282.00")


def test_r_set_interest_rounds_the_sum_not_each_period():
    # 1 000 due 2025-11-04, paid 2025-11-07: 5 Nov × 12.0 %, 6–7 Nov × 11.5 %
    #   1 000 × 0.12 × 1 / 365 = 120 / 365 = 0.329 (alone → 0)
    #   1 000 × 0.115 × 2 / 365 = 230 / 365 = 0.630 (alone → 1)
    #   sum = 350 / 365 = 0.959 → 1 (period-by-period rounding would also give 1; grosz: 0.96)
    r = late_interest(D("1000"), date(2025, 11, 4), date(2025, 11, 7))
    assert r.exact == Fraction(350, 365) and r.amount == D("1.00")
    # 1 100 due 2025-11-04, paid 2025-11-06: 5 Nov × 12.0 %, 6 Nov × 11.5 %
    #   1 100 × 0.120 / 365 = 132.0 / 365 = 0.361… (alone → 0)
    #   1 100 × 0.115 / 365 = 126.5 / 365 = 0.346… (alone → 0)
    #   sum = 258.5 / 365 = 0.708… → 1 (rounding each period would give 0)
    r = late_interest(D("1100"), date(2025, 11, 4), date(2025, 11, 6))
    assert r.exact == Fraction(1100 * 120 + 1100 * 115, 365 * 1000) and r.amount == D("1.00")
    assert all(p.shown < D("0.50") for p in r.parts)


def test_r_set_interest_ten_days_late_across_a_rate_change():
    # the demo's return: 1 234.56 due Mon 2025-12-01, paid 2025-12-11 (10 days)
    #   2–3 Dec: 2 days × 11.5 %; 4–11 Dec: 8 days × 11.0 %
    #   1 234.56 × (0.115 × 2 + 0.110 × 8) / 365 = 1 234.56 × 1.11 / 365 = 1 370.3616 / 365 = 3.754… → 4
    r = late_interest(D("1234.56"), date(2025, 12, 1), date(2025, 12, 11))
    assert r.days == 10 and [p.period.days for p in r.parts] == [2, 8]
    assert r.exact == Fraction(D("1370.3616")) / 365
    assert r.amount == D("4.00")


def test_r_set_interest_leap_year_2028_still_divides_by_365():
    # 100 000 due 2028-01-31, paid 2028-02-29: 29 days (1..29 Feb 2028) × 11.0 %
    #   100 000 × 0.11 × 29 / 365 = 319 000 / 365 = 873.97… → 874   (with /366: 871.58 → 872)
    r = late_interest(D("100000"), date(2028, 1, 31), date(2028, 2, 29))
    assert r.days == 29
    assert r.exact == Fraction(319000, 365)
    assert r.amount == D("874.00")


def test_r_set_interest_leap_day_counts_as_a_day():
    # 36 500 due 2028-02-27, paid 2028-03-01: 28 Feb, 29 Feb, 1 Mar = 3 days × 11 %
    #   36 500 × 0.11 × 3 / 365 = 33.00 exactly
    r = late_interest(D("36500"), date(2028, 2, 27), date(2028, 3, 1), rounding=GROSZ)
    assert r.days == 3 and r.amount == D("33.00")


def test_r_set_interest_a_whole_leap_year_is_more_than_the_annual_rate():
    # 10 000 due 2023-12-31, paid 2024-12-31: 366 days × 14.5 %
    #   10 000 × 0.145 × 366 / 365 = 530 700 / 365 = 1 453.97… → 1 454 (not 1 450)
    r = late_interest(D("10000"), date(2023, 12, 31), date(2024, 12, 31))
    assert r.days == 366 and r.amount == D("1454.00")


def test_r_set_misuse_known_answer_from_the_transfer_day():
    # 5 000 transferred 2025-06-02, returned 2025-06-30: 2..30 June = 29 days × 13.5 %
    #   5 000 × 0.135 × 29 / 365 = 19 575 / 365 = 53.63… → 54
    r = late_interest(D("5000"), date(2025, 7, 15), date(2025, 6, 30), start=InterestStart.FROM_TRANSFER,
                      transferred_on=date(2025, 6, 2))
    assert r.days == 29 and r.exact == Fraction(19575, 365) and r.amount == D("54.00")


def test_r_set_misuse_from_transfer_across_the_2025_07_03_change():
    # 10 000 transferred 2025-06-30, returned 2025-07-04:
    #   30 Jun, 1 Jul, 2 Jul: 3 days × 13.5 %; 3 Jul, 4 Jul: 2 days × 13.0 %
    #   10 000 × (0.135 × 3 + 0.130 × 2) / 365 = 10 000 × 0.665 / 365 = 6 650 / 365 = 18.219… → 18
    r = late_interest(D("10000"), date(2025, 7, 20), date(2025, 7, 4), start=InterestStart.FROM_TRANSFER,
                      transferred_on=date(2025, 6, 30))
    assert [p.period.days for p in r.parts] == [3, 2]
    assert r.exact == Fraction(6650, 365) and r.amount == D("18.00")


# ------------------------------------------------------------------ rounding is configurable

def test_r_set_interest_rounding_half_up_at_exactly_fifty_groszy():
    # 3 650 × 11 % × d / 365 = 1.1 × d: d = 5 → 5.50 (→ 6 half up), d = 15 → 16.50 (→ 17 half up, 16 half even)
    due = date(2026, 1, 5)
    assert late_interest(D("3650"), due, due + timedelta(days=5)).amount == D("6.00")
    assert late_interest(D("3650"), due, due + timedelta(days=15)).amount == D("17.00")
    half_even = Rounding(D("1"), ROUND_HALF_EVEN)
    assert late_interest(D("3650"), due, due + timedelta(days=15), rounding=half_even).amount == D("16.00")
    assert late_interest(D("3650"), due, due + timedelta(days=15), rounding=GROSZ).amount == D("16.50")
    down = Rounding(D("1"), ROUND_DOWN)
    assert late_interest(D("3650"), due, due + timedelta(days=5), rounding=down).amount == D("5.00")
    # 0.49 zł drops, 0.50 rises: 365 × 11 % × d/365 = 0.11 d; d=4 → 0.44 → 0; d=5 → 0.55 → 1
    assert late_interest(D("365"), due, due + timedelta(days=4)).amount == D("0.00")
    assert late_interest(D("365"), due, due + timedelta(days=5)).amount == D("1.00")


@pytest.mark.parametrize("quantum, mode", [(D("0"), ROUND_HALF_UP), (D("-1"), ROUND_HALF_UP), (D("1"), "ROUND_05UP")])
def test_r_set_interest_bad_rounding_is_refused(quantum, mode):
    with pytest.raises(InterestError):
        Rounding(quantum, mode)


@pytest.mark.parametrize("principal", [D("-1"), 100.0, "abc", D("NaN")])
def test_r_set_interest_bad_principal_is_refused(principal):
    with pytest.raises(InterestError):
        interest(principal, date(2025, 1, 1), date(2025, 1, 10))


def test_r_set_interest_explanation_lines_name_each_period():
    r = late_interest(D("20000"), date(2025, 10, 31), date(2025, 12, 15))
    text = [str(x) for x in r.lines]
    assert "45 dni" in text[0] and "kwota 20\u00a0000,00 zł, od 01.11.2025 do 15.12.2025" in text[0]
    assert text[1] == "01.11.2025 – 05.11.2025: 5 dni × 12,0% → 32,88 zł"
    assert text[-1] == "Razem 281,64 zł, po zaokrągleniu 282,00 zł."


# ------------------------------------------------------------------ properties

days_in_table = st.dates(min_value=date(2023, 10, 5), max_value=date(2029, 12, 31))
grosze = st.integers(min_value=0, max_value=10**10)  # 0 .. 100 mln PLN


def _rate_by_hand(day: date) -> Fraction:
    rows = [(date(2023, 10, 5), "14.5"), (date(2025, 5, 8), "13.5"), (date(2025, 7, 3), "13.0"),
            (date(2025, 9, 4), "12.5"), (date(2025, 10, 9), "12.0"), (date(2025, 11, 6), "11.5"),
            (date(2025, 12, 4), "11.0")]
    return Fraction(D([p for since, p in rows if since <= day][-1]))


@settings(max_examples=150, deadline=None)
@given(grosze, days_in_table, st.integers(min_value=0, max_value=500))
def test_r_set_interest_equals_a_day_by_day_sum(g, first, length):
    last = first + timedelta(days=length - 1)  # length 0 → no day
    p = D(g).scaleb(-2)
    by_hand = sum((Fraction(p) * _rate_by_hand(first + timedelta(days=i)) / 36500 for i in range(length)), Fraction(0))
    r = interest(p, first, last)
    assert r.exact == by_hand
    assert r.days == (length if p else 0)
    # rounded half up to whole złoty: within half a złoty of the exact value, .5 upwards
    assert abs(Fraction(r.amount) - by_hand) <= Fraction(1, 2)
    assert r.amount == D(int(by_hand + Fraction(1, 2)))
    # periods tile the range without gaps or overlaps, each inside one rate
    if p:
        assert all(a.period.last + timedelta(days=1) == b.period.first for a, b in zip(r.parts, r.parts[1:]))
        assert all(a.period.percent != b.period.percent for a, b in zip(r.parts, r.parts[1:]))


@settings(max_examples=150, deadline=None)
@given(grosze, days_in_table, st.integers(min_value=0, max_value=400), st.integers(min_value=0, max_value=400))
def test_r_set_interest_is_additive_over_split_ranges(g, first, a, b):
    p = D(g).scaleb(-2)
    mid = first + timedelta(days=a)
    last = mid + timedelta(days=b)
    whole = interest(p, first, last).exact
    assert whole == interest(p, first, mid).exact + interest(p, mid + timedelta(days=1), last).exact


@settings(max_examples=100, deadline=None)
@given(grosze, grosze, days_in_table, st.integers(min_value=0, max_value=400), st.integers(min_value=0, max_value=30))
def test_r_set_interest_grows_with_amount_and_days(g1, g2, due, late, more):
    lo, hi = sorted([D(g1).scaleb(-2), D(g2).scaleb(-2)])
    pay = due + timedelta(days=late)
    assert late_interest(lo, due, pay).exact <= late_interest(hi, due, pay).exact
    assert late_interest(lo, due, pay).amount <= late_interest(lo, due, pay + timedelta(days=more)).amount
    # from the transfer day always at least as much as from the day after a due date on that day
    assert late_interest(lo, due, pay).exact <= late_interest(lo, due, pay, start=InterestStart.FROM_TRANSFER,
                                                              transferred_on=due).exact
