"""Login and logout."""
from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user

from grants import ratelimits
from grants.accounts import totp
from grants.accounts.operations import AccountError, authenticate
from grants.accounts.registration import register_participant
from grants.accounts.sessions import LOGOUT, end_all_sessions
from grants.core import db
from grants.core.i18n import _
from grants.forms.auth import LoginForm, RegisterForm
from grants.ratelimits import limiter

from . import totp as totp_views
from .links import external_url
from .signing_in import fresh_session, start_session

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    if not target:
        return url_for("home.index")
    parts = urlparse(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("home.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(ratelimits.LOGIN_FAILURES_PER_ADDRESS, methods=["POST"], deduct_when=ratelimits.failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    error = None
    status = 200
    if form.validate_on_submit():
        result = authenticate(db.session(), form.email.data, form.password.data, request.remote_addr or "")
        if result.user is not None:
            return finish_sign_in(result.user, _safe_next(request.args.get("next")))
        if result.throttled:
            return _throttled_page(form, result.retry_after, result.error)
        error = result.error
        status = 403 if result.unconfirmed else 401
    elif request.method == "POST":
        status = 422
    return render_template("auth/login.html", form=form, error=error), status


def finish_sign_in(user, next_url: str):
    """The one end of every sign-in (password, one-time link): the second factor first where the
    user has it (grants/web/totp.py), so no path around it."""
    if totp.enabled(user):
        return totp_views.begin(user, next_url)
    start_session(user)
    flash(_("Zalogowano."), "success")
    return redirect(next_url)


def _throttled_page(form, seconds: int, message):
    """429 with Retry-After, saying how long, and offering the one-time sign-in link by e-mail."""
    return render_template("auth/login.html", form=form, error=message, throttled=True,
                           link_email=form.email.data or ""), 429, {"Retry-After": str(seconds)}


@ratelimits.page_for("auth.login")
def _address_limited(seconds: int, message):
    return _throttled_page(LoginForm(), seconds, message)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    # the signed cookie lives on in the browser (and in any copy of it): ending the user's session
    # generation makes every copy, and every API token, load nobody
    end_all_sessions(db.session(), current_user._get_current_object(), reason=LOGOUT)
    db.session.commit()
    logout_user()
    fresh_session()
    flash(_("Wylogowano."), "success")
    return redirect(url_for("home.index"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(ratelimits.REGISTER_PER_ADDRESS, methods=["POST"])
def register():
    """Anyone may register as a participant and take part in consultations (S1); NGO members are
    linked to their organisation by the office. The answer is the same whether or not the e-mail has
    an account (grants.accounts.registration); the account works once the e-mail is confirmed."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = RegisterForm()
    status = 200
    if form.validate_on_submit():
        try:
            register_participant(db.session(), email=form.email.data, password=form.password.data,
                                 full_name=form.full_name.data, stakeholder_type=form.stakeholder_type.data,
                                 secret=current_app.secret_key,
                                 confirm_link_for=lambda t: external_url("signin.confirm_email", token=t),
                                 login_url=external_url("auth.login"))
            db.session.commit()
        except AccountError as e:
            db.session.rollback()
            getattr(form, e.field if hasattr(form, e.field) else "email").errors.append(str(e.message))
            status = 422
        else:
            return redirect(url_for("signin.mailbox", why="register"))
    elif request.method == "POST":
        status = 422
    return render_template("auth/register.html", form=form), status
