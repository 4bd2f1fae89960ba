"""Cost-line shifts (R-AGR-SHIFT): a grant-funded cost line may exceed its planned value by at most
the agreement's allowed percentage without an annex; the excess is ineligible.

Per line (amounts from the grant only):
    limit      = planned × (100 + allowed %) / 100, rounded half up to the grosz
    excess     = max(0, actual − limit)            (ineligible)
    eligible   = actual − excess = min(actual, limit)
A line the agreement did not plan (planned 0) has limit 0: all of it is ineligible without an annex.
Spending below plan is not an excess (what is not spent is unused grant, see settlement)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from budgets.cost_estimate import Problem
from grants.core.i18n import _
from budgets.errors import BudgetError
from grants.core.money import CENT, HUNDRED, ZERO

RULE = "R-AGR-SHIFT"


class ShiftError(BudgetError):
    pass


@dataclass(frozen=True)
class LineSpending:
    key: str  # the cost line's identifier (e.g. "I.1.2"), shown in explanations
    planned: Decimal  # grant-funded value in the agreement's (current annex) estimate
    actual: Decimal  # grant-funded spending reported


@dataclass(frozen=True)
class LineResult:
    key: str
    planned: Decimal
    actual: Decimal
    limit: Decimal
    excess: Decimal

    @property
    def eligible(self) -> Decimal:
        return self.actual - self.excess

    @property
    def over_plan(self) -> Decimal:
        return max(ZERO, self.actual - self.planned)

    @property
    def explanation(self):
        if self.excess:
            return _("Pozycja %(k)s: wydano %(a)s zł, plan %(p)s zł, limit z przesunięciem %(l)s zł; "
                     "nadwyżka %(e)s zł niekwalifikowalna.", k=self.key, a=self.actual, p=self.planned,
                     l=self.limit, e=self.excess)
        return _("Pozycja %(k)s: wydano %(a)s zł, plan %(p)s zł, limit z przesunięciem %(l)s zł.",
                 k=self.key, a=self.actual, p=self.planned, l=self.limit)


@dataclass(frozen=True)
class ShiftResult:
    percent: Decimal
    lines: tuple[LineResult, ...]

    @property
    def planned(self) -> Decimal:
        return sum((x.planned for x in self.lines), ZERO)

    @property
    def actual(self) -> Decimal:
        return sum((x.actual for x in self.lines), ZERO)

    @property
    def excess(self) -> Decimal:
        return sum((x.excess for x in self.lines), ZERO)

    @property
    def eligible(self) -> Decimal:
        return self.actual - self.excess

    @property
    def over(self) -> tuple[LineResult, ...]:
        return tuple(x for x in self.lines if x.excess)


def limit(planned: Decimal, percent: Decimal) -> Decimal:
    """R-AGR-SHIFT: the most a line may reach without an annex."""
    return (planned * (HUNDRED + percent) / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def _check_amount(value, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)) or not Decimal(value).is_finite():
        raise ShiftError(_("%(f)s: kwota musi być liczbą dziesiętną.", f=field))
    d = Decimal(value)
    if d < 0:
        raise ShiftError(_("%(f)s: kwota nie może być ujemna.", f=field))
    if d != d.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ShiftError(_("%(f)s: kwota musi być podana z dokładnością do grosza.", f=field))
    return d.quantize(CENT)


def _check_percent(percent) -> Decimal:
    if isinstance(percent, bool) or not isinstance(percent, (Decimal, int)) or not Decimal(percent).is_finite() \
            or Decimal(percent) < 0:
        raise ShiftError(_("Dopuszczalne przesunięcie musi być nieujemnym procentem."))
    return Decimal(percent)


def compare(lines: list[LineSpending], percent) -> ShiftResult:
    """R-AGR-SHIFT: each line's actual against planned × (1 + percent/100); refuses negative or
    sub-grosz amounts and duplicate line keys."""
    pct = _check_percent(percent)
    seen: set[str] = set()
    out = []
    for ln in lines:
        if ln.key in seen:
            raise ShiftError(_("Pozycja %(k)s występuje dwa razy.", k=ln.key))
        seen.add(ln.key)
        planned = _check_amount(ln.planned, _("Pozycja %(k)s, plan", k=ln.key))
        actual = _check_amount(ln.actual, _("Pozycja %(k)s, wydatki", k=ln.key))
        lim = limit(planned, pct)
        out.append(LineResult(ln.key, planned, actual, lim, max(ZERO, actual - lim)))
    return ShiftResult(pct, tuple(out))


def problems(lines: list[LineSpending], percent) -> list[Problem]:
    """For report validation: one problem per line over the allowed shift (field = line key)."""
    return [Problem(x.key, RULE, x.explanation) for x in compare(lines, percent).over]
