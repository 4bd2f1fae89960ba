"""Dashboards across departments (S14): staff see every figure; the public page only published
ones. Filters in the URL (?year=&department=), CSV of the same figures (?format=csv)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from grants.core import db, spreadsheets
from grants.core.i18n import _
from grants.core.permissions import ADMIN, OFFICER, has_role
from grants.education import operations as education
from grants.partnerships import operations as partnerships
from grants.services import operations as services

from . import dashboard
from .models import Department

bp = Blueprint("dashboards", __name__, url_prefix="/dashboards", template_folder="templates")


def _int(name):
    v = request.args.get(name, "")
    return int(v) if v.isdigit() else None


def _page(public: bool):
    year, dept = _int("year"), _int("department")
    rows = dashboard.funds(db.session(), year=year, department_id=dept, public=public)
    columns = ([("planned", _("Zaplanowane"))] if not public else []) + [
        ("announced", _("Ogłoszone")), ("awarded", _("Przyznane")), ("offers", _("Oferty")),
        ("success", _("Odsetek wybranych ofert (%)"))]
    if request.args.get("format") == "csv":
        text = spreadsheets.csv_text([[_("Wydział")] + [label for _k, label in columns]] +
                                     [[r["department"]] + [r[k] if r[k] is not None else "" for k, _l in columns]
                                      for r in rows], delimiter=";")
        return Response(text, mimetype=spreadsheets.CSV_MIMETYPE,
                        headers={"Content-Disposition": "attachment; filename=dashboard.csv"})
    charts = [Markup(dashboard.bar_chart(key, str(title), str(_("Kwota według wydziału; te same liczby są w tabeli obok."
                                                                ) if key != "offers" else _("Liczba ofert według wydziału.")),
                                         [(r["department"], r[key] or 0) for r in rows],
                                         unit="zł" if key != "offers" else ""))
              for key, title in columns if key in ("announced", "awarded", "offers")]
    departments = db.session.scalars(select(Department).order_by(Department.code)).all()
    s = db.session()
    return render_template("registry/dashboard.html", rows=rows, columns=columns, charts=charts, public=public,
                           year=year, department=dept, departments=departments,
                           beyond=(partnerships.counts(s), services.counts(s), education.attendance(s)))


@bp.route("/")
def staff():
    if not (current_user.is_authenticated and has_role(current_user, OFFICER, ADMIN)):
        abort(403 if current_user.is_authenticated else 401)
    return _page(public=False)


@bp.route("/public")
def public():
    return _page(public=True)
