"""Password reset (issue 21): "Nie pamiętasz hasła?" on the login page → the e-mail → the same
answer whether or not it has an account → a single-use link valid an hour → a new password
(strength-checked) → every session and token of the account ends. grants/accounts/credentials.py
holds the rules."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, url_for

from grants.accounts import credentials
from grants.accounts.operations import AccountError
from grants.core import db
from grants.core.i18n import _
from grants.forms.account import PASSWORD_HINT, ForgotPasswordForm, ResetPasswordForm

from .links import external_url

bp = Blueprint("password_reset", __name__, url_prefix="/password")


def _no_store(resp):
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["Referrer-Policy"] = "no-referrer"  # the link's token never leaves in a Referer
    return resp


@bp.route("/forgot", methods=["GET", "POST"])
def forgot():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        credentials.request_reset(db.session(), current_app.secret_key, form.email.data,
                                  lambda token: external_url("password_reset.reset", token=token))
        db.session.commit()
        # the same answer whether or not the e-mail has an account
        return _no_store(make_response(render_template("password_reset/sent.html"), 200))
    status = 422 if request.method == "POST" else 200
    return _no_store(make_response(render_template("password_reset/forgot.html", form=form), status))


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    s = db.session()
    try:
        credentials.user_for_reset(s, current_app.secret_key, token)
    except credentials.ResetLinkInvalid:
        return _no_store(make_response(render_template("password_reset/invalid.html"), 410))
    form = ResetPasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            credentials.reset_password(s, current_app.secret_key, token, form.password.data)
            s.commit()
        except credentials.ResetLinkInvalid:
            s.rollback()
            return _no_store(make_response(render_template("password_reset/invalid.html"), 410))
        except AccountError as e:
            s.rollback()
            form.password.errors.append(str(e.message))
            status = 422
        else:
            flash(_("Nowe hasło zostało ustawione. Wszystkie sesje i tokeny API tego konta zostały zakończone. "
                    "Zaloguj się nowym hasłem."), "success")
            return redirect(url_for("auth.login"), 303)
    elif request.method == "POST":
        status = 422
    return _no_store(make_response(render_template("password_reset/reset.html", form=form,
                                                   password_hint=PASSWORD_HINT), status))
