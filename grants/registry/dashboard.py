"""Figures across departments (S14), from SQL aggregates (one GROUP BY query per figure, no loops
over rows): funds planned, announced, awarded, paid and returned; contests, offers per contest and the
success rate; days from the deadline to the results, to the agreement and to the first payment;
organisations served for the first time; reports and returns overdue. Grouped by department, year,
field of public benefit, district (the organisation's) or call type; filtered by year and department.

The public version counts only published facts: no planned budget (the plan is a draft until the
announcement) and no overdue counts (they concern named organisations' obligations)."""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from markupsafe import escape
from sqlalchemy import DateTime, case, cast, func, select
from sqlalchemy.orm import Session

from grants.agreements.models import Agreement, Tranche
from grants.calltypes import registry as call_types
from grants.contests.models import Contest
from grants.core import clock
from grants.core.i18n import _
from grants.offers.models import Offer
from grants.reports.models import Report
from grants.settlements.models import ReturnPayment, Settlement

from .dictionaries import DISTRICTS, FIELDS
from .models import Department, Grantor, Organisation

PLANNED_STATES = ("planned", "draft")
ANNOUNCED_STATES = ("published", "closed", "formal_review", "evaluation", "decided", "concluded")
DECIDED_STATES = ("decided", "concluded")
SELECTED_OFFER_STATES = ("selected", "update_required", "ready_for_agreement")
SIGNED_STATES = ("signed", "in_progress", "reporting", "settling", "closed", "terminated")
OPEN_REPORT_STATES = ("draft", "needs_correction")

#: what a row is: its grouping column (the district is the organisation's, so only offer-side
#: figures have one) and its label
DIMENSIONS = {
    "department": _("Wydział"), "grantor": _("Organ dotujący"), "year": _("Rok"), "field": _("Sfera pożytku publicznego"),
    "district": _("Dzielnica"), "call_type": _("Rodzaj naboru"),
}
#: every figure: key, label, unit ("zł", "" for counts, "%", "dni"), shown to the public?
COLUMNS = (
    ("planned", _("Zaplanowane"), "zł", False),
    ("announced", _("Ogłoszone"), "zł", True),
    ("awarded", _("Przyznane"), "zł", True),
    ("paid", _("Wypłacone"), "zł", True),
    ("returned", _("Zwrócone"), "zł", True),
    ("contests", _("Konkursy"), "", True),
    ("offers", _("Oferty"), "", True),
    ("offers_per_contest", _("Ofert na konkurs"), "", True),
    ("success", _("Odsetek wybranych ofert"), "%", True),
    ("first_time", _("Organizacje po raz pierwszy"), "", True),
    ("days_to_results", _("Dni od terminu do wyników"), "days", True),
    ("days_to_agreement", _("Dni od terminu do umowy"), "days", True),
    ("days_to_payment", _("Dni od terminu do pierwszej wypłaty"), "days", True),
    ("reports_overdue", _("Sprawozdania po terminie"), "", False),
    ("returns_overdue", _("Zwroty po terminie"), "", False),
)
UNITS = {"zł": "zł", "%": "%", "days": _("dni"), "": ""}
OBLIGATIONS = "obligations"  # the query whose rows are settlements' obligations, not sums
CONTEST_SIDE = ("planned", "announced", "contests", "days_to_results")


@dataclass(frozen=True)
class Filters:
    by: str = "department"
    year: int | None = None
    department_id: int | None = None
    public: bool = False
    grantor_id: int | None = None  # staff see their own authority's figures only (issue 22)


def columns(public: bool) -> list[tuple[str, str, str]]:
    return [(k, label, unit) for k, label, unit, open_ in COLUMNS if open_ or not public]


def _group(by: str):
    return {"department": Contest.department_id, "grantor": Contest.grantor_id, "year": Contest.year, "field": Contest.field,
            "district": Organisation.district, "call_type": Contest.call_type}[by]


def _where(q, f: Filters):
    if f.year:
        q = q.where(Contest.year == f.year)
    if f.department_id:
        q = q.where(Contest.department_id == f.department_id)
    if f.grantor_id:
        q = q.where(Contest.grantor_id == f.grantor_id)
    return q


def _days(session: Session, start, end):
    """Days between two moments (or a date and a moment) as a number, in the database's own terms."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", cast(end, DateTime(timezone=True)) - start) / 86400
    return func.julianday(end) - func.julianday(start)


def _offer_side(q, by: str):
    """An offer-side query, joined to its organisation when rows are districts."""
    return q.join(Organisation, Organisation.id == Offer.organisation_id) if by == "district" else q


def queries(session: Session, f: Filters, today: date) -> list[tuple]:
    """The aggregates behind `figures`: (query, names of its columns after the grouping one). The
    last one of the staff's view reads the settlements awaiting a return (see `_late`)."""
    g = _group(f.by)
    decided = Contest.state.in_(DECIDED_STATES)
    out = []

    def add(q, *names):
        out.append((_where(q.group_by(g) if names[0] != OBLIGATIONS else q, f), names))

    def by_agreement(q):
        q = q.join(Contest, Contest.id == Agreement.contest_id)
        return q.join(Organisation, Organisation.id == Agreement.organisation_id) if f.by == "district" else q

    if f.by != "district":
        add(select(g, func.sum(case((Contest.state.in_(PLANNED_STATES), Contest.budget))),
                   func.sum(case((Contest.state.in_(ANNOUNCED_STATES), Contest.budget))),
                   func.count(case((Contest.state.in_(ANNOUNCED_STATES), Contest.id))),
                   func.avg(case((Contest.state.in_(DECIDED_STATES),
                                  _days(session, Contest.deadline, Contest.results_published_at))))),
            "planned", "announced", "contests", "days_to_results")
    add(_offer_side(select(g, func.sum(Offer.awarded_grant), func.count(Offer.id),
                           func.count(case((Offer.state.in_(SELECTED_OFFER_STATES), Offer.id))),
                           func.count(func.distinct(Offer.contest_id))).select_from(Offer)
                    .join(Contest, Contest.id == Offer.contest_id), f.by).where(decided),
        "awarded", "offers", "selected", "decided_contests")
    # organisations whose first selected offer is in this row's year (among all years, all departments)
    first_year = (select(Offer.organisation_id, func.min(Contest.year).label("y"))
                  .join(Contest, Contest.id == Offer.contest_id)
                  .where(Offer.state.in_(SELECTED_OFFER_STATES), decided).group_by(Offer.organisation_id).subquery())
    add(_offer_side(select(g, func.count(func.distinct(Offer.organisation_id))).select_from(Offer)
                    .join(Contest, Contest.id == Offer.contest_id)
                    .join(first_year, (first_year.c.organisation_id == Offer.organisation_id)
                          & (first_year.c.y == Contest.year)), f.by)
        .where(Offer.state.in_(SELECTED_OFFER_STATES), decided), "first_time")
    add(by_agreement(select(g, func.sum(Tranche.paid_amount)).select_from(Tranche)
                     .join(Agreement, Agreement.id == Tranche.agreement_id)).where(Tranche.state == "paid"), "paid")
    add(by_agreement(select(g, func.sum(ReturnPayment.amount)).select_from(ReturnPayment)
                     .join(Settlement, Settlement.id == ReturnPayment.settlement_id)
                     .join(Agreement, Agreement.id == Settlement.agreement_id)), "returned")
    add(by_agreement(select(g, func.avg(_days(session, Contest.deadline, Agreement.signed_by_grantor_on)))
                     .select_from(Agreement))
        .where(Agreement.state.in_(SIGNED_STATES), Agreement.signed_by_grantor_on.is_not(None)), "days_to_agreement")
    first_paid = (select(Tranche.agreement_id, func.min(Tranche.paid_on).label("on"))
                  .where(Tranche.state == "paid").group_by(Tranche.agreement_id).subquery())
    add(by_agreement(select(g, func.avg(_days(session, Contest.deadline, first_paid.c.on))).select_from(Agreement)
                     .join(first_paid, first_paid.c.agreement_id == Agreement.id)), "days_to_payment")
    if not f.public:
        due = func.coalesce(case((Report.state == "needs_correction", Report.correction_due)), Report.due_on)
        add(by_agreement(select(g, func.count(Report.id)).select_from(Report)
                         .join(Agreement, Agreement.id == Report.agreement_id))
            .where(Report.state.in_(OPEN_REPORT_STATES), due < today), "reports_overdue")
        add(by_agreement(select(g, Settlement.obligations).select_from(Settlement)
                         .join(Agreement, Agreement.id == Settlement.agreement_id))
            .where(Settlement.state == "awaiting_return"), OBLIGATIONS)
    return out


def figures(session: Session, f: Filters, today: date) -> list[dict]:
    """One row per value of the grouping, each with every figure of `columns(f.public)`."""
    return _finish(session, f, _aggregate(session, f, today))


#: the public figures are counted again at most this often in a process: at the national size their
#: aggregates read every offer (about a million: 3-5 s a page, issue 20); they are published facts,
#: and the page says when they were counted
KEEP_PUBLIC = timedelta(minutes=10)
_KEPT_MAX = 64  # filter combinations kept (the least recently asked go first)
_kept: OrderedDict[tuple, tuple[datetime, dict]] = OrderedDict()
_kept_lock = threading.Lock()


def published(session: Session, f: Filters, today: date) -> tuple[list[dict], datetime]:
    """The public figures for `f` (as `figures`) and when they were counted: at most once per
    KEEP_PUBLIC for the same filters and day. Labels are made on each call (the reader's language)."""
    key, now = (f, today), clock.real_now()
    with _kept_lock:
        found = _kept.get(key)
        if found is not None and now - found[0] < KEEP_PUBLIC:
            _kept.move_to_end(key)
    if found is None or now - found[0] >= KEEP_PUBLIC:
        found = (now, _aggregate(session, f, today))
        with _kept_lock:
            _kept[key] = found
            _kept.move_to_end(key)
            while len(_kept) > _KEPT_MAX:
                _kept.popitem(last=False)
    return _finish(session, f, found[1]), found[0]


def forget() -> None:
    """Drops the kept public figures (a database emptied and filled again: the tests)."""
    with _kept_lock:
        _kept.clear()


def _aggregate(session: Session, f: Filters, today: date) -> dict:
    """The aggregates' rows by grouping value, before labels and derived figures."""
    rows: dict = {}
    for query, names in queries(session, f, today):
        for r in session.execute(query):
            row = rows.setdefault(r[0], {})
            if names[0] == OBLIGATIONS:
                row["returns_overdue"] = (row.get("returns_overdue") or 0) + (1 if _late(r[1], today) else 0)
            else:
                row.update({n: r[i + 1] for i, n in enumerate(names)})
    return rows


def _late(obligations, today: date) -> bool:
    """A settlement awaiting a return with an obligation past due and not transferred (the due dates
    live in the settlement's obligations, so the few settlements awaiting a return are read)."""
    return any(o.get("due") and not o.get("transferred_on") and str(o["due"])[:10] < today.isoformat()
               for o in obligations or [] if isinstance(o, dict))


def _label(by: str, key) -> str:
    if key is None:
        return str(_("nie wskazano"))
    if by == "field":
        return str(FIELDS.get(key, key))
    if by == "district":
        return f"{key} {DISTRICTS.get(key, '')}".strip()
    if by == "call_type":
        ct = call_types().get(key)
        return str(ct.label) if ct is not None else key
    return str(key)


def _short(label: str, width: int = 28) -> str:
    """A chart's label within its column; the table beside it has the whole name."""
    return label if len(label) <= width else label[:width - 1].rstrip() + "…"


def _finish(session: Session, f: Filters, rows: dict) -> list[dict]:
    # a department or an authority by its name: a code ("KD", "SZ") tells a reader nothing
    named = {"department": Department, "grantor": Grantor}.get(f.by)
    names = dict(session.execute(select(named.id, named.name)).all()) if named is not None else {}
    out = []
    for key, v in rows.items():
        offers, selected = v.get("offers") or 0, v.get("selected") or 0
        decided = v.get("decided_contests") or 0
        row = {"key": key, "label": names.get(key, "—") if named is not None else _label(f.by, key)}
        for k, _label_, unit in columns(f.public):
            value = v.get(k)
            if unit == "zł":
                value = value or Decimal("0")
            elif unit == "days":
                value = None if value is None else Decimal(str(value)).quantize(Decimal("0.1"))
            elif k not in ("success", "offers_per_contest"):
                value = value or 0
            row[k] = value
        row["success"] = (Decimal(selected) * 100 / offers).quantize(Decimal("0.1")) if offers else None
        row["offers_per_contest"] = (Decimal(offers) / decided).quantize(Decimal("0.1")) if decided else None
        if f.by == "district":  # a contest has no district: its own figures do not split by one
            for k in CONTEST_SIDE:
                if k in row:
                    row[k] = None
        out.append(row)
    out.sort(key=lambda r: (r["key"] is None, str(r["label"]) if f.by != "year" else str(r["key"])))
    return out


def funds(session: Session, *, year: int | None = None, department_id: int | None = None,
          public: bool = False) -> list[dict]:
    """Per department (kept for callers of the first version): the figures with the department's code."""
    rows = figures(session, Filters("department", year, department_id, public), clock.today())
    return [dict(r, department=r["label"]) for r in rows]


def bar_chart(ident: str, title: str, description: str, items: list[tuple[str, Decimal]], unit: str = "zł") -> str:
    """An accessible SVG bar chart (role img, title and description; values written on the bars, so
    nothing depends on colour). Escaped text; no script, no external resource."""
    width, bar_h, gap, label_w = 640, 22, 8, 200
    top = max((v for _l, v in items), default=Decimal("0")) or Decimal("1")
    height = len(items) * (bar_h + gap) + gap
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" height="{height}" '
             f'viewBox="0 0 {width} {height}" preserveAspectRatio="xMinYMin meet" '
             f'aria-labelledby="t-{ident} d-{ident}">',
             f'<title id="t-{ident}">{escape(title)}</title>',
             f'<desc id="d-{ident}">{escape(description)}</desc>']
    for i, (label, value) in enumerate(items):
        y = gap + i * (bar_h + gap)
        w = int((width - label_w - 150) * (value / top)) if value else 0
        text = f"{value:,.2f}".replace(",", " ").replace(".", ",") if unit == "zł" else f"{value}".replace(".", ",")
        parts.append(f'<text x="0" y="{y + 15}" font-size="13" fill="#1a1a1a">{escape(_short(str(label)))}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="#1f4e8c" stroke="#000"/>'
                     f'<text x="{label_w + w + 6}" y="{y + 15}" font-size="13" fill="#1a1a1a">'
                     f'{escape(text)} {escape(unit)}</text>')
    parts.append("</svg>")
    return "".join(parts)
