"""Everything an offer must satisfy at submission (and shown while editing): required sections
(R-OFF-SECTIONS), cost estimate (R-OFF-COSTS), sources (R-OFF-SOURCES), the contest's limits
(R-OFF-LIMITS), joint offers (R-OFF-JOINT), the call type's own checks."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from budgets import cost_estimate as ce
from grants.calltypes import get
from grants.core.i18n import _
from grants.documents import attachments

from .content import DECLARATIONS, Content, load


@dataclass(frozen=True)
class Issue:
    field: str
    rule: str | None
    text: str


def lines_of(c: Content, fallback_year: int | None) -> list[ce.Line]:
    out = []
    for l in c.costs:
        by_year = {int(y): Decimal(v) for y, v in l.by_year.items()}
        value = ce.q2(Decimal(l.unit_cost) * Decimal(l.units))  # R-OFF-COSTS: half up, as Line.value
        if not by_year and fallback_year:
            by_year = {fallback_year: value}
        out.append(ce.Line(category=l.category, action_no=l.action_no, cost_type=l.cost_type, name=l.name,
                           unit=l.unit, unit_cost=Decimal(l.unit_cost), units=Decimal(l.units), by_year=by_year,
                           by_partner={k: Decimal(v) for k, v in l.by_partner.items()}))
    return out


def sources_of(c: Content, lines: list[ce.Line]) -> ce.Sources:
    s = c.sources
    own = Decimal(s.own_financial) + Decimal(s.own_personal) + Decimal(s.own_in_kind) + Decimal(s.beneficiaries)
    grant = Decimal(s.grant) if s.grant is not None else ce.total(lines) - own
    return ce.Sources(grant=grant, own_financial=Decimal(s.own_financial), own_personal=Decimal(s.own_personal),
                      own_in_kind=Decimal(s.own_in_kind), beneficiaries=Decimal(s.beneficiaries))


def limits_of(contest) -> ce.Limits:
    return ce.Limits(min_grant=contest.min_grant, max_grant=contest.max_grant,
                     min_own_total_pct=contest.min_own_total_pct or Decimal(0),
                     min_own_financial_pct=contest.min_own_financial_pct or Decimal(0),
                     min_own_nonfinancial_pct=contest.min_own_nonfinancial_pct or Decimal(0),
                     max_admin_pct=contest.max_admin_pct, eligible=frozenset(contest.eligible_categories or []),
                     ineligible=frozenset(contest.ineligible_categories or []), form=contest.form)


#: R-OFF-SECTIONS: what each section must state, by the field of its model (empty: missing)
REQUIRED = {
    "basic": {"task_type": _("I. Podaj rodzaj zadania publicznego.")},
    "applicant": {"contact_person": _("II. Podaj osobę do kontaktu."),
                  "contact_email": _("II. Podaj adres e-mail do kontaktu.")},
    "task": {
        "title": _("III. Podaj tytuł zadania."),
        "start_date": _("III. Podaj datę rozpoczęcia zadania."),
        "end_date": _("III. Podaj datę zakończenia zadania."),
        "place": _("III. Opisz miejsce realizacji zadania."),
        "target_group": _("III. Opisz grupę docelową."),
        "need": _("III. Opisz potrzebę, na którą odpowiada zadanie."),
        "summary": _("III. Podaj syntetyczny opis zadania."),
        "expected_results": _("III. Opisz zakładane rezultaty."),
    },
    "profile": {"experience": _("IV. Opisz doświadczenie oferenta.")},
}


def _required(c: Content) -> list[Issue]:
    r = "R-OFF-SECTIONS"
    out = [Issue(f"{section}.{name}", r, str(message)) for section, fields in REQUIRED.items()
           for name, message in fields.items() if not getattr(getattr(c, section), name)]
    if not [a for a in c.task.actions if a.name]:
        out.append(Issue("task.actions", r, str(_("III. Podaj plan i harmonogram: co najmniej jedno działanie."))))
    if not [x for x in c.task.results if x.result and x.planned_value]:
        out.append(Issue("task.results", r, str(_("III. Podaj tabelę rezultatów: rezultat i planowaną wartość."))))
    missing = [d for d in DECLARATIONS if d not in c.declarations.accepted]
    if missing:
        out.append(Issue("declarations", r, str(_("VII. Zaznacz wszystkie oświadczenia (%(n)s brakuje).", n=len(missing)))))
    return out


def problems(contest, content: dict, organisation_id: int, partner_ids: list[int], *, session=None,
             offer=None, parsed: Content | None = None) -> list[Issue]:
    """`parsed`: `content` already parsed (`load`), when the caller has it."""
    c = parsed if parsed is not None else load(content)
    out = _required(c)
    t = c.task
    years: list[int] = []
    if t.start_date and t.end_date:
        if t.end_date < t.start_date:
            out.append(Issue("task.end_date", "R-OFF-SECTIONS", str(_("Zadanie nie może kończyć się przed rozpoczęciem."))))
        else:
            years = list(range(t.start_date.year, t.end_date.year + 1))
        if contest.task_start and t.start_date < contest.task_start:
            out.append(Issue("task.start_date", "R-OFF-LIMITS",
                             str(_("Zadanie nie może zacząć się przed %(d)s (ogłoszenie).", d=contest.task_start))))
        if contest.task_end and t.end_date > contest.task_end:
            out.append(Issue("task.end_date", "R-OFF-LIMITS",
                             str(_("Zadanie musi skończyć się najpóźniej %(d)s (ogłoszenie).", d=contest.task_end))))
    lines = lines_of(c, years[0] if len(years) == 1 else None)
    problems_ = ce.check_lines(lines, years or [l_year for l in lines for l_year in l.by_year])
    n_actions = len(t.actions)
    for i, l in enumerate(lines):
        if l.category == ce.ACTION and l.action_no and l.action_no > n_actions:
            out.append(Issue(f"costs.{i}.action_no", "R-OFF-COSTS",
                             str(_("Pozycja wskazuje działanie nr %(n)s, którego nie ma w planie.", n=l.action_no))))
    src = sources_of(c, lines)
    problems_ += ce.check_sources(lines, src)
    problems_ += ce.check_limits(lines, src, limits_of(contest))
    if partner_ids:
        if organisation_id in partner_ids:
            out.append(Issue("partners", "R-OFF-JOINT", str(_("Oferent wiodący nie może być swoim partnerem."))))
        problems_ += ce.check_joint(lines, [organisation_id, *partner_ids])
    problems_ += get(contest.call_type).extra_offer_problems(contest, content, session=session, offer=offer)
    out += [Issue(p.field, p.rule, str(p.message)) for p in problems_]
    if session is not None and offer is not None:  # the contest's required attachments (grants.documents)
        out += [Issue("attachments", None, str(_("Brakuje wymaganego załącznika: %(k)s.", k=label)))
                for label in attachments.missing_required(session, offer)]
    return out


def problems_for(session, offer, parsed: Content | None = None) -> list[Issue]:
    return problems(offer.contest, offer.content, offer.organisation_id, offer.partner_ids, session=session, offer=offer,
                    parsed=parsed)


def figures(content: dict, parsed: Content | None = None) -> dict:
    """Totals and shares for display (V.A sums, V.B shares); `parsed`: `content` already parsed."""
    c = parsed if parsed is not None else load(content)
    years = []
    if c.task.start_date and c.task.end_date and c.task.end_date >= c.task.start_date:
        years = list(range(c.task.start_date.year, c.task.end_date.year + 1))
    lines = lines_of(c, years[0] if len(years) == 1 else None)
    src = sources_of(c, lines)
    return {"lines": lines, "total": ce.total(lines), "admin": ce.admin_total(lines), "by_year": ce.totals_by_year(lines),
            "sources": src, "shares": ce.shares(src)}
