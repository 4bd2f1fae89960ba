"""Agreement pages: the agreement with its tranches, reports and settlement; finance's worklist."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from flask import Blueprint, abort, render_template, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants.contests.models import Contest
from grants.core import formatting
from grants.core import audit, clock, db, spreadsheets
from grants.core.i18n import _
from grants.core.permissions import ADMIN, APPLICANT, FINANCE, OFFICER, has_role
from grants.documents.kinds import agreement_context
from grants.documents.render import render_html
from grants.reports.models import Report
from grants.reports.operations import is_overdue
from grants.settlements.models import Settlement
from grants.web.home import Item, Section, section
from grants.web.transitions import CsrfForm, transition_page
from grants.workflows.base import available_transitions
from grants.web.areas import listing, visible_or_404

from . import operations as ops
from .models import Agreement, Annex, Tranche

bp = Blueprint("agreements", __name__, url_prefix="/agreements", template_folder="templates")



@bp.route("/")
@login_required
def index():
    page = listing(ops.visible(select(Agreement), current_user), Agreement, Agreement.id.desc(),
                   options=(selectinload(Agreement.organisation),))
    return render_template("agreements/index.html", rows=page.rows, page=page)


@bp.route("/<int:aid>")
@login_required
def show(aid):
    a = visible_or_404(Agreement, aid, ops.visible)
    reports = db.session.scalars(select(Report).where(Report.agreement_id == a.id).order_by(Report.id)).all()
    settlement = db.session.scalar(select(Settlement).where(Settlement.agreement_id == a.id))
    annexes = db.session.scalars(select(Annex).where(Annex.agreement_id == a.id).order_by(Annex.number)).all()
    s = db.session()
    staff = has_role(current_user, OFFICER, ADMIN)
    return render_template(
        "agreements/show.html", a=a, reports=reports, settlement=settlement, annexes=annexes, today=clock.today(), overdue=is_overdue,
        transitions=available_transitions(s, a, current_user),
        tranche_transitions={t.id: available_transitions(s, t, current_user) for t in a.tranches},
        history=audit.history(s, "agreement", a.id) if staff else None, form=CsrfForm())


transition_page(bp, "/<int:aid>/transitions/<name>", lambda aid: visible_or_404(Agreement, aid, ops.visible),
                ("signed_by_organisation_on", "signed_by_grantor_on", "reason"))
transition_page(bp, "/tranches/<int:tid>/transitions/<name>", lambda tid: visible_or_404(Tranche, tid, ops.visible_tranches),
                ("paid_on", "transfer_ref", "reason"), lambda t: url_for(".show", aid=t.agreement_id) + "#tranches",
                endpoint="tranche_transition")


@section(FINANCE)
def _tranches_due(user):
    week = clock.today() + timedelta(days=7)
    rows = db.session.scalars(ops.visible_tranches(select(Tranche), user).where(Tranche.state.in_(("due", "scheduled", "withheld")))
                              .options(selectinload(Tranche.agreement)).order_by(Tranche.due_on)).all()
    items = []
    for t in rows:
        if t.state == "due" or (t.state == "scheduled" and t.due_on and t.due_on <= week):
            items.append(Item(f"{t.agreement.number} · {_('transza')} {t.number}", url_for("agreements.show", aid=t.agreement_id) + "#tranches",
                              f"{formatting.money(t.amount)} · {formatting.day(t.due_on) if t.due_on else t.condition}", flag=str(_("do wypłaty")) if t.state == "due" else ""))
        elif t.state == "withheld":
            items.append(Item(f"{t.agreement.number} · {_('transza')} {t.number}", url_for("agreements.show", aid=t.agreement_id) + "#tranches",
                              t.withheld_reason or "", flag=str(_("wstrzymana"))))
    return Section(_("Transze do wypłaty w tym tygodniu"), items, empty=_("Brak transz do wypłaty."), order=20)


@section(APPLICANT)
def _my_agreements(user):
    if not user.organisation_ids:
        return None
    rows = db.session.scalars(ops.visible(select(Agreement), user).where(Agreement.state != "closed")
                              .order_by(Agreement.id)).all()
    today = clock.today()
    # the open reports of all these agreements in one query, not one per agreement
    open_reports = db.session.scalars(select(Report).where(
        Report.agreement_id.in_([a.id for a in rows]), Report.state.in_(("draft", "needs_correction")))).all()
    overdue_ids = {r.agreement_id for r in open_reports if is_overdue(r, today)}
    items = [Item(f"{a.number} {a.title}", url_for("agreements.show", aid=a.id), str(a.state_label),
                  flag=str(_("sprawozdanie po terminie")) if a.id in overdue_ids else "") for a in rows]
    return Section(_("Umowy i sprawozdania"), items, empty=_("Brak umów."), order=12) if items else None


@bp.route("/payments.xlsx")
@login_required
def payments_xlsx():
    """Finance's export of tranches paid and due (XLSX, through grants.core.spreadsheets): what was
    transferred and what is to be transferred, with each agreement's account."""
    if not has_role(current_user, FINANCE, ADMIN):
        abort(403)
    wb, ws = spreadsheets.workbook("Wypłaty", ["Umowa", "Organizacja", "Transza", "Kwota", "Termin", "Stan",
                                               "Data wypłaty", "Nr przelewu", "Rachunek"])
    rows = db.session.scalars(select(Tranche).where(Tranche.state.in_(("paid", "due")))
                              .options(selectinload(Tranche.agreement).selectinload(Agreement.organisation))
                              .order_by(Tranche.state.desc(), Tranche.due_on, Tranche.paid_on, Tranche.id)).all()
    for t in rows:
        # names, references and accounts are typed by people: written as text, never as formulas
        spreadsheets.append_row(ws, [t.agreement.number, t.agreement.organisation.name, t.number,
                                     t.paid_amount if t.state == "paid" else t.amount, t.due_on or t.condition,
                                     str(t.state_label), t.paid_on, t.transfer_ref, t.agreement.iban])
    spreadsheets.finish(ws, money_columns=(4,), date_columns=(5, 7))
    return send_file(spreadsheets.xlsx_bytes(wb), mimetype=spreadsheets.XLSX_MIMETYPE,
                     as_attachment=True, download_name="wyplaty.xlsx")


@bp.route("/finance/contests")
@login_required
def finance_report():
    """Per contest: awarded, paid, returned, interest, open."""
    if not has_role(current_user, FINANCE, ADMIN, OFFICER):
        abort(403)

    agreements = db.session.scalars(ops.visible(select(Agreement), current_user)
                                    .options(selectinload(Agreement.tranches))).all()
    settlements = {s.agreement_id: s for s in db.session.scalars(
        select(Settlement).options(selectinload(Settlement.payments)))}
    contests = {c.id: c for c in db.session.scalars(select(Contest).where(
        Contest.id.in_({a.contest_id for a in agreements})))} if agreements else {}
    zero = Decimal("0.00")
    rows: dict[int, dict] = {}
    for a in agreements:
        r = rows.setdefault(a.contest_id, {"contest": contests[a.contest_id], "awarded": zero, "paid": zero,
                                           "returned": zero, "to_return": zero, "agreements": 0})
        r["agreements"] += 1
        r["awarded"] += a.grant
        r["paid"] += sum((t.paid_amount or zero for t in a.tranches if t.state == "paid"), zero)
        s = settlements.get(a.id)
        if s is not None:
            r["returned"] += sum((p.amount for p in s.payments), zero)
            r["to_return"] += s.total_to_return or zero
    return render_template("agreements/finance_report.html", rows=list(rows.values()))


@bp.route("/<int:aid>/print")
@login_required
def printable(aid):
    a = visible_or_404(Agreement, aid, ops.visible)
    return render_html("agreement", agreement_context(a))
