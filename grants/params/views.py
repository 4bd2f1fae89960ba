"""Dated parameters kept by admins: the art. 19a limits and the tax-arrears interest rates."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from grants.core import db
from grants.core.i18n import _
from grants.registry.departments import manages_deployment

from . import operations, values
from .models import DatedParameter

bp = Blueprint("params", __name__, url_prefix="/admin/parameters", template_folder="templates")
LABELS = {
    "art19a.max_amount": _("Mały grant: kwota maksymalna (zł)"),
    "art19a.max_days": _("Mały grant: najdłuższy czas realizacji (dni)"),
    "art19a.max_per_organisation_year": _("Mały grant: limit na organizację w roku (zł)"),
    "art19a.max_share_of_planned_pct": _("Małe granty: udział w planowanych dotacjach (%)"),
    "art12.assessment_months": _("Art. 12: termin oceny celowości (miesiące)"),
    values.RATE_KEY: _("Odsetki za zwłokę: stopa roczna (%)"),
    "retention.documents_years": _("RODO: przechowywanie dokumentacji postępowań i rozliczeń (lata od końca roku)"),
    "retention.login_attempts_days": _("RODO: przechowywanie historii logowania (dni)"),
    "retention.unconfirmed_accounts_days": _("RODO: usunięcie niepotwierdzonych kont (dni)"),
    "retention.expired_tokens_days": _("RODO: usunięcie wygasłych tokenów API (dni)"),
    "retention.deletion_answer_days": _("RODO: termin odpowiedzi na żądanie usunięcia danych (dni)"),
}


class CsrfForm(FlaskForm):
    pass


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    if not manages_deployment(db.session(), current_user):
        abort(403)
    if request.method == "POST":
        if not CsrfForm().validate_on_submit():
            abort(400)
        key = request.form.get("key", "")
        try:
            since = date.fromisoformat(request.form.get("valid_from", ""))
            if key not in LABELS:
                raise ValueError
            operations.set_value(db.session(), current_user, key, since, request.form.get("value", ""))
        except (ValueError, operations.ParameterError):
            db.session.rollback()
            flash(_("Podaj parametr, datę obowiązywania i nieujemną wartość."), "error")
            return redirect(url_for(".index"), 303)
        db.session.commit()
        flash(_("Zapisano parametr obowiązujący od %(d)s.", d=since), "success")
        return redirect(url_for(".index"), 303)
    rows = db.session.scalars(select(DatedParameter).order_by(DatedParameter.key, DatedParameter.valid_from)).all()
    rates = values.rate_table(db.session()).rows
    return render_template("params/index.html", rows=rows, labels=LABELS, defaults=values.DEFAULTS, rates=rates,
                           form=CsrfForm())
