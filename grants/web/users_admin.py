"""The admin's users page (/admin/users/): search, deactivate and reactivate, end sessions, revoke
tokens (issue 21). Rules in grants/accounts/admin.py and tokens.py."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from grants.accounts import admin, tokens
from grants.accounts.models import User
from grants.accounts.operations import AccountError
from grants.core import audit, db
from grants.core.i18n import _
from grants.core.permissions import ADMIN
from grants.web.areas import listing
from grants.web.transitions import require_csrf

from .security import roles_required

bp = Blueprint("users_admin", __name__, url_prefix="/admin/users")


def _user(uid: int) -> User:
    user = db.session.get(User, uid)
    if user is None or not admin.manageable(current_user, user):  # another authority's staff (issue 22)
        abort(404)
    return user


@bp.route("/")
@roles_required(ADMIN)
def index():
    q = request.args.get("q", "")[:100]
    page = listing(admin.users(current_user, q), User, *admin.ORDER, per_page=admin.PER_PAGE, search=bool(q.strip()),
                   options=(selectinload(User.roles),))
    return render_template("users_admin/index.html", rows=page.rows, page=page, q=q)


@bp.route("/<int:uid>")
@roles_required(ADMIN)
def show(uid: int):
    user = _user(uid)
    return render_template("users_admin/show.html", user=user, tokens=tokens.list_for(db.session(), user),
                           history=audit.history(db.session(), "user", user.id))


def _act(uid: int, operation, done) -> object:
    require_csrf()
    user = _user(uid)
    try:
        operation(db.session(), current_user._get_current_object(), user)
        db.session.commit()
    except AccountError as e:
        db.session.rollback()
        flash(str(e.message), "error")
    else:
        flash(done, "success")
    return redirect(url_for(".show", uid=uid), 303)


def _account_action(name: str, operation, done) -> None:
    """POST /<uid>/<name with dashes>: an admin's action on one account (endpoint `name`)."""
    def view(uid: int):
        return _act(uid, operation, done)
    view.__name__ = name
    bp.add_url_rule(f"/<int:uid>/{name.replace('_', '-')}", name, roles_required(ADMIN)(view), methods=["POST"])


_account_action("deactivate", admin.deactivate, _("Konto zostało dezaktywowane; jego sesje i tokeny API zakończone."))
_account_action("activate", admin.activate, _("Konto zostało ponownie aktywowane."))
_account_action("end_sessions", admin.end_sessions, _("Wszystkie sesje i tokeny API tego konta zostały zakończone."))


@bp.route("/<int:uid>/tokens/<token_id>/revoke", methods=["POST"])
@roles_required(ADMIN)
def revoke_token(uid: int, token_id: str):
    require_csrf()
    try:
        row = tokens.get_visible(db.session(), current_user, token_id)
        if row.user_id != uid:
            raise tokens.TokenNotFound(token_id)
        tokens.revoke(db.session(), current_user._get_current_object(), token_id)
        db.session.commit()
    except tokens.TokenNotFound:
        db.session.rollback()
        abort(404)
    flash(_("Token został unieważniony."), "success")
    return redirect(url_for(".show", uid=uid), 303)
