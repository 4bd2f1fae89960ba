"""The report page: the applicant fills it (R-REP-CONTENT), sees the shift check (R-AGR-SHIFT) and
submits; the officer reviews it."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from grants.agreements.models import Agreement
from grants.core import clock, db
from grants.core.i18n import _
from grants.core.permissions import ADMIN, OFFICER
from grants.offers.forms_util import drop_empty, unflatten
from grants.web.home import Item, Section, section
from grants.web.transitions import CsrfForm, require_csrf, transition_page
from grants.workflows.base import available_transitions
from grants.workflows.report import member
from grants.web.areas import save, visible_or_404

from . import content as rc
from . import operations as ops
from .models import Report

bp = Blueprint("reports", __name__, url_prefix="/reports", template_folder="templates")



def _get(rid):
    return visible_or_404(Report, rid, ops.visible)


@bp.route("/<int:rid>", methods=["GET", "POST"])
@login_required
def show(rid):
    r = _get(rid)
    ct = rc.call_type_of(r)
    errors, form_errors, status = {}, {}, 200
    if request.method == "POST":
        require_csrf()
        data = {"narrative": request.form.get("narrative", "")}
        for k in ("income", "bank_interest"):
            if request.form.get(k):
                data[k] = request.form[k]
        results = unflatten(request.form, "results")
        data["results"] = results if isinstance(results, list) else []
        exp = unflatten(request.form, "expenditure")
        data["expenditure"] = [drop_empty(x) for x in exp] if isinstance(exp, list) else []
        src = drop_empty(unflatten(request.form, "sources"))
        data["sources"] = src if isinstance(src, dict) else {}
        if ct.report_model is not None and any(k.startswith("call.") for k in request.form):
            extra = drop_empty(unflatten(request.form, "call"))
            data["call"] = ct.parse_report_form(extra if isinstance(extra, dict) else {})
        def refused(refusals):
            nonlocal errors, status
            errors = {x["field"]: x["message"] for x in refusals}
            for x in refusals:
                form_errors.setdefault(x["field"], []).append(x["message"])
            status = 422

        version = int(request.form.get("version", r.version))
        saved = save(lambda: ops.save(db.session(), current_user, r, data, version, grammar="typed"), refused,
                     _("Zapisano sprawozdanie."), url_for(".show", rid=rid), back=False, code=303)
        if saved is not None:
            return saved
    try:
        shift = rc.shift_result(r)
    except Exception:  # noqa: BLE001 - incomplete content
        shift = None
    raw = (r.content or {}).get("call") or {}
    if request.method == "POST" and status == 422 and "call" in data:
        raw = data["call"]  # show what was typed, with its errors
    return render_template("reports/show.html", r=r, a=r.agreement, c=rc.load(r.content), lines=rc.planned_lines(r.agreement),
                           call_type=ct, section=ct.report_section(r.content), v=raw, form_errors=form_errors,
                           planned_value=rc.planned_value, problems=rc.problems(r), shift=shift, errors=errors,
                           editable=member(r, current_user) and r.state in ("draft", "needs_correction"),
                           overdue=ops.is_overdue(r, clock.today()),
                           transitions=available_transitions(db.session(), r, current_user), form=CsrfForm()), status


transition_page(bp, "/<int:rid>/transitions/<name>", _get, ("note", "due_on"))


@section(OFFICER, ADMIN)
def _reports_waiting(user):
    q = ops.visible(select(Report), user).where(Report.state.in_(("submitted", "under_review", "draft", "needs_correction")))
    rows = db.session.scalars(q.order_by(Report.due_on)).all()
    today = clock.today()
    items = []
    for r in rows:
        if r.state in ("submitted", "under_review"):
            items.append(Item(f"{r.agreement.number}: {_('sprawozdanie')}", url_for("reports.show", rid=r.id),
                              str(r.state_label)))
        elif ops.is_overdue(r, today):
            items.append(Item(f"{r.agreement.number}: {_('sprawozdanie')}", url_for("reports.show", rid=r.id),
                              str(_("termin %(d)s", d=r.due_on)), flag=str(_("po terminie"))))
    Agreement  # noqa: B018
    return Section(_("Sprawozdania do oceny i po terminie"), items, empty=_("Brak sprawozdań do oceny."), order=17)
