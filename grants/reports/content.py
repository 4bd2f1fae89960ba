"""What a report states (R-REP-CONTENT) and its checks: expenditure consistent with the sources, each
grant-funded cost line compared with the agreement's allowed shift (R-AGR-SHIFT), excess shown as ineligible."""
from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, Field, ValidationError

from budgets import shift
from grants.calltypes import get
from grants.core.i18n import _
from grants.core import validation_messages
from grants.core.numbers import money_text_type
from grants.offers.content import Sources as PlannedSources

Amount = money_text_type()


class ResultAchieved(BaseModel):
    model_config = {"extra": "forbid"}
    result: str = Field(max_length=500)
    planned: str = Field(default="", max_length=200)
    achieved: str = Field(default="", max_length=200)
    comment: str = Field(default="", max_length=2000)


class Expenditure(BaseModel):
    model_config = {"extra": "forbid"}
    line: int = Field(ge=0, le=300)  # index of the agreement's cost line
    from_grant: Amount = "0.00"
    from_other: Amount = "0.00"


class ReportSources(PlannedSources):
    """The sources spent, in the offer's categories (R-REP-CONTENT); the grant is stated, not derived."""
    grant: Amount = "0.00"


class ReportContent(BaseModel):
    model_config = {"extra": "forbid"}
    narrative: str = Field(default="", max_length=20000)
    results: list[ResultAchieved] = Field(default_factory=list, max_length=50)
    expenditure: list[Expenditure] = Field(default_factory=list, max_length=300)
    sources: ReportSources = Field(default_factory=ReportSources)
    income: Amount = "0.00"
    bank_interest: Amount = "0.00"
    # the call type's own section (indicators, ventures, a pilot's evaluation), checked by its report_model
    call: dict = Field(default_factory=dict)


def load(data: dict, grammar: str = "json") -> ReportContent:
    """`grammar`: how numbers are read (grants.core.numbers), "typed" for what a form posted."""
    return ReportContent.model_validate(data or {}, context={"grammar": grammar})


def planned_lines(agreement) -> list[dict]:
    return (agreement.content or {}).get("content", {}).get("costs", [])


def planned_value(line: dict) -> Decimal:
    return (Decimal(line.get("unit_cost", "0")) * Decimal(line.get("units", "0"))).quantize(Decimal("0.01"))


def shift_result(report):
    """R-AGR-SHIFT per line: planned from the agreement, actual grant-funded spending from the report."""
    c = load(report.content)
    lines = planned_lines(report.agreement)
    spending = []
    for e in c.expenditure:
        if e.line < len(lines):
            spending.append(shift.LineSpending(key=lines[e.line].get("name") or f"#{e.line}",
                                               planned=planned_value(lines[e.line]), actual=Decimal(e.from_grant)))
    return shift.compare(spending, report.agreement.shift_pct)


def problems(report) -> list[dict]:
    """Problems that block submission; the shift excess is not one of them (it is shown, and returned)."""
    out = []
    try:
        c = load(report.content)
    except ValidationError as e:
        return validation_messages.errors_of(e)
    if not c.narrative.strip():
        out.append({"field": "narrative", "message": str(_("Opisz, co zostało zrealizowane."))})
    if not c.results:
        out.append({"field": "results", "message": str(_("Podaj osiągnięte rezultaty wobec zaplanowanych."))})
    lines = planned_lines(report.agreement)
    seen = set()
    for i, e in enumerate(c.expenditure):
        if e.line >= len(lines):
            out.append({"field": f"expenditure.{i}.line", "message": str(_("Nie ma takiej pozycji kosztorysu."))})
        if e.line in seen:
            out.append({"field": f"expenditure.{i}.line", "message": str(_("Pozycja kosztorysu podana dwukrotnie."))})
        seen.add(e.line)
    grant_spent = sum((Decimal(e.from_grant) for e in c.expenditure), Decimal("0.00"))
    other_spent = sum((Decimal(e.from_other) for e in c.expenditure), Decimal("0.00"))
    s = c.sources
    if Decimal(s.grant) != grant_spent:
        out.append({"field": "sources.grant", "message": str(_("Wydatki z dotacji w pozycjach (%(a)s) różnią się od "
                                                               "kwoty dotacji w źródłach (%(b)s).", a=grant_spent, b=s.grant))})
    others = Decimal(s.own_financial) + Decimal(s.own_personal) + Decimal(s.own_in_kind) + Decimal(s.beneficiaries)
    if others != other_spent:
        out.append({"field": "sources", "message": str(_("Wydatki z innych źródeł w pozycjach (%(a)s) różnią się od "
                                                         "sumy wkładu własnego i świadczeń (%(b)s).", a=other_spent, b=others))})
    if report.kind == "final" and grant_spent > report.agreement.grant:
        out.append({"field": "sources.grant", "message": str(_("Wydatki z dotacji przekraczają dotację z umowy."))})
    out += call_type_of(report).extra_report_problems(report)
    return out


def call_type_of(report):
    return get(report.agreement.contest.call_type)


Sources = ReportSources  # the name the area used (its schema is documented as ReportSources)
