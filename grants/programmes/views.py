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


#: the month view lists this many of the following events (whole days); the list view this many a
#: page, as does the month's own list; a day's cell of the grid shows this many, then links the list
UPCOMING = 30
LIST_PAGE = 100
DAY_CELL = 4


def _day(text: str, default: date) -> date:
    """A "YYYY-MM" (its first day) or "YYYY-MM-DD" from the address, of the years a calendar pages
    through (a month before or after is always a date); else `default`."""
    try:
        parts = [int(x) for x in text.split("-")]
        if len(parts) not in (2, 3) or not 1900 <= parts[0] <= 2200:
            return default
        return date(parts[0], parts[1], parts[2] if len(parts) == 3 else 1)
    except (ValueError, TypeError):
        return default


def _month_after(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1)


def month_grid(evts, first: date, weeks: list[list[date]]) -> dict:
    """One month as weeks of days (Monday first, `_weeks`) with their events, today marked."""
    today = clock.today()
    by_day: dict[date, list] = {}
    for e in evts:
        by_day.setdefault(e.day, []).append(e)
    weeks = [[{"day": d, "other": d.month != first.month, "today": d == today, "events": by_day.get(d, [])[:DAY_CELL],
               "more": max(len(by_day.get(d, [])) - DAY_CELL, 0)}
              for d in week] for week in weeks]
    prev = (first - timedelta(days=1)).replace(day=1)
    nxt = _month_after(first)
    days = [d for d in sorted(by_day) if d.year == first.year and d.month == first.month]
    listed, rest = cal.whole_days([e for d in days for e in by_day[d]], LIST_PAGE)
    if not listed and rest is not None:  # the month's first day alone holds more: that day whole
        listed, rest = by_day[rest], next((d for d in days if d > rest), None)
    return {"title": formatting.month_name(first.year, first.month), "weeks": weeks,
            "weekdays": formatting.weekday_names(), "prev": prev.strftime("%Y-%m"), "next": nxt.strftime("%Y-%m"),
            "prev_title": formatting.month_name(prev.year, prev.month), "next_title": formatting.month_name(nxt.year, nxt.month),
            "events": listed, "rest": rest.isoformat() if rest else None}


def _weeks(first: date) -> list[list[date]]:
    return pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)


def _by_month(evts) -> dict[str, list]:
    months: dict[str, list] = {}
    for e in evts:
        months.setdefault(e.day.strftime("%Y-%m"), []).append(e)
    return months


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
    """The month's grid and its events, then the following ones (UPCOMING, whole days); or the list
    (?view=list) from a day on, LIST_PAGE a page: never every event of every year (issue 20)."""
    f = _filters()
    s = db.session()
    view = "list" if request.args.get("view") == "list" else "month"
    this_month = clock.today().replace(day=1)
    first = _day(request.args.get("month", ""), this_month).replace(day=1)
    grid = more = earlier = None
    if view == "month":
        weeks = _weeks(first)
        grid = month_grid(cal.events(s, url_for, since=weeks[0][0], until=weeks[-1][-1] + timedelta(days=1), **f),
                          first, weeks)
        shown, more = cal.upcoming(s, url_for, _month_after(first), UPCOMING, **f)
        any_events = bool(grid["events"] or shown)
    else:
        since = _day(request.args.get("from", ""), first)
        shown, more = cal.upcoming(s, url_for, since, LIST_PAGE, **f)
        earlier = (since - timedelta(days=1)).replace(day=1)
        any_events = bool(shown)
    months = _by_month(shown)
    query = {k: v for k, v in request.args.items() if v and k not in ("month", "from", "view")}  # the filters
    feed = url_for(".calendar_ics", **query)
    return render_template("programmes/calendar.html", months=months, kinds=cal.KINDS, fields=FIELDS, grid=grid,
                           districts=DISTRICTS, call_types=call_types(), any_events=any_events, query=query,
                           more=more.isoformat() if more else None,
                           earlier=earlier.strftime("%Y-%m") if earlier else None,
                           earlier_title=formatting.month_name(earlier.year, earlier.month) if earlier else None,
                           departments=_departments(f["grantor_id"]),
                           args=request.args, feed=feed, view=view)


@bp.route("/calendar.ics")
@public_cache.cached(public_cache.calendar)
def calendar_ics():
    body = cal.feed(db.session(), url_for, request.host_url, **_filters())
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
