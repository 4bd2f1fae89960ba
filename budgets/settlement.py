"""The settlement calculation (issue 6, "calculate"): plain figures from the agreement and the
accepted final report in, explained lines out. Each line has a label, an amount and the formula
that produced it; lines with a `kind` are amounts to return (see budgets.returns for their due
dates and interest), the others inform.

Lines, in order (G = grant paid, S = spending from the grant reported, E = excess over shifts):
1. grant in the agreement, grant paid G (sum of paid tranches);
2. spending from the grant S (sum of the cost lines' grant-funded spending), S ≤ G;
3. unused grant U = G − S                                   → returned (R-SET-RETURN);
4. ineligible excess over the allowed shift E = Σ max(0, actual − planned × (100 + shift%) / 100)
                                                            → returned as paid in excess (R-AGR-SHIFT);
5. eligible spending from the grant S − E;
6. amounts found used against their purpose, unduly or in excess F (entered by the officer with
   a finding date)                                          → returned (R-SET-MISUSE);
7. own-contribution shortfall X (support contests: the agreement declares an own share d % with a
   tolerance t percentage points). With T = total costs of the task and O = own contribution
   (financial + non-financial) from the report, the excess E returned above is grant money for
   costs that stay in the task, so it counts as own money: O' = O + E, share a = O' / T × 100.
   If a < d − t:
       X = T × (d − t − a) / 100 = T × (d − t) / 100 − O'
   i.e. exactly the sum that, returned, lifts the own share back to d − t % of the same costs.
   Rounded half up to the grosz, capped at the grant still kept (S − E − F), never negative;
                                                            → returned as paid in excess;
8. bank interest earned on the grant I                     → returned with the unused grant.
Total to return = U + E + F + X + I. The principal returned never exceeds the grant paid."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from budgets.returns import Kind
from budgets.shift import LineSpending, ShiftError, compare
from grants.core.i18n import LazyText, _
from budgets.errors import BudgetError
from grants.core.money import CENT, HUNDRED, ZERO



class SettlementError(BudgetError):
    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Finding:
    """An amount the officer found used against its purpose (MISUSED), paid unduly (UNDUE) or in
    excess (EXCESSIVE), with the finding date (due date) and, for misuse, the transfer date
    (interest start)."""
    kind: Kind
    amount: Decimal
    found_on: date
    transferred_on: date | None = None
    note: str = ""


@dataclass(frozen=True)
class Figures:
    grant: Decimal  # in the agreement (current annex)
    paid: Decimal  # sum of paid tranches
    lines: tuple[LineSpending, ...]  # grant-funded planned vs actual per cost line
    shift_percent: Decimal  # R-AGR-SHIFT allowed %
    total_costs: Decimal  # actual total costs of the task (report)
    own_contribution: Decimal  # actual own contribution, financial + non-financial (report)
    declared_own_share: Decimal | None = None  # % in the agreement; None/0: no own-share check (entrustment)
    own_tolerance: Decimal = ZERO  # percentage points the share may fall
    bank_interest: Decimal = ZERO
    findings: tuple[Finding, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Line:
    code: str
    label: object  # LazyText
    amount: Decimal
    formula: object  # LazyText
    kind: Kind | None = None  # None: information, not returned
    finding: Finding | None = None


@dataclass(frozen=True)
class Settlement:
    lines: tuple[Line, ...]

    @property
    def returns(self) -> tuple[Line, ...]:
        return tuple(x for x in self.lines if x.kind is not None and x.amount > 0)

    @property
    def total_to_return(self) -> Decimal:
        return sum((x.amount for x in self.returns), ZERO)

    def line(self, code: str) -> Line:
        return next(x for x in self.lines if x.code == code)

    def amount(self, code: str) -> Decimal:
        return sum((x.amount for x in self.lines if x.code == code), ZERO)

    def by_kind(self) -> dict[Kind, Decimal]:
        out: dict[Kind, Decimal] = {}
        for x in self.returns:
            out[x.kind] = out.get(x.kind, ZERO) + x.amount
        return out


def _money(value, name: str, what) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)) or not Decimal(value).is_finite():
        raise SettlementError(_("%(w)s: kwota musi być liczbą dziesiętną.", w=what), name)
    d = Decimal(value)
    if d < 0:
        raise SettlementError(_("%(w)s: kwota nie może być ujemna.", w=what), name)
    if d != d.quantize(CENT, rounding=ROUND_HALF_UP):
        raise SettlementError(_("%(w)s: kwota musi być podana z dokładnością do grosza.", w=what), name)
    return d.quantize(CENT)


def _percent(value, name: str, what) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)) or not Decimal(value).is_finite() \
            or not 0 <= Decimal(value) <= 100:
        raise SettlementError(_("%(w)s: procent musi być liczbą od 0 do 100.", w=what), name)
    return Decimal(value)


def own_share_return(total_costs: Decimal, own: Decimal, declared: Decimal, tolerance: Decimal) -> Decimal:
    """X = max(0, T × (d − t) / 100 − O), half up to the grosz (uncapped)."""
    x = total_costs * (declared - tolerance) / HUNDRED - own
    return max(ZERO, x.quantize(CENT, rounding=ROUND_HALF_UP))


def _over(over) -> LazyText | str:
    """"; I.1: 56 000,00 − 55 000,00 = 1 000,00" per line over its limit, as a message (not an f-string) so
    the amounts are written as the reader writes them, in the reader's language when shown."""
    text: LazyText | str = ""
    for x in over:
        text = _("%(before)s; %(k)s: %(a)s − %(l)s = %(e)s", before=text, k=x.key, a=x.actual, l=x.limit, e=x.excess)
    return text


def calculate(f: Figures) -> Settlement:
    grant = _money(f.grant, "grant", _("Dotacja"))
    paid = _money(f.paid, "paid", _("Dotacja przekazana"))
    total = _money(f.total_costs, "total_costs", _("Koszty całkowite"))
    own = _money(f.own_contribution, "own_contribution", _("Wkład własny"))
    bank = _money(f.bank_interest, "bank_interest", _("Odsetki bankowe"))
    tolerance = _percent(f.own_tolerance, "own_tolerance", _("Tolerancja wkładu własnego"))
    declared = None if f.declared_own_share is None else _percent(f.declared_own_share, "declared_own_share",
                                                                  _("Zadeklarowany udział wkładu własnego"))
    if paid > grant:
        raise SettlementError(_("Przekazano %(p)s zł, więcej niż dotacja %(g)s zł.", p=paid, g=grant), "paid")
    try:
        shift = compare(list(f.lines), f.shift_percent)
    except ShiftError as e:
        raise SettlementError(e.message, "lines") from e
    spent = shift.actual
    if spent > paid:
        raise SettlementError(_("Wydatki z dotacji (%(s)s zł) przekraczają dotację przekazaną (%(p)s zł).",
                                s=spent, p=paid), "lines")
    if spent + own > total:
        raise SettlementError(_("Wydatki z dotacji (%(s)s zł) i wkład własny (%(o)s zł) przekraczają koszty "
                                "całkowite (%(t)s zł).", s=spent, o=own, t=total), "total_costs")
    unused = paid - spent
    excess = shift.excess
    eligible = spent - excess

    lines = [
        Line("grant", _("Dotacja według umowy"), grant, _("kwota z umowy (po aneksach)")),
        Line("paid", _("Dotacja przekazana"), paid, _("suma wypłaconych transz")),
        Line("spent", _("Wydatki z dotacji"), spent, _("suma wydatków z dotacji w pozycjach kosztorysu")),
        Line("unused", _("Niewykorzystana dotacja"), unused,
             _("przekazana − wydatki = %(p)s − %(s)s", p=paid, s=spent), Kind.UNUSED),
        Line("shift_excess", _("Nadwyżka ponad dopuszczalne przesunięcie (niekwalifikowalna)"), excess,
             _("Σ max(0, wydatki − plan × (100 + %(pct)s) / 100) po pozycjach%(over)s", pct=shift.percent,
               over=_over(shift.over)),
             Kind.EXCESSIVE),
        Line("eligible", _("Wydatki kwalifikowalne z dotacji"), eligible,
             _("wydatki − nadwyżka = %(s)s − %(e)s", s=spent, e=excess)),
    ]

    findings_total = ZERO
    for i, fd in enumerate(f.findings):
        kind = Kind(fd.kind)
        if kind.after_period:
            raise SettlementError(_("Ustalenie nr %(n)s: rodzaj musi być: niezgodnie z przeznaczeniem, nienależnie "
                                    "lub w nadmiernej wysokości.", n=i + 1), f"findings.{i}.kind")
        amount = _money(fd.amount, f"findings.{i}.amount", _("Ustalenie nr %(n)s", n=i + 1))
        if amount == 0:
            raise SettlementError(_("Ustalenie nr %(n)s: kwota musi być dodatnia.", n=i + 1), f"findings.{i}.amount")
        if kind is Kind.MISUSED and fd.transferred_on is None:
            raise SettlementError(_("Ustalenie nr %(n)s: dla dotacji wykorzystanej niezgodnie z przeznaczeniem "
                                    "potrzebna jest data przekazania (od niej liczy się odsetki).", n=i + 1),
                                  f"findings.{i}.transferred_on")
        findings_total += amount
        label = {Kind.MISUSED: _("Dotacja wykorzystana niezgodnie z przeznaczeniem"),
                 Kind.UNDUE: _("Dotacja pobrana nienależnie"),
                 Kind.EXCESSIVE: _("Dotacja pobrana w nadmiernej wysokości")}[kind]
        lines.append(Line(f"finding.{i}", label, amount,
                          _("ustalone %(d)s%(n)s", d=fd.found_on, n=f": {fd.note}" if fd.note else ""), kind, fd))
    if findings_total > eligible:
        raise SettlementError(_("Kwoty z ustaleń (%(f)s zł) przekraczają wydatki kwalifikowalne z dotacji (%(e)s zł).",
                                f=findings_total, e=eligible), "findings")

    kept = eligible - findings_total
    if declared is not None and declared > 0 and total > 0:
        own_eff = own + excess
        share = (own_eff * HUNDRED / total).quantize(CENT, rounding=ROUND_HALF_UP)
        minimum = declared - tolerance
        raw = own_share_return(total, own_eff, declared, tolerance)
        x = min(raw, kept)
        formula = _("udział = (wkład %(o)s + nadwyżka %(e)s) / koszty %(t)s × 100 = %(a)s%%; minimum = %(d)s − %(tol)s "
                    "= %(m)s%%; zwrot = koszty × (minimum − udział) / 100 = %(t)s × %(m)s / 100 − %(oe)s = %(r)s zł"
                    "%(cap)s", o=own, e=excess, t=total, a=share, d=declared, tol=tolerance, m=minimum, oe=own_eff,
                    r=raw, cap=_(" (≤ %(k)s)", k=kept) if raw > kept else "")
        if raw == 0:
            formula = _("udział = (wkład %(o)s + nadwyżka %(e)s) / koszty %(t)s × 100 = %(a)s%%, nie mniej niż "
                        "%(d)s − %(tol)s = %(m)s%%: brak zwrotu", o=own, e=excess, t=total, a=share, d=declared,
                        tol=tolerance, m=minimum)
        lines.append(Line("own_share", _("Zwrot za zbyt niski udział wkładu własnego"), x, formula, Kind.EXCESSIVE))
    else:
        lines.append(Line("own_share", _("Zwrot za zbyt niski udział wkładu własnego"), ZERO,
                          _("nie dotyczy (umowa nie wymaga wkładu własnego)")))
    lines.append(Line("bank_interest", _("Odsetki bankowe od dotacji"), bank, _("z rachunku dotacji, według sprawozdania"),
                      Kind.BANK_INTEREST))
    result = Settlement(tuple(lines))
    lines.append(Line("total", _("Razem do zwrotu"), result.total_to_return,
                      _("niewykorzystana + nadwyżka + ustalenia + wkład własny + odsetki bankowe")))
    return Settlement(tuple(lines))
