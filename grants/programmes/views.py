"""The public calendar with its iCalendar feed, and the cooperation programmes (R-PROG)."""
from __future__ import annotations


import calendar as pycalendar
from datetime import date, timedelta
from types import SimpleNamespace

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from grants.calltypes import registry as call_types
from grants.core import clock, db, formatting
from grants.core.i18n import _
from grants.core.permissions import ADMIN, OFFICER, has_role
from grants.registry import authorities
from grants.registry.dictionaries import DISTRICTS, FIELDS
from grants.registry.models import Department
from grants.web import public_cache

from . import calendar as cal
from .models import Programme
from .operations import ProgrammeError, save
from .rules import adoption_deadline, adoption_late, planned_total, report_due

bp = Blueprint("programmes", __name__, template_folder="templates")


def _filters():
    f = {"field": request.args.get("field") or None, "district": request.args.get("district") or None,
         "call_type": request.args.get("call_type") or None, "department_id": None, "grantor_id": None}
    if request.args.get("grantor"):  # one authority's (issue 22); an unknown code: none
        g = authorities.by_code(db.session(), request.args["grantor"])
        f["grantor_id"] = g.id if g is not None else -1
    try:
        f["department_id"] = int(request.args["department"]) if request.args.get("department") else None
    except ValueError:
        f["department_id"] = None
    if f["field"] not in FIELDS:
        f["field"] = None
    if f["district"] not in DISTRICTS:
        f["district"] = None
    return f


def month_grid(evts, wanted: str) -> dict:
    """One month as weeks of days (Monday first) with their events, today marked; `wanted` is
    "YYYY-MM" (this month by default)."""
    today = clock.today()
    try:
        year, month = (int(x) for x in wanted.split("-"))
        first = date(year, month, 1)
    except ValueError:
        first = today.replace(day=1)
    by_day: dict[date, list] = {}
    for e in evts:
        by_day.setdefault(e.day, []).append(e)
    weeks = [[{"day": d, "other": d.month != first.month, "today": d == today, "events": by_day.get(d, [])}
              for d in week] for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)]
    prev = (first - timedelta(days=1)).replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return {"title": formatting.month_name(first.year, first.month), "weeks": weeks,
            "weekdays": formatting.weekday_names(), "prev": prev.strftime("%Y-%m"), "next": nxt.strftime("%Y-%m"),
            "prev_title": formatting.month_name(prev.year, prev.month), "next_title": formatting.month_name(nxt.year, nxt.month),
            "events": [e for d in sorted(by_day) if d.year == first.year and d.month == first.month for e in by_day[d]]}


def _departments(grantor_id):
    """The calendar's department filter: one authority's departments on its calendar (issue 22);
    on the deployment's, every department, named with its authority where there are several."""
    q = select(Department).order_by(Department.name, Department.id)
    if grantor_id is not None:
        return db.session.scalars(q.where(Department.grantor_id == grantor_id)).all()
    rows = db.session.scalars(q.options(joinedload(Department.grantor))).all()
    many = len({d.grantor_id for d in rows}) > 1
    return [SimpleNamespace(id=d.id, name=f"{d.name} ({d.grantor.name})" if many else d.name) for d in rows]


@bp.route("/calendar")
@public_cache.cached(public_cache.calendar)
def calendar():
    f = _filters()
    evts = cal.events(db.session(), url_for, **f)
    months: dict[str, list] = {}
    for e in evts:
        months.setdefault(e.day.strftime("%Y-%m"), []).append(e)
    feed = url_for(".calendar_ics", **{k: v for k, v in request.args.items() if v})
    grid = month_grid(evts, request.args.get("month", ""))
    return render_template("programmes/calendar.html", months=months, kinds=cal.KINDS, fields=FIELDS, grid=grid,
                           districts=DISTRICTS, call_types=call_types(),
                           departments=_departments(f["grantor_id"]),
                           args=request.args, feed=feed, view=request.args.get("view", "month"))


@bp.route("/calendar.ics")
@public_cache.cached(public_cache.calendar)
def calendar_ics():
    body = cal.ical(cal.events(db.session(), url_for, **_filters()), request.host_url)
    return Response(body, mimetype="text/calendar", headers={"Content-Disposition": "inline; filename=kalendarz.ics"})


@bp.route("/programmes/")
def programmes():
    rows = db.session.scalars(select(Programme).order_by(Programme.year.desc())).all()
    today = clock.today()
    return render_template("programmes/index.html", rows=rows, today=today, late=adoption_late,
                           deadline=adoption_deadline, report_due=report_due, total=planned_total, fields=FIELDS,
                           can_edit=has_role(current_user if current_user.is_authenticated else None, OFFICER, ADMIN))


@bp.route("/programmes/new", methods=["POST"])
@login_required
def new_programme():
    if not has_role(current_user, OFFICER, ADMIN):
        abort(403)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        save(db.session(), current_user, request.form)
        db.session.commit()
    except ProgrammeError as e:
        db.session.rollback()
        flash("; ".join(x["message"] for x in e.errors), "error")
    else:
        flash(_("Zapisano program współpracy."), "success")
    return redirect(url_for(".programmes"), 303)
