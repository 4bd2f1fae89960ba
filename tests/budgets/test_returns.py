"""budgets/returns.py: return due dates (R-SET-RETURN, R-SET-MISUSE with R-DAYS), the interest start
per kind, and the ledger of payments split between principal and interest (R-SET-PARTIAL)."""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgets.interest import GROSZ, InterestStart, interest
from budgets.returns import (
    Kind,
    Payment,
    ReturnError,
    finding_return_due,
    interest_start,
    ledger,
    proportional_split,
    return_due,
    unused_return_due,
)
from grants.core.dates import is_working_day

D = Decimal


# ------------------------------------------------------------------ due dates

@pytest.mark.parametrize("period_end, due", [
    (date(2025, 6, 30), date(2025, 7, 15)),  # +15 = Tue 15 July
    (date(2025, 6, 6), date(2025, 6, 23)),  # +15 = Sat 21 June → Mon 23 June
    (date(2025, 10, 27), date(2025, 11, 12)),  # +15 = Tue 11 Nov (Independence Day) → Wed 12 Nov
    (date(2025, 4, 6), date(2025, 4, 22)),  # +15 = Mon 21 Apr (Easter Monday) → Tue 22 Apr
])
def test_r_set_return_unused_within_15_days_after_the_period_of_use(period_end, due):
    assert unused_return_due(period_end) == due
    assert return_due(Kind.UNUSED, period_end=period_end) == due
    assert return_due(Kind.BANK_INTEREST, period_end=period_end) == due


@pytest.mark.parametrize("period_end, due", [
    (date(2024, 12, 31), date(2025, 1, 31)),  # Fri 31 Jan 2025
    (date(2025, 12, 31), date(2026, 2, 2)),  # Sat 31 Jan 2026 → Mon 2 Feb
    (date(2026, 12, 31), date(2027, 2, 1)),  # Sun 31 Jan 2027 → Mon 1 Feb
])
def test_r_set_return_period_to_the_budget_year_end_is_due_31_january(period_end, due):
    assert unused_return_due(period_end) == due


def test_r_set_return_budget_year_end_can_be_set_explicitly():
    # an agreement whose period of use is shorter than the budget year though it ends on 31 Dec
    assert unused_return_due(date(2025, 12, 31), to_budget_year_end=False) == date(2026, 1, 15)
    assert unused_return_due(date(2025, 12, 30), to_budget_year_end=True) == date(2026, 2, 2)


@pytest.mark.parametrize("found, due", [
    (date(2025, 3, 3), date(2025, 3, 18)),  # +15 = Tue 18 March
    (date(2025, 12, 10), date(2025, 12, 29)),  # +15 = Thu 25 Dec, 26 Dec holiday, weekend → Mon 29 Dec
    (date(2026, 4, 18), date(2026, 5, 4)),  # +15 = Sun 3 May (Constitution Day) → Mon 4 May
    (date(2026, 4, 20), date(2026, 5, 5)),  # +15 = Tue 5 May, a working day: unchanged
])
def test_r_set_misuse_due_within_15_days_of_the_finding(found, due):
    assert finding_return_due(found) == due
    for kind in (Kind.MISUSED, Kind.UNDUE, Kind.EXCESSIVE):
        assert return_due(kind, finding_date=found) == due


def test_r_set_misuse_due_date_needs_its_date():
    with pytest.raises(ReturnError, match="stwierdzenia"):
        return_due(Kind.MISUSED, period_end=date(2025, 6, 30))
    with pytest.raises(ReturnError, match="okresu"):
        return_due(Kind.UNUSED, finding_date=date(2025, 6, 30))


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2035, 12, 30)))
def test_r_days_return_deadlines_are_the_first_working_day_from_day_15(start):
    for due in (finding_return_due(start), unused_return_due(start, to_budget_year_end=False)):
        assert is_working_day(due)
        assert due >= start + timedelta(days=15)  # the starting day not counted
        d = start + timedelta(days=15)
        while d < due:  # everything skipped is a weekend day or a holiday
            assert not is_working_day(d)
            d += timedelta(days=1)


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=2024, max_value=2060))
def test_r_days_31_january_moves_to_the_next_working_day(year):
    due = unused_return_due(date(year, 12, 31))
    assert is_working_day(due) and date(year + 1, 1, 31) <= due <= date(year + 1, 2, 2)
    assert due == date(year + 1, 1, 31) or not is_working_day(date(year + 1, 1, 31))


def test_r_set_misuse_interest_start_per_kind():
    assert interest_start(Kind.MISUSED) is InterestStart.FROM_TRANSFER
    for kind in (Kind.UNDUE, Kind.EXCESSIVE, Kind.UNUSED, Kind.BANK_INTEREST):
        assert interest_start(kind) is InterestStart.AFTER_DUE_DATE


# ------------------------------------------------------------------ ledger: known answers

def test_r_set_partial_known_answer_split_then_interest_keeps_running():
    # 10 000 due Fri 2025-10-31; 5 000 paid on 2025-12-10 (40 days late):
    #   1 Nov –  5 Nov:  5 days × 12.0 %: 10 000 × 0.120 ×  5 =  6 000
    #   6 Nov –  3 Dec: 28 days × 11.5 %: 10 000 × 0.115 × 28 = 32 200
    #   4 Dec – 10 Dec:  7 days × 11.0 %: 10 000 × 0.110 ×  7 =  7 700
    #   interest = 45 900 / 365 = 125.75… → 126
    #   5 000 < 10 000 + 126: split in proportion 10 000 : 126
    #   to interest  = 5 000 × 126 / 10 126 = 630 000 / 10 126 = 62.216… → 62.22
    #   to principal = 5 000 − 62.22 = 4 937.78
    #   left: principal 10 000 − 4 937.78 = 5 062.22, interest 126 − 62.22 = 63.78
    # then on 2025-12-31, interest on 5 062.22 for 11..31 Dec = 21 days × 11 %:
    #   5 062.22 × 0.11 × 21 / 365 = 11 693.7282 / 365 = 32.03… → 32
    #   owed = 5 062.22 + 63.78 + 32 = 5 158.00
    first = ledger(D("10000"), date(2025, 10, 31), [Payment(date(2025, 12, 10), D("5000"))])
    (s,) = first.splits
    assert s.accrued.exact == Fraction(45900, 365) and s.accrued.amount == D("126.00")
    assert (s.interest_due, s.to_interest, s.to_principal) == (D("126.00"), D("62.22"), D("4937.78"))
    assert (first.principal_left, first.interest_left) == (D("5062.22"), D("63.78"))
    assert first.accrue_from == date(2025, 12, 11)
    assert first.owed_on(date(2025, 12, 31)) == D("5158.00")
    assert not first.settled

    both = ledger(D("10000"), date(2025, 10, 31), [Payment(date(2025, 12, 10), D("5000")),
                                                     Payment(date(2025, 12, 31), D("5158.00"))])
    second = both.splits[1]
    assert second.accrued.days == 21 and second.accrued.amount == D("32.00")
    assert (second.to_interest, second.to_principal) == (D("95.78"), D("5062.22"))  # 63.78 + 32
    assert both.settled
    assert both.paid_principal == D("10000.00") and both.paid_interest == D("158.00")


def test_r_set_partial_explanation_lines():
    led = ledger(D("10000"), date(2025, 10, 31), [Payment(date(2025, 12, 10), D("5000"))])
    text = [str(x) for x in led.splits[0].lines]
    assert text[0] == "Wpłata 5\u00a0000,00 zł z dnia 10.12.2025."
    assert any("art. 55 § 2" in t and "5\u00a0000,00 × 126,00 / (10\u00a0000,00 + 126,00) = 62,22 zł" in t for t in text)
    assert text[-1].startswith("Pozostaje: należność główna 5\u00a0062,22 zł, odsetki 63,78 zł")
    assert "11.12.2025" in text[-1]


def test_r_set_partial_payment_on_time_goes_to_principal_without_interest():
    led = ledger(D("1000"), date(2025, 7, 15), [Payment(date(2025, 7, 1), D("400")),
                                                 Payment(date(2025, 7, 15), D("600"))])
    assert [(s.to_principal, s.to_interest) for s in led.splits] == [(D("400.00"), D("0.00")), (D("600.00"), D("0.00"))]
    assert led.settled
    assert "Odsetki nie są należne" in str(led.splits[0].lines[-2])


def test_r_set_partial_same_day_second_payment_adds_no_days():
    # 10 000 due 2025-03-10, two payments on 2025-03-20 (10 days, interest 40 as computed in test_interest)
    led = ledger(D("10000"), date(2025, 3, 10), [Payment(date(2025, 3, 20), D("1000")),
                                                   Payment(date(2025, 3, 20), D("100"))])
    assert led.splits[0].accrued.amount == D("40.00")
    assert led.splits[1].accrued.days == 0 and led.splits[1].accrued.amount == D("0.00")
    # 1 000 × 40 / 10 040 = 3.98… → 3.98 interest, 996.02 principal; then 100 against 9 003.98 : 36.02
    assert (led.splits[0].to_interest, led.splits[0].to_principal) == (D("3.98"), D("996.02"))
    # 100 × 36.02 / (9 003.98 + 36.02) = 3 602 / 9 040 = 0.398… → 0.40
    assert (led.splits[1].to_interest, led.splits[1].to_principal) == (D("0.40"), D("99.60"))


def test_r_set_misuse_ledger_interest_from_the_transfer():
    # 5 000 transferred 2025-06-02, misuse found, due 2025-07-15 (paid before it):
    # interest from 2 June inclusive to 30 June = 29 days × 13.5 % = 19 575 / 365 = 53.63 → 54
    led = ledger(D("5000"), date(2025, 7, 15), [Payment(date(2025, 6, 30), D("5054"))],
                 start=InterestStart.FROM_TRANSFER, transferred_on=date(2025, 6, 2))
    assert led.splits[0].accrued.amount == D("54.00") and led.settled


def test_r_set_partial_unpaid_principal_keeps_bearing_interest():
    led = ledger(D("10000"), date(2025, 10, 31), [Payment(date(2025, 12, 10), D("5000"))])
    a, b = led.owed_on(date(2025, 12, 10)), led.owed_on(date(2026, 6, 30))
    assert a == led.principal_left + led.interest_left  # nothing new on the payment day itself
    # 11 Dec 2025 .. 30 Jun 2026 = 202 days × 11 % on 5 062.22: 5 062.22 × 0.11 × 202 / 365 = 308.17… → 308
    assert b - a == D("308.00")


# ------------------------------------------------------------------ ledger: refusals

@pytest.mark.parametrize("amount", [D("0"), D("-10"), D("10.001"), 10.0, D("NaN"), True, "10"])
def test_r_set_partial_bad_payment_amount_refused(amount):
    with pytest.raises(ReturnError) as e:
        ledger(D("1000"), date(2025, 7, 15), [Payment(date(2025, 7, 1), D("1")), Payment(date(2025, 7, 2), amount)])
    assert e.value.index == 1


def test_r_set_partial_payment_above_what_is_owed_refused():
    # 10 days late on 10 000: owed 10 040.00 on 2025-03-20
    with pytest.raises(ReturnError, match=re.escape("w dniu 20.03.2025: 10\u00a0040,00 zł")) as e:
        ledger(D("10000"), date(2025, 3, 10), [Payment(date(2025, 3, 20), D("10040.01"))])
    assert e.value.index == 0
    assert ledger(D("10000"), date(2025, 3, 10), [Payment(date(2025, 3, 20), D("10040.00"))]).settled
    with pytest.raises(ReturnError, match="przekracza"):  # anything after settling
        ledger(D("10000"), date(2025, 3, 10), [Payment(date(2025, 3, 20), D("10040.00")),
                                                 Payment(date(2025, 3, 21), D("0.01"))])


def test_r_set_partial_payment_before_the_agreement_or_transfer_refused():
    with pytest.raises(ReturnError, match=re.escape("wcześniejsza niż 01.01.2025")):
        ledger(D("1000"), date(2025, 7, 15), [Payment(date(2024, 12, 31), D("10"))], not_before=date(2025, 1, 1))
    with pytest.raises(ReturnError, match=re.escape("wcześniejsza niż 02.06.2025")):
        ledger(D("1000"), date(2025, 7, 15), [Payment(date(2025, 6, 1), D("10"))],
               start=InterestStart.FROM_TRANSFER, transferred_on=date(2025, 6, 2))


@pytest.mark.parametrize("principal", [D("0"), D("-1"), D("1.001"), 1.0])
def test_r_set_partial_bad_principal_refused(principal):
    with pytest.raises(ReturnError):
        ledger(principal, date(2025, 7, 15), [])


def test_r_set_partial_payments_booked_in_date_order():
    a = ledger(D("10000"), date(2025, 10, 31), [Payment(date(2025, 12, 31), D("100")),
                                                  Payment(date(2025, 12, 10), D("5000"))])
    assert [s.on for s in a.splits] == [date(2025, 12, 10), date(2025, 12, 31)]
    assert a.splits[0].to_principal == D("4937.78")


# ------------------------------------------------------------------ ledger: properties

def test_r_set_partial_never_settles_principal_before_interest():
    # principal 0.05, interest 1.00 (grosz rounding of a long delay would differ: use the split directly)
    to_p, to_i = proportional_split(D("1.04"), D("0.05"), D("1.00"))
    # exact: 1.04 × 1.00 / 1.05 = 0.990… → 0.99 to interest, 0.05 to principal would settle it
    assert (to_p, to_i) == (D("0.04"), D("1.00"))


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=10**10), st.integers(min_value=1, max_value=10**10),
       st.integers(min_value=0, max_value=10**10))
def test_r_set_partial_split_is_proportional_to_the_grosz(p, i, pay):
    principal, interest_due = D(p).scaleb(-2), D(i).scaleb(-2)
    payment = D(pay % (p + i - 1) + 1).scaleb(-2)  # 0.01 .. owed − 0.01
    to_p, to_i = proportional_split(payment, principal, interest_due)
    assert to_p + to_i == payment
    assert 0 <= to_p < principal and 0 <= to_i <= interest_due
    exact = Fraction(payment) * Fraction(interest_due) / Fraction(principal + interest_due)
    assert abs(Fraction(to_i) - exact) <= Fraction(1, 200) + Fraction(1, 100)  # half a grosz, or one moved


payments_st = st.lists(st.tuples(st.integers(min_value=0, max_value=400), st.integers(min_value=1, max_value=100)),
                       max_size=6)


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=100, max_value=10**9), st.dates(min_value=date(2023, 10, 5), max_value=date(2028, 12, 31)),
       payments_st, st.booleans(), st.booleans())
def test_r_set_partial_ledger_invariants(g, due, plan, misuse, grosz):
    """Payments of random shares of what is owed on their day: every split adds up, the principal
    only falls, interest on the day matches an independent computation, and paying the rest settles."""
    principal = D(g).scaleb(-2)
    rounding = GROSZ if grosz else None
    kw = dict(start=InterestStart.FROM_TRANSFER, transferred_on=due) if misuse else {}
    if rounding:
        kw["rounding"] = rounding
    payments: list[Payment] = []
    day = due
    for gap, percent in sorted(plan):
        day = max(day, due + timedelta(days=gap))
        owed = ledger(principal, due, payments, **kw).owed_on(day)
        amount = (owed * percent / 100).quantize(D("0.01"))
        if amount <= 0:
            continue
        payments.append(Payment(day, amount))
    led = ledger(principal, due, payments, **kw)
    left, carried = principal, D("0.00")
    first = due if misuse else due + timedelta(days=1)
    for s in led.splits:
        assert s.to_principal + s.to_interest == s.amount
        assert s.principal_before == left and s.interest_carried == carried
        # interest accrued since the last payment, on the principal left, recomputed here
        expect = interest(left, first, s.on, **({"rounding": rounding} if rounding else {})).amount
        assert s.accrued.amount == expect
        assert 0 <= s.to_interest <= s.interest_due and 0 <= s.to_principal <= left
        if s.proportional:
            assert s.to_principal < left  # never the principal settled with interest left
        left, carried = s.principal_after, s.interest_after
        first = max(first, s.on + timedelta(days=1))
    assert led.paid_principal + led.principal_left == principal
    # the rest, paid on a later day, settles everything
    end = day + timedelta(days=30)
    rest = led.owed_on(end)
    if led.settled:
        assert rest == 0
        return
    final = ledger(principal, due, payments + [Payment(end, rest)], **kw)
    assert final.settled and final.paid_principal == principal
