"""The settlement page: each amount explained, returns booked with each split explained (R-SET-PARTIAL)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from grants.core import clock, db
from grants.core.i18n import _
from grants.core.numbers import parse_money
from grants.core.permissions import FINANCE, has_role
from grants.web.home import Item, Section, section
from grants.web.transitions import CsrfForm, describe, done_message, require_csrf
from grants.workflows.base import available_transitions
from grants.workflows.errors import WorkflowError
from grants.web.areas import act, form_int, visible_or_404

from . import calculation
from . import operations as ops
from .models import Settlement

bp = Blueprint("settlements", __name__, url_prefix="/settlements", template_folder="templates")



def _get(sid):
    return visible_or_404(Settlement, sid, ops.visible)


@bp.route("/<int:sid>")
@login_required
def show(sid):
    s = _get(sid)
    return render_template("settlements/show.html", s=s, explanation=calculation.explanation(s),
                           outstanding=calculation.outstanding(s, clock.today()),
                           transitions=available_transitions(db.session(), s, current_user),
                           finance=has_role(current_user, FINANCE), form=CsrfForm())


@bp.route("/<int:sid>/transitions/<name>", methods=["POST"])
@login_required
def transition(sid, name):
    s = _get(sid)
    require_csrf()
    payload = {}
    if name == "calculate":
        findings = list(s.findings or [])
        if request.form.get("finding_amount"):
            findings.append({"kind": request.form.get("finding_kind", ""), "amount": request.form["finding_amount"],
                             "found_on": request.form.get("finding_on", ""),
                             "transferred_on": request.form.get("finding_transferred_on") or None,
                             "note": request.form.get("finding_note", "")})
        payload["findings"] = findings
    try:
        ops.transition(db.session(), s, name, current_user, payload, form_int("version"))
    except WorkflowError as e:
        flash(describe(e), "error")  # each field by its label, never its path
    else:
        flash(done_message(s, name), "success")
    return redirect(url_for(".show", sid=sid), 303)


@bp.route("/<int:sid>/returns", methods=["POST"])
@login_required
def record_return(sid):
    s = _get(sid)
    require_csrf()
    # a refused booking (budgets.returns.ReturnError: above what is owed, before the agreement...) says why
    return act(lambda: calculation.book_payment(db.session(), current_user, s, *_payment_form(),
                                                request.form.get("reference", "")),
               url_for(".show", sid=sid) + "#returns", _("Zaksięgowano wpłatę."))


def _payment_form() -> tuple[date, Decimal]:
    """The returned payment's date and amount as the form gives them, or a ValueError worded for it."""
    try:
        return (date.fromisoformat(request.form.get("paid_on", "")),
                parse_money(request.form.get("amount", ""), allow_zero=False, grammar="typed"))
    except (ValueError, InvalidOperation):
        raise ValueError(str(_("Podaj datę wpłaty i kwotę z dokładnością do grosza."))) from None


@section(FINANCE)
def _settlements_waiting(user):
    rows = db.session.scalars(ops.visible(select(Settlement), user).where(Settlement.state.in_(("open", "calculated", "awaiting_return")))
                              .order_by(Settlement.id)).all()
    items = [Item(f"{s.agreement.number} {s.agreement.title}", url_for("settlements.show", sid=s.id), str(s.state_label))
             for s in rows]
    return Section(_("Rozliczenia do prowadzenia"), items, empty=_("Brak rozliczeń."), order=21)
