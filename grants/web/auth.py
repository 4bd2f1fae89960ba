"""Login and logout."""
from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from grants.accounts import totp
from grants.accounts.operations import authenticate
from grants.core import db
from grants.core.i18n import _
from grants.forms.auth import LoginForm, RegisterForm

from . import totp as totp_views

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    if not target:
        return url_for("home.index")
    parts = urlparse(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("home.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    error = None
    status = 200
    if form.validate_on_submit():
        result = authenticate(db.session(), form.email.data, form.password.data, request.remote_addr or "")
        if result.user is not None:
            if totp.enabled(result.user):  # the second factor first (grants/web/totp.py)
                return totp_views.begin(result.user, _safe_next(request.args.get("next")))
            lang = session.get("lang")
            session.clear()  # no session fixation
            if lang:
                session["lang"] = lang
            login_user(result.user)
            flash(_("Zalogowano."), "success")
            return redirect(_safe_next(request.args.get("next")))
        error = result.error
        status = 429 if result.locked_minutes else 401
    elif request.method == "POST":
        status = 422
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("Wylogowano."), "success")
    return redirect(url_for("home.index"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Anyone may register as a participant and take part in consultations (S1); NGO members are
    linked to their organisation by the office."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = RegisterForm()
    status = 200
    if form.validate_on_submit():
        from grants.accounts.operations import AccountError, create_user
        try:
            user = create_user(db.session(), email=form.email.data, password=form.password.data, roles=["participant"],
                               full_name=form.full_name.data, stakeholder_type=form.stakeholder_type.data)
            db.session.commit()
        except AccountError as e:
            db.session.rollback()
            getattr(form, e.field if hasattr(form, e.field) else "email").errors.append(str(e.message))
            status = 422
        else:
            login_user(user)
            flash(_("Konto zostało utworzone. Możesz zgłaszać propozycje w konsultacjach."), "success")
            return redirect(url_for("consultations.index"))
    elif request.method == "POST":
        status = 422
    return render_template("auth/register.html", form=form), status
