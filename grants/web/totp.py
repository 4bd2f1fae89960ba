"""The TOTP second factor of staff: its set-up page and the code step of the login.

After a right password a TOTP user is not logged in yet: `begin()` puts a pending marker (user id and
the time, signed in the session cookie) and `/login/totp` asks for the code. Three wrong codes (counted
on the account, not in the cookie) or five minutes send the person back to the password. In
production an admin without TOTP is sent to set it up before anything else."""
from __future__ import annotations

import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from grants.accounts import totp
from grants.accounts.models import User
from grants.core import db
from grants.core.i18n import _
from grants.forms.privacy import TotpCodeForm

from .signing_in import fresh_session, start_session

bp = Blueprint("totp", __name__)

PENDING = "totp_pending"
SETUP = "totp_setup_secret"
# what an admin who must set TOTP up may still reach
OPEN_ENDPOINTS = {"totp.setup", "totp.verify", "auth.logout", "auth.login", "static", "set_language",
                  "privacy.notice", "health.healthz"}


def _production() -> bool:
    return current_app.config.get("GRANTS_ENV", "development") != "development"


def begin(user: User, next_url: str):
    """Called by the login view when the password was right and the user has TOTP."""
    totp.start_login(db.session(), user)
    db.session.commit()
    fresh_session()
    session[PENDING] = {"uid": user.id, "at": int(time.time()), "next": next_url}
    return redirect(url_for("totp.verify"))


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - float(pending.get("at", 0)) > totp.PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("uid"))
    return user if user is not None and user.is_active and totp.enabled(user) else None


@bp.route("/login/totp", methods=["GET", "POST"])
def verify():
    user = _pending_user()
    if user is None or totp.exhausted(user):
        session.pop(PENDING, None)
        flash(_("Zaloguj się ponownie hasłem."), "info")
        return redirect(url_for("auth.login"))
    form = TotpCodeForm()
    error, status = None, 200
    if form.validate_on_submit():
        ok = totp.check_login(db.session(), user, form.code.data, request.remote_addr or "")
        db.session.commit()
        if ok:
            next_url = session[PENDING].get("next") or url_for("home.index")
            start_session(user)
            flash(_("Zalogowano."), "success")
            return redirect(next_url)
        if totp.exhausted(user):
            session.pop(PENDING, None)
            flash(_("Zbyt wiele błędnych kodów. Zaloguj się ponownie hasłem."), "error")
            return redirect(url_for("auth.login"))
        error, status = _("Nieprawidłowy lub już użyty kod."), 401
    elif request.method == "POST":
        status = 422
    return render_template("totp/verify.html", form=form, error=error), status


@bp.route("/account/totp", methods=["GET", "POST"])
@login_required
def setup():
    if not totp.may_enable(current_user):
        flash(_("Drugi składnik logowania jest dostępny dla pracowników urzędu i członków komisji."), "info")
        return redirect(url_for("home.index"))
    form = TotpCodeForm()
    error, status = None, 200
    s = db.session()
    if form.validate_on_submit():
        try:
            if totp.enabled(current_user):
                totp.disable(s, current_user, form.code.data)
                message = _("Drugi składnik logowania wyłączony.")
            else:
                totp.enable(s, current_user, session.get(SETUP, ""), form.code.data)
                session.pop(SETUP, None)
                message = _("Drugi składnik logowania włączony. Przy następnym logowaniu podasz kod z aplikacji.")
            s.commit()
        except totp.TotpError as e:
            s.rollback()
            error, status = e.message, 422
        else:
            flash(message, "success")
            return redirect(url_for(".setup"), 303)
    elif request.method == "POST":
        status = 422
    secret = uri = qr = None
    if not totp.enabled(current_user):
        secret = session.get(SETUP) or totp.new_secret()
        session[SETUP] = secret
        uri = totp.provisioning_uri(current_user, secret)
        qr = totp.qr_svg(uri)
    return render_template("totp/setup.html", form=form, error=error, secret=secret, uri=uri, qr=qr,
                           required=totp.required(current_user, _production())), status


@bp.before_app_request
def _admins_need_totp():
    """GRANTS_ENV=production: an admin without TOTP sets it up before anything else."""
    if (request.blueprint in ("api", "api_docs") or request.endpoint in OPEN_ENDPOINTS
            or not current_user.is_authenticated or totp.enabled(current_user)
            or not totp.required(current_user, _production())):
        return None
    flash(_("Administrator musi używać drugiego składnika logowania. Włącz go, aby kontynuować."), "info")
    return redirect(url_for("totp.setup"))
