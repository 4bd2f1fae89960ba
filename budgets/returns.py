"""Returns of grant money: when they are due (R-SET-RETURN, R-SET-MISUSE with R-DAYS), from which
day interest runs, and how payments towards them are booked (R-SET-PARTIAL).

Due dates:
- unused grant (and the bank interest earned on it): within 15 days after the end of the period of
  use set in the agreement; when that period runs to the end of the budget year (31 December), by
  31 January of the next year (public finance act art. 251);
- grant used against its purpose, paid unduly or in excess: within 15 days of the finding (art. 252);
- R-DAYS: the starting day is not counted and a deadline on a Saturday, Sunday or public holiday
  moves to the next working day (also the fixed 31 January).

Interest: from the day of transfer (inclusive) for a grant used against its purpose; from the day
after the due date otherwise (see budgets.interest for the day count).

Partial payments (tax ordinance art. 55 § 2): a payment that does not cover the principal and the
interest due on its day is split between them in the proportion in which they stand on that day:
    to interest  = payment × interest / (principal + interest), rounded half up to the grosz
    to principal = payment − to interest
Interest then keeps running on the unpaid principal from the day after the payment; unpaid
interest is carried forward and bears no interest itself. A payment never settles the principal
while interest remains (one grosz is moved to the interest if rounding would do that)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from fractions import Fraction

from budgets.interest import (
    DEFAULT_RATES,
    WHOLE_ZLOTY,
    Interest,
    InterestStart,
    RateTable,
    Rounding,
    first_interest_day,
    interest,
)
from budgets.errors import BudgetError
from grants.core.dates import days_after, roll_to_working_day
from grants.core.i18n import _
from grants.core.money import CENT, ZERO

RETURN_DAYS = 15


class ReturnError(BudgetError):
    """Refused input: `message` is Polish LazyText; `index` names the payment (0-based) when one is at fault."""

    def __init__(self, message, index: int | None = None):
        super().__init__(message)
        self.index = index


class Kind(str, Enum):
    UNUSED = "unused"  # R-SET-RETURN
    BANK_INTEREST = "bank_interest"  # interest earned on the grant account, returned with the unused grant
    MISUSED = "misused"  # R-SET-MISUSE: used against its purpose
    UNDUE = "undue"  # R-SET-MISUSE: paid unduly
    EXCESSIVE = "excessive"  # R-SET-MISUSE: paid in excess

    @property
    def after_period(self) -> bool:
        return self in (Kind.UNUSED, Kind.BANK_INTEREST)


# ------------------------------------------------------------------ due dates

def runs_to_budget_year_end(period_end: date) -> bool:
    return period_end.month == 12 and period_end.day == 31


def unused_return_due(period_end: date, to_budget_year_end: bool | None = None) -> date:
    """R-SET-RETURN with R-DAYS. `to_budget_year_end` None: inferred (the period ends on 31 December)."""
    year_end = runs_to_budget_year_end(period_end) if to_budget_year_end is None else to_budget_year_end
    if year_end:
        return roll_to_working_day(date(period_end.year + 1, 1, 31))
    return days_after(period_end, RETURN_DAYS)


def finding_return_due(finding_date: date) -> date:
    """R-SET-MISUSE with R-DAYS: within 15 days of the finding."""
    return days_after(finding_date, RETURN_DAYS)


def return_due(kind: Kind, *, period_end: date | None = None, finding_date: date | None = None,
               to_budget_year_end: bool | None = None) -> date:
    kind = Kind(kind)
    if kind.after_period:
        if period_end is None:
            raise ReturnError(_("Do terminu zwrotu niewykorzystanej dotacji potrzebny jest koniec okresu jej wykorzystania."))
        return unused_return_due(period_end, to_budget_year_end)
    if finding_date is None:
        raise ReturnError(_("Do terminu zwrotu potrzebna jest data stwierdzenia okoliczności."))
    return finding_return_due(finding_date)


def interest_start(kind: Kind) -> InterestStart:
    """R-SET-MISUSE: from the transfer for a misused grant, from the day after the due date otherwise."""
    return InterestStart.FROM_TRANSFER if Kind(kind) is Kind.MISUSED else InterestStart.AFTER_DUE_DATE


# ------------------------------------------------------------------ the ledger (R-SET-PARTIAL)

@dataclass(frozen=True)
class Payment:
    on: date
    amount: Decimal


@dataclass(frozen=True)
class Split:
    """One payment booked: what was owed on its day and how it was split."""
    on: date
    amount: Decimal
    principal_before: Decimal
    interest_carried: Decimal  # unpaid interest from earlier payments
    accrued: Interest  # interest accrued since the last payment (rounded as configured)
    to_interest: Decimal
    to_principal: Decimal
    principal_after: Decimal
    interest_after: Decimal
    lines: tuple

    @property
    def interest_due(self) -> Decimal:
        return self.interest_carried + self.accrued.amount

    @property
    def proportional(self) -> bool:
        return self.amount < self.principal_before + self.interest_due


@dataclass(frozen=True)
class Ledger:
    principal: Decimal
    due_date: date
    first_interest_day: date
    splits: tuple[Split, ...]
    principal_left: Decimal
    interest_left: Decimal  # unpaid interest up to the last payment
    accrue_from: date  # interest on principal_left runs from this day (inclusive)
    rates: RateTable
    rounding: Rounding

    @property
    def settled(self) -> bool:
        return self.principal_left == 0 and self.interest_left == 0

    def interest_on(self, day: date) -> Decimal:
        """Interest owed on `day` if everything were paid then (carried + accrued since)."""
        return self.interest_left + self._accrued(day).amount

    def owed_on(self, day: date) -> Decimal:
        return self.principal_left + self.interest_on(day)

    def _accrued(self, day: date) -> Interest:
        return interest(self.principal_left, self.accrue_from, day, rates=self.rates, rounding=self.rounding)

    @property
    def paid_principal(self) -> Decimal:
        return sum((s.to_principal for s in self.splits), ZERO)

    @property
    def paid_interest(self) -> Decimal:
        return sum((s.to_interest for s in self.splits), ZERO)


def _amount(value, i: int) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)) or not Decimal(value).is_finite():
        raise ReturnError(_("Wpłata nr %(n)s: kwota musi być liczbą dziesiętną.", n=i + 1), i)
    d = Decimal(value)
    if d <= 0:
        raise ReturnError(_("Wpłata nr %(n)s: kwota musi być dodatnia (jest %(a)s).", n=i + 1, a=d), i)
    if d != d.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ReturnError(_("Wpłata nr %(n)s: kwota musi być podana z dokładnością do grosza.", n=i + 1), i)
    return d.quantize(CENT)


def proportional_split(payment: Decimal, principal: Decimal, interest_due: Decimal) -> tuple[Decimal, Decimal]:
    """R-SET-PARTIAL: (to principal, to interest) of a payment below principal + interest."""
    if interest_due == 0:
        return payment, ZERO
    exact = Fraction(payment) * Fraction(interest_due) / Fraction(principal + interest_due)
    # exact fraction, rounded half up to the grosz without float or context limits
    cents = exact * 100
    whole, rest = divmod(cents.numerator, cents.denominator)
    if Fraction(rest, cents.denominator) >= Fraction(1, 2):
        whole += 1
    to_interest = Decimal(whole).scaleb(-2)
    to_principal = payment - to_interest
    if to_principal >= principal and principal > 0:  # never the principal settled with interest left
        to_principal = principal - CENT
        to_interest = payment - to_principal
    return to_principal, to_interest


def ledger(principal, due_date: date, payments: list[Payment], *, start: InterestStart = InterestStart.AFTER_DUE_DATE,
           transferred_on: date | None = None, not_before: date | None = None, rates: RateTable = DEFAULT_RATES,
           rounding: Rounding = WHOLE_ZLOTY) -> Ledger:
    """Books `payments` (in date order; same-day payments in the order given) against `principal`
    due on `due_date`. Refused: non-positive or sub-grosz amounts, a payment dated before
    `not_before` (e.g. the agreement's date) or before the transfer (interest from the transfer),
    a payment above what is owed on its day."""
    p = _principal(principal)
    first = first_interest_day(start, due_date, transferred_on)
    earliest = max((d for d in (not_before, transferred_on if InterestStart(start) is InterestStart.FROM_TRANSFER else None)
                    if d is not None), default=None)
    order = sorted(range(len(payments)), key=lambda i: payments[i].on)
    principal_left, interest_left, accrue_from = p, ZERO, first
    splits: list[Split] = []
    for i in order:
        pay = payments[i]
        amount = _amount(pay.amount, i)
        if earliest is not None and pay.on < earliest:
            raise ReturnError(_("Wpłata nr %(n)s z dnia %(d)s jest wcześniejsza niż %(e)s.", n=i + 1, d=pay.on, e=earliest), i)
        accrued = interest(principal_left, accrue_from, pay.on, rates=rates, rounding=rounding)
        interest_due = interest_left + accrued.amount
        owed = principal_left + interest_due
        if amount > owed:
            raise ReturnError(_("Wpłata nr %(n)s (%(a)s zł) przekracza kwotę należną w dniu %(d)s: %(o)s zł "
                                "(należność główna %(p)s zł, odsetki %(i)s zł).", n=i + 1, a=amount, d=pay.on, o=owed,
                                p=principal_left, i=interest_due), i)
        if amount == owed:
            to_principal, to_interest = principal_left, interest_due
        else:
            to_principal, to_interest = proportional_split(amount, principal_left, interest_due)
        lines = [_("Wpłata %(a)s zł z dnia %(d)s.", a=amount, d=pay.on)]
        if accrued.days:
            lines += accrued.lines
        lines.append(_("Należne w dniu wpłaty: należność główna %(p)s zł, odsetki %(i)s zł "
                       "(w tym %(c)s zł odsetek niezapłaconych wcześniej).", p=principal_left, i=interest_due,
                       c=interest_left))
        if amount == owed:
            lines.append(_("Wpłata pokrywa całą należność główną i odsetki."))
        elif interest_due:
            lines.append(_("Wpłata nie pokrywa całości, więc dzieli się ją proporcjonalnie (art. 55 § 2 Ordynacji "
                           "podatkowej): na odsetki %(a)s × %(i)s / (%(p)s + %(i)s) = %(ti)s zł, na należność główną "
                           "%(a)s − %(ti)s = %(tp)s zł.", a=amount, i=interest_due, p=principal_left, ti=to_interest,
                           tp=to_principal))
        else:
            lines.append(_("Odsetki nie są należne: cała wpłata idzie na należność główną."))
        new_principal, new_interest = principal_left - to_principal, interest_due - to_interest
        next_from = max(accrue_from, pay.on + timedelta(days=1))
        if new_principal or new_interest:
            lines.append(_("Pozostaje: należność główna %(p)s zł, odsetki %(i)s zł; odsetki od %(p)s zł biegną "
                           "dalej od %(n)s.", p=new_principal, i=new_interest, n=next_from))
        splits.append(Split(pay.on, amount, principal_left, interest_left, accrued, to_interest, to_principal,
                            new_principal, new_interest, tuple(lines)))
        principal_left, interest_left, accrue_from = new_principal, new_interest, next_from
    return Ledger(p, due_date, first, tuple(splits), principal_left, interest_left, accrue_from, rates, rounding)


def _principal(value) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)) or not Decimal(value).is_finite():
        raise ReturnError(_("Kwota do zwrotu musi być liczbą dziesiętną."))
    d = Decimal(value)
    if d <= 0:
        raise ReturnError(_("Kwota do zwrotu musi być dodatnia."))
    if d != d.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ReturnError(_("Kwota do zwrotu musi być podana z dokładnością do grosza."))
    return d.quantize(CENT)
