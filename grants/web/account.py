"""The account page (/account): password change, "log out everywhere", API tokens (issue 21).

The page is a list of sections (SECTIONS), each a template under account/ with an optional context
function, so other parts add theirs with `add_section` (e.g. the data export) without editing this
page's template. The operations live in grants/accounts/ (credentials, sessions, tokens)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required, logout_user

from grants.accounts import credentials, sessions, tokens
from grants.accounts.operations import AccountError
from grants.core import db
from grants.core.i18n import _
from grants.forms.account import PASSWORD_HINT, ChangePasswordForm, CsrfForm, TokenForm

from .signing_in import fresh_session, start_session

bp = Blueprint("account", __name__, url_prefix="/account")


@dataclass
class Section:
    """One part of the account page: `template` is included with the page's context plus what
    `context(user)` returns."""
    key: str
    template: str
    context: Callable[[object], dict] | None = None


SECTIONS: list[Section] = [
    Section("profile", "account/_profile.html"),
    Section("password", "account/_password.html"),
    Section("sessions", "account/_sessions.html"),
    Section("tokens", "account/_tokens.html",
            lambda user: {"tokens": tokens.list_for(db.session(), user)}),
]


def add_section(section: Section, before: str | None = None) -> None:
    """Adds a section to the account page (at the end, or before the section keyed `before`)."""
    if any(s.key == section.key for s in SECTIONS):
        return
    keys = [s.key for s in SECTIONS]
    SECTIONS.insert(keys.index(before) if before in keys else len(SECTIONS), section)


def _page(status: int = 200, **forms):
    user = current_user._get_current_object()
    context = {"password_form": ChangePasswordForm(formdata=None), "token_form": TokenForm(formdata=None),
               "button_form": CsrfForm(), "password_hint": PASSWORD_HINT, "new_token": None,
               "max_token_days": tokens.MAX_DAYS}
    context.update(forms)
    for s in SECTIONS:
        if s.context is not None:
            context.update(s.context(user))
    resp = make_response(render_template("account/index.html", sections=SECTIONS, **context), status)
    resp.headers["Cache-Control"] = "no-store"  # a new token is shown once, on this response
    return resp


def _sign_in_again(user) -> None:
    """The user's generation moved on: this browser gets a fresh session, the others are ended."""
    start_session(user)


@bp.route("/")
@login_required
def index():
    return _page()


@bp.route("/password", methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    user = current_user._get_current_object()
    return _submit(form, "password_form", form.password,
                   lambda: credentials.change_password(db.session(), user, current=form.current_password.data,
                                                       new=form.password.data),
                   lambda _result: _password_changed(user))


def _password_changed(user):
    _sign_in_again(user)
    flash(_("Hasło zostało zmienione. Pozostałe sesje i wszystkie tokeny API zostały zakończone."), "success")
    return redirect(url_for(".index"), 303)


def _submit(form, name: str, default_field, operation, done):
    """One of the page's forms (`name`: its key in the page's context): invalid input, or an
    AccountError from `operation()` (shown on its field, else on `default_field`), shows the page
    again with the form (422); otherwise the change is committed and `done(result)` answers."""
    if not form.validate_on_submit():
        return _page(422, **{name: form})
    try:
        result = operation()
        db.session.commit()
    except AccountError as e:
        db.session.rollback()
        getattr(form, e.field, default_field).errors.append(str(e.message))
        return _page(422, **{name: form})
    return done(result)


@bp.route("/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    if not CsrfForm().validate_on_submit():
        return _page(400)
    sessions.end_all_sessions(db.session(), current_user._get_current_object(), reason=sessions.EVERYWHERE,
                              actor=current_user._get_current_object())
    db.session.commit()
    logout_user()
    fresh_session()
    flash(_("Wylogowano ze wszystkich urządzeń; wszystkie tokeny API zostały unieważnione."), "success")
    return redirect(url_for("auth.login"), 303)


@bp.route("/tokens", methods=["POST"])
@login_required
def create_token():
    form = TokenForm()
    return _submit(form, "token_form", form.name,
                   lambda: tokens.issue(db.session(), current_user._get_current_object(), name=form.name.data,
                                        days=form.expires_in_days.data),
                   _token_issued)


def _token_issued(issued):
    secret, row = issued
    # shown on this response only (never flashed: the flash would travel in the session cookie)
    return _page(201, new_token={"secret": secret, "name": row.name, "expires_at": row.expires_at})


@bp.route("/tokens/<token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: str):
    if not CsrfForm().validate_on_submit():
        return _page(400)
    try:
        tokens.revoke(db.session(), current_user._get_current_object(), token_id)
        db.session.commit()
    except tokens.TokenNotFound:
        db.session.rollback()
        flash(_("Nie ma takiego tokenu."), "error")
        return redirect(url_for(".index"), 303)
    flash(_("Token został unieważniony."), "success")
    return redirect(url_for(".index"), 303)
