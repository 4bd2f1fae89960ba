"""Figures across departments (S14), from SQL aggregates (one GROUP BY query per figure, no loops
over rows): funds planned, announced and awarded by department, offers and success rate. The public
version counts only published contests and decided results: no draft or confidential figure."""
from __future__ import annotations

from decimal import Decimal

from markupsafe import escape
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from grants.contests.models import Contest
from grants.offers.models import Offer

from .models import Department

PLANNED_STATES = ("planned", "draft")
ANNOUNCED_STATES = ("published", "closed", "formal_review", "evaluation", "decided", "concluded")
DECIDED_STATES = ("decided", "concluded")
SELECTED_OFFER_STATES = ("selected", "update_required", "ready_for_agreement")


def _filters(q, year: int | None, department_id: int | None):
    if year:
        q = q.where(Contest.year == year)
    if department_id:
        q = q.where(Contest.department_id == department_id)
    return q


def funds(session: Session, *, year: int | None = None, department_id: int | None = None,
          public: bool = False) -> list[dict]:
    """Per department: planned (staff only), announced and awarded (in decided contests)."""
    planned = func.sum(case((Contest.state.in_(PLANNED_STATES), Contest.budget), else_=None))
    announced = func.sum(case((Contest.state.in_(ANNOUNCED_STATES), Contest.budget), else_=None))
    q = _filters(select(Contest.department_id, planned.label("planned"), announced.label("announced"))
                 .group_by(Contest.department_id), year, department_id)
    rows = {r.department_id: {"planned": r.planned, "announced": r.announced} for r in session.execute(q)}
    q = _filters(select(Contest.department_id, func.sum(Offer.awarded_grant).label("awarded"),
                        func.count(Offer.id).label("offers"),
                        func.count(case((Offer.state.in_(SELECTED_OFFER_STATES), Offer.id))).label("selected"))
                 .join(Contest, Contest.id == Offer.contest_id).where(Contest.state.in_(DECIDED_STATES))
                 .group_by(Contest.department_id), year, department_id)
    for r in session.execute(q):
        rows.setdefault(r.department_id, {}).update(awarded=r.awarded, offers=r.offers, selected=r.selected)
    names = dict(session.execute(select(Department.id, Department.code)).all())
    out = []
    for dept_id, v in sorted(rows.items(), key=lambda kv: names.get(kv[0], "")):
        offers = v.get("offers") or 0
        row = {"department": names.get(dept_id, "—"), "announced": v.get("announced") or Decimal("0"),
               "awarded": v.get("awarded") or Decimal("0"), "offers": offers,
               "success": (Decimal(v.get("selected") or 0) * 100 / offers).quantize(Decimal("0.1")) if offers else None}
        if not public:
            row["planned"] = v.get("planned") or Decimal("0")
        out.append(row)
    return out


def bar_chart(ident: str, title: str, description: str, items: list[tuple[str, Decimal]], unit: str = "zł") -> str:
    """An accessible SVG bar chart (role img, title and description; values written on the bars, so
    nothing depends on colour). Escaped text; no script, no external resource."""
    width, bar_h, gap, label_w = 640, 22, 8, 120
    top = max((v for _l, v in items), default=Decimal("0")) or Decimal("1")
    height = len(items) * (bar_h + gap) + gap
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" aria-labelledby="t-{ident} d-{ident}">',
             f'<title id="t-{ident}">{escape(title)}</title>',
             f'<desc id="d-{ident}">{escape(description)}</desc>']
    for i, (label, value) in enumerate(items):
        y = gap + i * (bar_h + gap)
        w = int((width - label_w - 140) * (value / top)) if value else 0
        parts.append(f'<text x="0" y="{y + 15}" font-size="13" fill="#1a1a1a">{escape(label)}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="#1f4e8c" stroke="#000"/>'
                     f'<text x="{label_w + w + 6}" y="{y + 15}" font-size="13" fill="#1a1a1a">'
                     f'{escape(f"{value:,.2f}".replace(",", " "))} {escape(unit)}</text>')
    parts.append("</svg>")
    return "".join(parts)
