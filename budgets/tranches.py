"""Tranche schedules (R-AGR-TRANCHES): the grant is paid in one sum or in tranches on dates or
conditions set in the agreement. A schedule sums exactly to the grant; a pattern such as "80/20"
splits the grant without losing a grosz (each tranche but the last is the rounded share, half up;
the last takes the remainder); the total paid never exceeds the grant."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from budgets.cost_estimate import Problem
from grants.core.i18n import _
from budgets.errors import BudgetError
from grants.core.money import CENT, HUNDRED, ZERO, MoneyError, to_money

RULE = "R-AGR-TRANCHES"


class TrancheError(BudgetError):
    pass


@dataclass(frozen=True)
class Tranche:
    amount: Decimal
    due_on: date | None = None  # a date set in the agreement ...
    condition: str | None = None  # ... or a condition (e.g. "po przyjęciu sprawozdania częściowego")


_PART = re.compile(r"\d+(?:[.,]\d+)?", re.ASCII)


def parse_pattern(pattern) -> list[Decimal]:
    """"80/20", "50 / 30 / 20", "33,33/33,33/33,34", "100" or a sequence of numbers → percentages,
    each positive, summing to exactly 100."""
    if isinstance(pattern, str):
        pieces = [p.strip() for p in pattern.split("/")]
        if not pattern.strip() or not all(_PART.fullmatch(p) for p in pieces):
            raise TrancheError(_("Wzór transz musi mieć postać procentów rozdzielonych ukośnikiem, np. 80/20."))
        parts = [Decimal(p.replace(",", ".")) for p in pieces]
    else:
        parts = []
        for p in pattern:
            if isinstance(p, bool) or not isinstance(p, (Decimal, int)):
                raise TrancheError(_("Wzór transz musi być listą procentów (liczb całkowitych lub dziesiętnych)."))
            parts.append(Decimal(p))
    if not parts:
        raise TrancheError(_("Wzór transz musi mieć co najmniej jedną transzę."))
    if any(not p.is_finite() or p <= 0 for p in parts):
        raise TrancheError(_("Każda transza we wzorze musi być dodatnim procentem."))
    if sum(parts) != HUNDRED:
        raise TrancheError(_("Procenty we wzorze transz muszą sumować się do 100 (jest %(s)s).", s=sum(parts)))
    return parts


def split(grant, pattern) -> list[Decimal]:
    """R-AGR-TRANCHES: the grant split by a pattern; every tranche but the last is
    grant × percent / 100 rounded half up to the grosz, the last is the remainder, so the amounts
    sum exactly to the grant. A grant too small for the pattern (a tranche of 0.00 or less) is refused."""
    g = _grant(grant)
    parts = parse_pattern(pattern)
    amounts = [(g * p / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP) for p in parts[:-1]]
    amounts.append(g - sum(amounts, ZERO))
    if any(a <= 0 for a in amounts):
        raise TrancheError(_("Dotacja %(g)s zł jest za mała, by podzielić ją według wzoru %(p)s.",
                             g=g, p="/".join(str(p) for p in parts)))
    return amounts


def schedule(grant, pattern, dates=None, conditions=None) -> list[Tranche]:
    """Tranches from a pattern, with dates and/or conditions given in the same order."""
    amounts = split(grant, pattern)
    dates = list(dates) if dates is not None else [None] * len(amounts)
    conditions = list(conditions) if conditions is not None else [None] * len(amounts)
    if len(dates) != len(amounts) or len(conditions) != len(amounts):
        raise TrancheError(_("Liczba terminów lub warunków nie zgadza się z liczbą transz (%(n)s).", n=len(amounts)))
    return [Tranche(a, d, c) for a, d, c in zip(amounts, dates, conditions)]


def _grant(grant) -> Decimal:
    try:
        g = to_money(grant)
    except MoneyError as e:
        raise TrancheError(_("Niepoprawna kwota dotacji: %(v)s.", v=grant)) from e
    if g <= 0:
        raise TrancheError(_("Kwota dotacji musi być dodatnia."))
    return g


def check_schedule(grant, tranches: list[Tranche], *, not_before: date | None = None,
                   not_after: date | None = None) -> list[Problem]:
    """R-AGR-TRANCHES: each tranche has a positive amount to the grosz and a date or a condition
    (dates within [not_before, not_after] when given); the amounts sum exactly to the grant."""
    out: list[Problem] = []
    if not tranches:
        return [Problem("tranches", RULE, _("Harmonogram musi mieć co najmniej jedną transzę."))]
    total = ZERO
    for i, t in enumerate(tranches):
        f = f"tranches.{i}"
        amount = t.amount
        if not isinstance(amount, (Decimal, int)) or isinstance(amount, bool) or not Decimal(amount).is_finite():
            out.append(Problem(f"{f}.amount", RULE, _("Kwota transzy musi być liczbą.")))
            continue
        amount = Decimal(amount)
        if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
            out.append(Problem(f"{f}.amount", RULE, _("Kwota transzy musi być podana z dokładnością do grosza.")))
        if amount <= 0:
            out.append(Problem(f"{f}.amount", RULE, _("Kwota transzy musi być dodatnia.")))
        total += amount
        if t.due_on is None and not (t.condition or "").strip():
            out.append(Problem(f"{f}.due_on", RULE, _("Transza musi mieć termin albo warunek wypłaty.")))
        if t.due_on is not None:
            if not_before is not None and t.due_on < not_before:
                out.append(Problem(f"{f}.due_on", RULE, _("Termin transzy (%(d)s) jest przed %(b)s.", d=t.due_on, b=not_before)))
            if not_after is not None and t.due_on > not_after:
                out.append(Problem(f"{f}.due_on", RULE, _("Termin transzy (%(d)s) jest po %(b)s.", d=t.due_on, b=not_after)))
    try:
        g = to_money(grant)
    except MoneyError:
        return out + [Problem("grant", RULE, _("Niepoprawna kwota dotacji: %(v)s.", v=grant))]
    if total != g:
        out.append(Problem("tranches", RULE, _("Transze sumują się do %(t)s zł, a dotacja wynosi %(g)s zł.", t=total, g=g)))
    return out


def payment_problems(grant, already_paid, amount, scheduled=None) -> list[Problem]:
    """R-AGR-TRANCHES: a tranche payment is a positive amount to the grosz, at most the tranche's
    scheduled amount (when given), and the total paid never exceeds the grant."""
    out: list[Problem] = []
    try:
        a = Decimal(amount) if isinstance(amount, (Decimal, int)) and not isinstance(amount, bool) else None
    except InvalidOperation:
        a = None
    if a is None or not a.is_finite():
        return [Problem("amount", RULE, _("Kwota wypłaty musi być liczbą."))]
    if a != a.quantize(CENT, rounding=ROUND_HALF_UP):
        out.append(Problem("amount", RULE, _("Kwota wypłaty musi być podana z dokładnością do grosza.")))
    if a <= 0:
        out.append(Problem("amount", RULE, _("Kwota wypłaty musi być dodatnia.")))
    if scheduled is not None and a > scheduled:
        out.append(Problem("amount", RULE, _("Kwota wypłaty (%(a)s zł) przekracza kwotę transzy (%(s)s zł).", a=a, s=scheduled)))
    if already_paid + a > grant:
        out.append(Problem("amount", RULE, _("Wypłacono by razem %(t)s zł, więcej niż dotacja %(g)s zł.",
                                             t=already_paid + a, g=grant)))
    return out


@dataclass(frozen=True)
class Totals:
    grant: Decimal
    scheduled: Decimal
    paid: Decimal
    withheld: Decimal

    @property
    def left_to_pay(self) -> Decimal:
        return self.grant - self.paid


def totals(grant, paid: list[Decimal], withheld: list[Decimal] = (), scheduled: list[Decimal] = ()) -> Totals:
    """Sums for the finance views; refuses a paid total above the grant (it must never happen)."""
    g = to_money(grant)
    t = Totals(g, sum(scheduled, ZERO), sum(paid, ZERO), sum(withheld, ZERO))
    if t.paid > g:
        raise TrancheError(_("Suma wypłat (%(p)s zł) przekracza dotację (%(g)s zł).", p=t.paid, g=g))
    return t
