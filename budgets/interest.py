"""Statutory interest on grant returns (R-SET-INTEREST, R-SET-MISUSE): the tax-arrears rate from a
dated table, split across rate changes, rounded as configured.

Which days count (tax ordinance art. 53, public finance act art. 251-252):
- a period of delay is given by its *first day of interest* and its *last day* (the payment day),
  **both inclusive**, so ``days = last_day - first_day + 1``;
- after a due date (unused grant R-SET-RETURN; undue or excessive payment R-SET-MISUSE): the first
  day is the day after the due date, so ``days = payment date - due date`` exactly as Polish
  tax-arrears interest is counted (paid on the due date: 0 days; paid the next day: 1 day);
- grant used against its purpose (R-SET-MISUSE): the first day is the day of the transfer itself,
  so ``days = payment date - transfer date + 1`` (transferred and returned on the same day: 1 day).

Interest = amount × rate × days / 365 for each rate period (365 also in leap years); the periods'
exact (unrounded) amounts are summed and only the sum is rounded (default: whole złoty, half up,
tax ordinance art. 63 § 1). Computation is exact (fractions) until that single rounding."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal
from enum import Enum
from fractions import Fraction

from grants.core.i18n import _
from budgets.errors import BudgetError
from grants.core.money import MoneyError, to_money

YEAR_DAYS = 365


class InterestError(BudgetError):
    """Bad input to an interest calculation."""


# ------------------------------------------------------------------ rate table

@dataclass(frozen=True)
class Rate:
    """The annual tax-arrears rate in percent, in force from `since` (inclusive) until the next row."""
    since: date
    percent: Decimal


# R-SET-INTEREST: rows from DOMAIN.md (200% of the NBP lombard rate + 2 points, at least 8%). Earlier
# rows are not known here: a date before the first row is refused, never guessed. The app may load
# an administrator-maintained table instead and pass it as `RateTable(rows)`.
DEFAULT_RATE_ROWS: tuple[Rate, ...] = (
    Rate(date(2023, 10, 5), Decimal("14.5")),
    Rate(date(2025, 5, 8), Decimal("13.5")),
    Rate(date(2025, 7, 3), Decimal("13.0")),
    Rate(date(2025, 9, 4), Decimal("12.5")),
    Rate(date(2025, 10, 9), Decimal("12.0")),
    Rate(date(2025, 11, 6), Decimal("11.5")),
    Rate(date(2025, 12, 4), Decimal("11.0")),
)


def tax_arrears_rate(lombard_percent: Decimal) -> Decimal:
    """R-SET-INTEREST: 200% of the NBP lombard rate + 2 percentage points, at least 8%."""
    lombard = Decimal(lombard_percent)
    if not lombard.is_finite() or lombard < 0:
        raise InterestError(_("Stopa lombardowa musi być nieujemną liczbą."))
    return max(lombard * 2 + 2, Decimal(8))


@dataclass(frozen=True)
class RatePeriod:
    """Days [first, last] (both inclusive) charged at one annual rate."""
    first: date
    last: date
    percent: Decimal

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


class RateTable:
    """A dated table of annual rates; each row holds from its date until the day before the next."""

    def __init__(self, rows):
        rows = tuple(rows)
        if not rows:
            raise InterestError(_("Tabela stóp odsetek jest pusta."))
        for r in rows:
            if not isinstance(r.percent, Decimal) or not r.percent.is_finite() or r.percent < 0:
                raise InterestError(_("Stopa odsetek od %(d)s musi być nieujemną liczbą dziesiętną.", d=r.since))
        for a, b in zip(rows, rows[1:]):
            if not a.since < b.since:
                raise InterestError(_("Daty w tabeli stóp odsetek muszą rosnąć (%(a)s, %(b)s).", a=a.since, b=b.since))
        self.rows = rows

    def rate_on(self, day: date) -> Decimal:
        if day < self.rows[0].since:
            raise InterestError(_("Brak stopy odsetek za zwłokę na dzień %(d)s (tabela zaczyna się %(f)s).",
                                  d=day, f=self.rows[0].since))
        current = self.rows[0]
        for r in self.rows:
            if r.since <= day:
                current = r
            else:
                break
        return current.percent

    def periods(self, first: date, last: date) -> list[RatePeriod]:
        """The days first..last (inclusive) cut where the rate changes; [] when last < first."""
        if last < first:
            return []
        self.rate_on(first)  # refuses a start before the table
        out: list[RatePeriod] = []
        for i, r in enumerate(self.rows):
            end = self.rows[i + 1].since - timedelta(days=1) if i + 1 < len(self.rows) else date.max
            lo, hi = max(first, r.since), min(last, end)
            if lo <= hi:
                out.append(RatePeriod(lo, hi, r.percent))
        return out


DEFAULT_RATES = RateTable(DEFAULT_RATE_ROWS)


# ------------------------------------------------------------------ rounding

@dataclass(frozen=True)
class Rounding:
    """How the final interest is rounded: to a multiple of `quantum` (PLN) with a decimal rounding
    mode. Default: whole złoty, half up (amounts under 50 gr dropped, 50 gr and more raised)."""
    quantum: Decimal = Decimal("1")
    mode: str = ROUND_HALF_UP

    def __post_init__(self):
        if not self.quantum > 0:
            raise InterestError(_("Jednostka zaokrąglenia musi być dodatnia."))
        if self.mode not in (ROUND_HALF_UP, ROUND_HALF_EVEN, ROUND_DOWN, ROUND_UP):
            raise InterestError(_("Nieobsługiwany sposób zaokrąglenia: %(m)s.", m=self.mode))

    def apply(self, value: Fraction) -> Decimal:
        """Rounds an exact non-negative or negative fraction; returns a two-place Decimal."""
        q = Fraction(self.quantum)
        units = value / q
        sign = -1 if units < 0 else 1
        units = abs(units)
        whole, rest = divmod(units.numerator, units.denominator)
        rest = Fraction(rest, units.denominator)
        if self.mode == ROUND_DOWN:
            n = whole
        elif self.mode == ROUND_UP:
            n = whole + (1 if rest else 0)
        elif self.mode == ROUND_HALF_UP:
            n = whole + (1 if rest >= Fraction(1, 2) else 0)
        else:  # ROUND_HALF_EVEN
            n = whole + (1 if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and whole % 2) else 0)
        return to_money(Decimal(sign * n) * self.quantum)


WHOLE_ZLOTY = Rounding()
GROSZ = Rounding(Decimal("0.01"))


def fraction_to_money(value: Fraction) -> Decimal:
    """An exact amount shown to the grosz (half up), for explanations."""
    return GROSZ.apply(value)


# ------------------------------------------------------------------ where interest starts

class InterestStart(str, Enum):
    """R-SET-MISUSE: from the day of transfer for a grant used against its purpose; from the day
    after the due date otherwise (unused, undue, excessive)."""
    AFTER_DUE_DATE = "after_due_date"
    FROM_TRANSFER = "from_transfer"


def first_interest_day(start: InterestStart, due_date: date, transferred_on: date | None = None) -> date:
    """The first day that bears interest (inclusive)."""
    start = InterestStart(start)
    if start is InterestStart.FROM_TRANSFER:
        if transferred_on is None:
            raise InterestError(_("Dla dotacji wykorzystanej niezgodnie z przeznaczeniem potrzebna jest data przekazania."))
        return transferred_on
    return due_date + timedelta(days=1)


def days_of_delay(first_day: date, payment_day: date) -> int:
    """Days first_day..payment_day, both inclusive; 0 when paid before the first day."""
    return max(0, (payment_day - first_day).days + 1)


# ------------------------------------------------------------------ the calculation

@dataclass(frozen=True)
class PeriodInterest:
    period: RatePeriod
    exact: Fraction  # amount × rate × days / 365, not rounded

    @property
    def shown(self) -> Decimal:
        return fraction_to_money(self.exact)

    @property
    def explanation(self):
        p = self.period
        return _("%(a)s – %(b)s: %(n)s dni × %(r)s%% → %(x)s zł", a=p.first, b=p.last, n=p.days, r=p.percent,
                 x=self.shown)


@dataclass(frozen=True)
class Interest:
    principal: Decimal
    first_day: date
    last_day: date
    parts: tuple[PeriodInterest, ...]
    exact: Fraction
    amount: Decimal  # rounded as configured

    @property
    def days(self) -> int:
        return sum(p.period.days for p in self.parts)

    @property
    def lines(self) -> list:
        """Explanation: formula, one line per rate period, the rounded total."""
        out = [_("Odsetki = kwota × stopa × dni / 365 dla każdego okresu stopy; kwota %(p)s zł, "
                 "od %(a)s do %(b)s włącznie (%(n)s dni).", p=self.principal, a=self.first_day,
                 b=self.last_day, n=self.days)]
        out += [p.explanation for p in self.parts]
        out.append(_("Razem %(x)s zł, po zaokrągleniu %(r)s zł.", x=fraction_to_money(self.exact), r=self.amount))
        return out


def _money(value, what) -> Decimal:
    try:
        return to_money(value)
    except MoneyError as e:
        raise InterestError(_("%(what)s: niepoprawna kwota (%(v)s).", what=what, v=value)) from e


def interest(principal, first_day: date, last_day: date, *, rates: RateTable = DEFAULT_RATES,
             rounding: Rounding = WHOLE_ZLOTY) -> Interest:
    """R-SET-INTEREST: interest on `principal` for the days first_day..last_day, both inclusive
    (none when last_day < first_day)."""
    p = _money(principal, _("Kwota"))
    if p < 0:
        raise InterestError(_("Kwota, od której liczy się odsetki, nie może być ujemna."))
    parts = tuple(PeriodInterest(per, Fraction(p) * Fraction(per.percent) * per.days / (100 * YEAR_DAYS))
                  for per in (rates.periods(first_day, last_day) if p > 0 else []))
    exact = sum((x.exact for x in parts), Fraction(0))
    return Interest(p, first_day, last_day, parts, exact, rounding.apply(exact))


def late_interest(principal, due_date: date, payment_day: date, *, start: InterestStart = InterestStart.AFTER_DUE_DATE,
                  transferred_on: date | None = None, rates: RateTable = DEFAULT_RATES,
                  rounding: Rounding = WHOLE_ZLOTY) -> Interest:
    """Interest owed with a payment of the whole `principal` on `payment_day`."""
    first = first_interest_day(start, due_date, transferred_on)
    return interest(principal, first, payment_day, rates=rates, rounding=rounding)
