"""The public calendar with its iCalendar feed, and the cooperation programmes (R-PROG)."""
from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from grants.calltypes import registry as call_types
from grants.core import clock, db
from grants.core.i18n import _
from grants.core.permissions import ADMIN, OFFICER, has_role
from grants.registry.dictionaries import DISTRICTS, FIELDS
from grants.registry.models import Department

from . import calendar as cal
from .models import Programme
from .operations import ProgrammeError, save
from .rules import adoption_deadline, adoption_late, planned_total, report_due

bp = Blueprint("programmes", __name__, template_folder="templates")


def _filters():
    f = {"field": request.args.get("field") or None, "district": request.args.get("district") or None,
         "call_type": request.args.get("call_type") or None, "department_id": None}
    try:
        f["department_id"] = int(request.args["department"]) if request.args.get("department") else None
    except ValueError:
        f["department_id"] = None
    if f["field"] not in FIELDS:
        f["field"] = None
    if f["district"] not in DISTRICTS:
        f["district"] = None
    return f


@bp.route("/calendar")
def calendar():
    f = _filters()
    evts = cal.events(db.session(), url_for, **f)
    months: dict[str, list] = {}
    for e in evts:
        months.setdefault(e.day.strftime("%Y-%m"), []).append(e)
    feed = url_for(".calendar_ics", **{k: v for k, v in request.args.items() if v})
    return render_template("programmes/calendar.html", months=months, kinds=cal.KINDS, fields=FIELDS,
                           districts=DISTRICTS, call_types=call_types(),
                           departments=db.session.scalars(select(Department).order_by(Department.name)).all(),
                           args=request.args, feed=feed, view=request.args.get("view", "month"))


@bp.route("/calendar.ics")
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
