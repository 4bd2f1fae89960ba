"""Dashboards across departments (S14): staff see every figure; the public page only published
ones. Filters in the URL (?by=&year=&department=), so a view can be shared; the same figures as CSV
or XLSX (?format=csv|xlsx)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from grants.core import clock, db, spreadsheets
from grants.core.i18n import _
from grants.core.permissions import ADMIN, OFFICER, actor_grantor, has_role
from grants.education import operations as education
from grants.partnerships import operations as partnerships
from grants.services import operations as services

from . import authorities, dashboard
from .models import Department

bp = Blueprint("dashboards", __name__, url_prefix="/dashboards", template_folder="templates")
CHARTS = ("announced", "awarded", "paid", "offers")


def _int(name):
    v = request.args.get(name, "")
    return int(v) if v.isdigit() and len(v) < 10 else None


def _download(fmt: str, f: dashboard.Filters, rows: list[dict], columns):
    header = [str(dashboard.DIMENSIONS[f.by])] + [f"{label} ({dashboard.UNITS[unit]})" if unit else str(label)
                                                   for _k, label, unit in columns]
    body = [[r["label"]] + [r[k] for k, _l, _u in columns] for r in rows]
    name = f"dotacje-w-liczbach-{f.by}" + (f"-{f.year}" if f.year else "")
    if fmt == "csv":
        return Response(spreadsheets.csv_text([header] + body, delimiter=";"), mimetype=spreadsheets.CSV_MIMETYPE,
                        headers={"Content-Disposition": f"attachment; filename={name}.csv"})
    wb, ws = spreadsheets.workbook(str(_("Dotacje w liczbach")), header)
    for line in body:
        spreadsheets.append_row(ws, line)
    spreadsheets.finish(ws, money_columns=[i + 2 for i, (_k, _l, unit) in enumerate(columns) if unit == "zł"])
    return Response(spreadsheets.xlsx_bytes(wb).getvalue(), mimetype=spreadsheets.XLSX_MIMETYPE,
                    headers={"Content-Disposition": f"attachment; filename={name}.xlsx"})


def _page(public: bool):
    # staff: their authority's figures (drafts included); the public page: every authority's published
    # ones, or one authority's (?grantor=<code>, linked from its portal: issue 22)
    authority = None
    if public and request.args.get("grantor"):
        authority = authorities.by_code(db.session(), request.args["grantor"])
        if authority is None:
            abort(404)
    # every authority's figures are first shown by authority (hundreds of departments nationally)
    by = request.args.get("by") or ("grantor" if public and authority is None and authorities.several(db.session())
                                    else "department")
    if by not in dashboard.DIMENSIONS:
        by = "department"
    f = dashboard.Filters(by, _int("year"), _int("department"), public,
                          authority.id if authority else None if public else actor_grantor(current_user))
    counted_at = None
    if public:
        rows, counted_at = dashboard.published(db.session(), f, clock.today())
    else:
        rows = dashboard.figures(db.session(), f, clock.today())
    columns = dashboard.columns(public)
    fmt = request.args.get("format")
    if fmt in ("csv", "xlsx"):
        return _download(fmt, f, rows, columns)
    labels = {k: (label, unit) for k, label, unit in columns}
    charts = []
    for key in CHARTS:
        items = [(r["label"], r[key]) for r in rows if r.get(key) is not None]
        if not items:
            continue
        label, unit = labels[key]
        description = _("%(what)s według: %(by)s; te same liczby są w tabeli poniżej.", what=label,
                        by=dashboard.DIMENSIONS[by])
        charts.append((label, Markup(dashboard.bar_chart(key, str(label), str(description), items, unit=unit))))
    q = select(Department).where(Department.grantor_id == f.grantor_id) if f.grantor_id else select(Department)
    departments = db.session.scalars(q.order_by(Department.code)).all()
    s = db.session()
    return render_template("registry/dashboard.html", rows=rows, columns=columns, charts=charts, public=public,
                           filters=f, dimensions=dashboard.DIMENSIONS, departments=departments, authority=authority,
                           counted_at=counted_at, keep_minutes=int(dashboard.KEEP_PUBLIC.total_seconds() // 60),
                           beyond=(partnerships.counts(s), services.counts(s), education.attendance(s)))


@bp.route("/")
def staff():
    if not (current_user.is_authenticated and has_role(current_user, OFFICER, ADMIN)):
        abort(403 if current_user.is_authenticated else 401)
    return _page(public=False)


@bp.route("/public")
def public():
    return _page(public=True)
