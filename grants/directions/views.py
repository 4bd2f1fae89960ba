"""Directions proposed in a consultation: list, propose, support, comment, moderation, answers, report."""
from __future__ import annotations


from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants.consultations.models import Consultation
from grants.consultations.operations import visible as consultation_visible
from grants.core import db
from grants.core.i18n import _
from grants.core.numbers import parse_money
from grants.core.permissions import (
    ADMIN,
    OFFICER,
    STAKEHOLDER_TYPES,
    PermissionDenied,
    has_role,
)
from grants.programmes.operations import plan_contest_from_direction
from grants.registry.dictionaries import DISTRICTS, FIELDS
from grants.web.transitions import CsrfForm, require_csrf, transition_page
from grants.workflows.base import available_transitions
from grants.workflows.direction import consultation_staff
from grants.workflows.errors import WorkflowError
from grants.web.areas import act, form_date, viewer, visible_or_404

from . import operations as ops
from .models import Direction, DirectionComment

bp = Blueprint("directions", __name__, template_folder="templates")




def _consultation(cid):
    return visible_or_404(Consultation, cid, consultation_visible)


def _direction(did):
    return visible_or_404(Direction, did, ops.visible)


def _csrf():
    require_csrf()


def _flash_error(e):
    errors = getattr(e, "errors", None)
    msg = "; ".join(x["message"] for x in errors) if errors else str(getattr(e, "detail", None) or getattr(e, "reason", e))
    flash(msg, "error")


@bp.route("/consultations/<int:cid>/directions", methods=["GET", "POST"])
def index(cid):
    c = _consultation(cid)
    errors, values = {}, {}
    status = 200
    if request.method == "POST":
        if not current_user.is_authenticated:
            abort(401)
        _csrf()
        values = {k: request.form.get(k, "") for k in ("title", "problem", "target_group", "proposed_task", "field",
                                                       "district", "estimated_funds")}
        data = {k: v for k, v in values.items() if v != ""}
        try:
            if "estimated_funds" in data:
                data["estimated_funds"] = parse_money(data["estimated_funds"], grammar="typed")
            org = int(request.form["organisation_id"]) if request.form.get("organisation_id") else None
            d = ops.create(db.session(), current_user, c, data, org)
            db.session.commit()
            if request.form.get("submit") == "1":
                ops.transition(db.session(), d, "submit", current_user)
        except ValueError as e:
            db.session.rollback()
            if hasattr(e, "errors"):
                errors = {x["field"]: x["message"] for x in e.errors}
            else:
                errors = {"estimated_funds": str(e)}
            status = 422
        except (WorkflowError, PermissionDenied) as e:
            db.session.rollback()
            _flash_error(e)
            status = 422
        else:
            flash(_("Zgłoszono propozycję.") if request.form.get("submit") == "1" else _("Zapisano szkic propozycji."),
                  "success")
            return redirect(url_for(".show", did=d.id), 303)
    rows = db.session.scalars(ops.visible(select(Direction).where(Direction.consultation_id == c.id), viewer())
                              .order_by(Direction.id)).all()
    counts = ops.supports_count(db.session(), [d.id for d in rows])
    orgs = [m.organisation for m in current_user.memberships] if current_user.is_authenticated else []
    return render_template("directions/index.html", c=c, rows=rows, counts=counts, fields=FIELDS, districts=DISTRICTS,
                           stakeholders=STAKEHOLDER_TYPES, errors=errors, values=values, orgs=orgs,
                           can_propose=current_user.is_authenticated and c.state == "open", form=CsrfForm()), status


@bp.route("/directions/<int:did>")
def show(did):
    d = _direction(did)
    user = viewer()
    staff = user is not None and has_role(user, OFFICER, ADMIN) and consultation_staff(d, user)
    comments = db.session.scalars(select(DirectionComment).where(DirectionComment.direction_id == d.id)
                                  .options(selectinload(DirectionComment.user)).order_by(DirectionComment.id)).all()
    if not staff:
        comments = [x for x in comments if not x.hidden_reason]
    others = []
    if staff:
        others = db.session.scalars(select(Direction).where(Direction.consultation_id == d.consultation_id,
                                                            Direction.id != d.id,
                                                            Direction.state.in_(("submitted", "under_review", "accepted", "rejected")))).all()
    return render_template("directions/show.html", d=d, comments=comments, staff=staff, others=others,
                           supports=ops.supports_count(db.session(), [d.id]).get(d.id, 0),
                           transitions=available_transitions(db.session(), d, user) if user else [],
                           fields=FIELDS, districts=DISTRICTS, stakeholders=STAKEHOLDER_TYPES, form=CsrfForm())


@bp.route("/directions/<int:did>/support", methods=["POST"])
@login_required
def support(did):
    d = _direction(did)
    _csrf()
    return act(lambda: ops.support(db.session(), d, current_user), url_for(".show", did=did), _("Poparto propozycję."))


@bp.route("/directions/<int:did>/comments", methods=["POST"])
@login_required
def comment(did):
    d = _direction(did)
    _csrf()
    return act(lambda: ops.comment(db.session(), d, current_user, request.form.get("body", "")),
               url_for(".show", did=did) + "#comments")


@bp.route("/directions/<int:did>/comments/<int:comment_id>/flag", methods=["POST"])
@login_required
def flag(did, comment_id):
    d = _direction(did)
    _csrf()
    c = db.session.get(DirectionComment, comment_id)
    if c is None or c.direction_id != d.id:
        abort(404)
    ops.flag(db.session(), c, current_user)
    db.session.commit()
    flash(_("Zgłoszono komentarz do moderacji."), "success")
    return redirect(url_for(".show", did=did) + "#comments", 303)


@bp.route("/directions/<int:did>/hide", methods=["POST"])
@login_required
def hide(did):
    d = _direction(did)
    _csrf()
    c = None
    if request.form.get("comment_id"):
        c = db.session.get(DirectionComment, int(request.form["comment_id"]))
        if c is None or c.direction_id != d.id:
            abort(404)
    return act(lambda: ops.hide(db.session(), current_user, d, request.form.get("reason", ""), c),
               url_for(".show", did=did), _("Ukryto z podaniem powodu."))


transition_page(bp, "/directions/<int:did>/transitions/<name>", _direction, ("answer", "into_id", "reason"))


@bp.route("/directions/<int:did>/plan", methods=["POST"])
@login_required
def plan(did):
    d = _direction(did)
    _csrf()
    return act(lambda: plan_contest_from_direction(
                   db.session(), current_user, d,
                   announcement=form_date("announcement", _("Podaj planowaną datę ogłoszenia."))),
               url_for(".show", did=did), _("Zaplanowano konkurs w programie współpracy."),
               to=lambda c: url_for("contests.show", cid=c.id))


@bp.route("/consultations/<int:cid>/report")
def report(cid):
    """R-CONSULT: the report lists every proposal and its answer; printable."""
    c = _consultation(cid)
    every = db.session.scalars(select(Direction).where(Direction.consultation_id == c.id,
                                                       Direction.state.in_(ops.PUBLIC_STATES))
                               .order_by(Direction.id)).all()
    # proposals hidden by moderation are not published (their reasons stay in the audit trail)
    rows = [d for d in every if not d.hidden_reason]
    counts = ops.supports_count(db.session(), [d.id for d in rows])
    return render_template("directions/report.html", c=c, rows=rows, counts=counts, stakeholders=STAKEHOLDER_TYPES,
                           hidden=len(every) - len(rows))
