"""The offer's cost estimate (V.A), sources of financing (V.B) and split between joint
applicants (V.C): plain values in, problems out. R-OFF-COSTS, R-OFF-SOURCES, R-OFF-LIMITS, R-OFF-JOINT."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal

from grants.core.i18n import _
from grants.core.money import CENT, HUNDRED

ACTION, ADMIN = "action", "admin"
# 10 bln PLN: a line or an estimate above it is a typing error (and would not fit a Money column)
MAX_VALUE = Decimal("10000000000.00")


def q2(d: Decimal) -> Decimal:
    return d.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Problem:
    field: str
    rule: str | None
    message: object  # LazyText: rendered in the reader's language


@dataclass(frozen=True)
class Line:
    category: str  # ACTION (I. costs of actions) or ADMIN (II. administrative costs)
    action_no: int | None
    cost_type: str  # the contest's cost category code
    name: str
    unit: str
    unit_cost: Decimal
    units: Decimal
    by_year: dict  # {year: Decimal}; empty → the whole value in the task's first year
    by_partner: dict = field(default_factory=dict)  # {organisation id: Decimal} for joint offers (V.C)

    @property
    def value(self) -> Decimal:
        """R-OFF-COSTS: value = unit cost × number of units, in PLN to the grosz."""
        return q2(self.unit_cost * self.units)


@dataclass(frozen=True)
class Sources:
    """V.B: 2 requested grant; 3.1 financial own contribution; 3.2 non-financial (personal incl.
    volunteers, and in-kind); 4 payments from beneficiaries."""
    grant: Decimal
    own_financial: Decimal
    own_personal: Decimal
    own_in_kind: Decimal
    beneficiaries: Decimal

    @property
    def own_nonfinancial(self) -> Decimal:
        return self.own_personal + self.own_in_kind

    @property
    def own_total(self) -> Decimal:
        return self.own_financial + self.own_nonfinancial

    @property
    def total(self) -> Decimal:
        return self.grant + self.own_total + self.beneficiaries


@dataclass(frozen=True)
class Limits:
    """The contest's parameters an offer must respect (R-ANN-PARAMS)."""
    min_grant: Decimal | None = None
    max_grant: Decimal | None = None
    min_own_total_pct: Decimal = Decimal(0)
    min_own_financial_pct: Decimal = Decimal(0)
    min_own_nonfinancial_pct: Decimal = Decimal(0)
    max_admin_pct: Decimal | None = None
    eligible: frozenset = frozenset()  # empty: every category not listed as ineligible
    ineligible: frozenset = frozenset()
    form: str = "support"  # support (wspieranie) or entrustment (powierzanie)


def total(lines: list[Line]) -> Decimal:
    return sum((l.value for l in lines), Decimal("0.00"))


def admin_total(lines: list[Line]) -> Decimal:
    return sum((l.value for l in lines if l.category == ADMIN), Decimal("0.00"))


def share(part: Decimal, whole: Decimal) -> Decimal:
    """Percentage with two places (0 when the whole is 0)."""
    if whole == 0:
        return Decimal("0.00")
    return q2(part * HUNDRED / whole)


def _share_towards(part: Decimal, whole: Decimal, rounding: str) -> Decimal:
    """A share for a refusal message, rounded away from the limit it failed (9.999 % below a minimum
    of 10 % reads 9.99 %, not a contradictory 10.00 %)."""
    if whole == 0:
        return Decimal("0.00")
    return (part * HUNDRED / whole).quantize(CENT, rounding=rounding)


def shares(src: Sources) -> dict[str, Decimal]:
    t = src.total
    return {"grant": share(src.grant, t), "own_total": share(src.own_total, t),
            "own_financial": share(src.own_financial, t), "own_nonfinancial": share(src.own_nonfinancial, t),
            "own_personal": share(src.own_personal, t), "own_in_kind": share(src.own_in_kind, t),
            "beneficiaries": share(src.beneficiaries, t)}


def totals_by_year(lines: list[Line]) -> dict[int, Decimal]:
    out: dict[int, Decimal] = {}
    for l in lines:
        for year, v in l.by_year.items():
            out[int(year)] = out.get(int(year), Decimal("0.00")) + v
    return dict(sorted(out.items()))


def check_lines(lines: list[Line], years: list[int]) -> list[Problem]:
    """R-OFF-COSTS: positive values, grouped into actions and administrative costs, split by year."""
    out: list[Problem] = []
    if not lines:
        out.append(Problem("costs", "R-OFF-COSTS", _("Kosztorys musi mieć co najmniej jedną pozycję.")))
    for i, l in enumerate(lines):
        f = f"costs.{i}"
        if l.category not in (ACTION, ADMIN):
            out.append(Problem(f"{f}.category", "R-OFF-COSTS", _("Pozycja musi należeć do kosztów działań albo kosztów administracyjnych.")))
        if l.category == ACTION and not l.action_no:
            out.append(Problem(f"{f}.action_no", "R-OFF-COSTS", _("Koszt działania musi wskazywać numer działania.")))
        if not l.name.strip():
            out.append(Problem(f"{f}.name", "R-OFF-COSTS", _("Podaj rodzaj kosztu.")))
        if not l.unit.strip():
            out.append(Problem(f"{f}.unit", "R-OFF-COSTS", _("Podaj rodzaj miary.")))
        if l.unit_cost <= 0:
            out.append(Problem(f"{f}.unit_cost", "R-OFF-COSTS", _("Koszt jednostkowy musi być większy od zera.")))
        if l.units <= 0:
            out.append(Problem(f"{f}.units", "R-OFF-COSTS", _("Liczba jednostek musi być większa od zera.")))
        elif l.value > MAX_VALUE:
            out.append(Problem(f"{f}.units", "R-OFF-COSTS", _("Wartość pozycji (%(value)s) jest nierealnie duża.",
                                                              **{"value": l.value})))
        if l.by_year:
            unknown = [y for y in l.by_year if int(y) not in years]
            if unknown:
                out.append(Problem(f"{f}.by_year", "R-OFF-COSTS", _("Rok budżetowy poza okresem realizacji zadania: %(y)s.", **{"y": ", ".join(str(y) for y in unknown)})))
            split = sum(l.by_year.values(), Decimal("0.00"))
            if split != l.value:
                out.append(Problem(f"{f}.by_year", "R-OFF-COSTS",
                                   _("Podział na lata (%(split)s) nie równa się wartości pozycji (%(value)s).", **{"split": split, "value": l.value})))
        elif len(years) > 1:
            out.append(Problem(f"{f}.by_year", "R-OFF-COSTS", _("Zadanie wieloletnie: podziel wartość pozycji na lata.")))
    if total(lines) > MAX_VALUE:
        out.append(Problem("costs", "R-OFF-COSTS", _("Suma kosztów (%(value)s) jest nierealnie duża.",
                                                     **{"value": total(lines)})))
    return out


def check_sources(lines: list[Line], src: Sources) -> list[Problem]:
    """R-OFF-SOURCES: 2 + 3 + 4 = 1 exactly, no negative amounts."""
    out: list[Problem] = []
    for name in ("grant", "own_financial", "own_personal", "own_in_kind", "beneficiaries"):
        if getattr(src, name) < 0:
            out.append(Problem(f"sources.{name}", "R-OFF-SOURCES", _("Kwota nie może być ujemna.")))
    t = total(lines)
    if src.total != t:
        out.append(Problem("sources", "R-OFF-SOURCES",
                           _("Suma źródeł finansowania (%(sum)s) musi być równa całkowitym kosztom z kosztorysu (%(total)s).", **{"sum": src.total, "total": t})))
    return out


def check_limits(lines: list[Line], src: Sources, lim: Limits) -> list[Problem]:
    """R-OFF-LIMITS: the grant within min/max, own contributions and administrative costs within the
    contest's percentages, only eligible cost categories."""
    out: list[Problem] = []
    if lim.min_grant is not None and src.grant < lim.min_grant:
        out.append(Problem("sources.grant", "R-OFF-LIMITS", _("Wnioskowana dotacja jest niższa niż minimalna (%(min)s).", **{"min": lim.min_grant})))
    if lim.max_grant is not None and src.grant > lim.max_grant:
        out.append(Problem("sources.grant", "R-OFF-LIMITS", _("Wnioskowana dotacja przekracza maksymalną (%(max)s).", **{"max": lim.max_grant})))
    t = src.total
    if t > 0:
        for attr, minimum, message in (
                ("own_total", lim.min_own_total_pct,
                 _("Wkład własny ogółem stanowi %(share)s%%, wymagane co najmniej %(min)s%%.")),
                ("own_financial", lim.min_own_financial_pct,
                 _("Wkład własny finansowy stanowi %(share)s%%, wymagane co najmniej %(min)s%%.")),
                ("own_nonfinancial", lim.min_own_nonfinancial_pct,
                 _("Wkład własny niefinansowy stanowi %(share)s%%, wymagane co najmniej %(min)s%%."))):
            if minimum and getattr(src, attr) * HUNDRED < minimum * t:  # exact comparison, no rounding
                out.append(Problem(f"sources.{attr}", "R-OFF-LIMITS",
                                   _(message.msgid, share=_share_towards(getattr(src, attr), t, ROUND_DOWN),
                                     min=minimum)))
    ct = total(lines)
    if lim.max_admin_pct is not None and ct > 0 and admin_total(lines) * HUNDRED > lim.max_admin_pct * ct:
        out.append(Problem("costs", "R-OFF-LIMITS", _("Koszty administracyjne stanowią %(share)s%%, dopuszczalne %(max)s%%.", **{"share": _share_towards(admin_total(lines), ct, ROUND_UP), "max": lim.max_admin_pct})))
    for i, l in enumerate(lines):
        if l.cost_type in lim.ineligible or (lim.eligible and l.cost_type not in lim.eligible):
            out.append(Problem(f"costs.{i}.cost_type", "R-OFF-LIMITS",
                               _("Kategoria kosztu „%(c)s” nie jest kwalifikowalna w tym konkursie.", **{"c": l.cost_type})))
    return out


def check_joint(lines: list[Line], partner_ids: list[int]) -> list[Problem]:
    """R-OFF-JOINT: a joint offer names two or more organisations and V.C sums to V.A per line."""
    out: list[Problem] = []
    if not partner_ids:
        return out
    allowed = {str(p) for p in partner_ids}
    for i, l in enumerate(lines):
        split = sum(l.by_partner.values(), Decimal("0.00"))
        if not l.by_partner or split != l.value:
            out.append(Problem(f"costs.{i}.by_partner", "R-OFF-JOINT",
                               _("Podział kosztu między oferentów (%(split)s) musi być równy wartości pozycji (%(value)s).", **{"split": split, "value": l.value})))
        unknown = [k for k in l.by_partner if str(k) not in allowed]
        if unknown:
            out.append(Problem(f"costs.{i}.by_partner", "R-OFF-JOINT", _("Podział wskazuje organizację spoza oferty wspólnej.")))
    return out
