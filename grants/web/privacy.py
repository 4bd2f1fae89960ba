"""R-RODO pages: the privacy notice (art. 13), one's data as JSON (art. 15, 20), the deletion request
(art. 17) and the admins' list of requests. Data changes go through grants.privacy.operations."""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user
from sqlalchemy import select

from grants.accounts import totp
from grants.accounts.admin import manageable
from grants.core import db
from grants.core.i18n import _
from grants.core.permissions import ADMIN, PermissionDenied, has_role
from grants.forms.privacy import DeletionDecisionForm, DeletionRequestForm
from grants.params import values
from grants.privacy import export, operations, retention
from grants.privacy.models import DeletionRequest
from grants.registry.models import Grantor

from .account import Section, add_section

bp = Blueprint("privacy", __name__)

# the account page links the person's data, the deletion request and, for staff, the second factor
add_section(Section("privacy", "account/_privacy.html",
                    lambda user: {"totp_available": totp.may_enable(user), "totp_enabled": totp.enabled(user)}))

DEFAULT_CONTROLLER = {"name": "Gmina Miejska Kraków", "office_name": "Prezydent Miasta Krakowa",
                      "address": "pl. Wszystkich Świętych 3-4, 31-004 Kraków"}
KIND_LABELS = retention.KIND_LABELS


def controllers() -> list[dict]:
    """The controllers of the data: the grantors this deployment serves (R-RODO)."""
    rows = db.session.scalars(select(Grantor).order_by(Grantor.id)).all()
    if not rows:
        return [DEFAULT_CONTROLLER]
    return [{"name": g.name, "office_name": g.office_name or (DEFAULT_CONTROLLER["office_name"] if g.code == "KRK" else ""),
             "address": g.address or (DEFAULT_CONTROLLER["address"] if g.code == "KRK" else "")} for g in rows]


@bp.app_context_processor
def _privacy_context():
    return {"privacy_controllers": controllers}


def _periods() -> dict:
    s = db.session()
    return {key.split(".", 1)[1]: retention.days(s, key) for key in values.DEFAULTS if key.startswith("retention.")}


@bp.route("/privacy")
def notice():
    settings = current_app.config["GRANTS_SETTINGS"]
    return render_template("privacy/notice.html", controllers=controllers(), dpo=settings.dpo_contact,
                           periods=_periods())


@bp.route("/account/data")
@login_required
def data():
    data = export.personal_data(db.session(), current_user)
    return render_template("privacy/data.html", data=data, kind_labels=KIND_LABELS)


@bp.route("/account/data.json")
@login_required
def data_json():
    body = json.dumps(export.personal_data(db.session(), current_user), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="moje-dane.json"'})


@bp.route("/account/deletion", methods=["GET", "POST"])
@login_required
def deletion():
    s = db.session()
    form = DeletionRequestForm()
    status = 200
    if form.validate_on_submit():
        try:
            req = operations.request_deletion(s, current_user, form.reason.data or "")
            kept = req.kept
            done = req.state == "done"
            s.commit()
        except operations.PrivacyError as e:
            s.rollback()
            flash(str(e.message), "error")
            return redirect(url_for(".deletion"), 303)
        if done:
            # the account is closed: the session ends, what was kept is shown this once
            logout_user()
            return render_template("privacy/deleted.html", kept=kept, kind_labels=KIND_LABELS)
        flash(_("Zapisano żądanie usunięcia danych. Administrator odpowie w ciągu miesiąca."), "success")
        return redirect(url_for(".deletion"), 303)
    elif request.method == "POST":
        status = 422
    requests_ = s.scalars(select(DeletionRequest).where(DeletionRequest.user_id == current_user.id)
                          .order_by(DeletionRequest.id.desc())).all()
    return render_template("privacy/deletion.html", form=form, requests=requests_,
                           pending=operations.pending_request(s, current_user),
                           kept=retention.kept_documents(s, current_user), kind_labels=KIND_LABELS,
                           years=retention.days(s, retention.DOCUMENTS_YEARS)), status


@bp.route("/admin/deletion-requests/")
@login_required
def requests_index():
    if not has_role(current_user, ADMIN):
        abort(403)
    s = db.session()
    rows = operations.requests_for(s, current_user)
    overdue = {r.id for r in operations.overdue_requests(s)}
    return render_template("privacy/requests.html", rows=rows, overdue=overdue, form=DeletionDecisionForm(),
                           kept={r.id: retention.kept_documents(s, r.user) for r in rows if r.state == "requested"},
                           kind_labels=KIND_LABELS)


@bp.route("/admin/deletion-requests/<int:request_id>", methods=["POST"])
@login_required
def handle(request_id: int):
    if not has_role(current_user, ADMIN):
        abort(403)
    s = db.session()
    req = s.get(DeletionRequest, request_id)
    if req is None or not manageable(current_user, req.user):  # another authority's staff (issue 22)
        abort(404)
    form = DeletionDecisionForm()
    if not form.validate_on_submit():
        flash(_("Wybierz decyzję."), "error")
        return redirect(url_for(".requests_index"), 303)
    try:
        operations.handle(s, req, current_user, approve=form.decision.data == "approve", note=form.note.data or "")
        s.commit()
    except (operations.PrivacyError, PermissionDenied) as e:
        s.rollback()
        flash(str(getattr(e, "message", None) or getattr(e, "reason", "")), "error")
        return redirect(url_for(".requests_index"), 303)
    flash(_("Żądanie rozpatrzone."), "success")
    return redirect(url_for(".requests_index"), 303)
