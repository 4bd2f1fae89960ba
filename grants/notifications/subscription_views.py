"""Public pages of the newsletter (S4): subscribe without an account, confirm by the e-mailed link
(double opt-in), unsubscribe in one click without login (RFC 8058: a POST to the link)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import get_locale
from sqlalchemy import select

from grants.calltypes.base import registry as call_types
from grants.core import db
from grants.forms.account import CsrfForm
from grants.registry import authorities
from grants.registry.dictionaries import DISTRICTS, FIELDS
from grants.registry.models import Department
from grants.web.security import csrf
from grants.web.transitions import require_csrf

from . import subscriptions
from .errors import NotificationError

bp = Blueprint("subscriptions", __name__, url_prefix="/subscriptions", template_folder="templates")


def _authority():
    """The authority whose portal the subscription is made on (?grantor=<code> or the form's field)."""
    code = (request.values.get("grantor") or "").strip()
    if not code:
        return None
    g = authorities.by_code(db.session(), code)
    if g is None:
        abort(404)
    return g


def _form(status: int = 200, **extra):
    g = _authority()
    q = select(Department).order_by(Department.code, Department.id)
    departments = db.session.scalars(q.where(Department.grantor_id == g.id) if g is not None else q).all()
    return render_template("notifications/subscribe.html", topics=subscriptions.TOPICS, fields=FIELDS,
                           districts=authorities.districts(g) if g is not None else DISTRICTS, departments=departments, call_types=call_types(), authority=g,
                           frequencies=subscriptions.FREQUENCIES, values=extra.pop("values", {}), **extra), status


@bp.route("/", methods=["GET"])
def index():
    return _form()


@bp.route("/", methods=["POST"])
def create():
    values = {"email": request.form.get("email", ""), "topics": request.form.getlist("topics"),
              "fields": request.form.getlist("fields"), "districts": request.form.getlist("districts"),
              "departments": request.form.getlist("departments"), "call_types": request.form.getlist("call_types"),
              "frequency": request.form.get("frequency", "weekly")}
    if not CsrfForm().validate_on_submit():
        return _form(400, values=values)
    s = db.session()
    try:
        subscriptions.subscribe(s, values["email"], values["topics"], values["fields"], values["districts"],
                                values["departments"], values["call_types"], values["frequency"],
                                locale=str(get_locale() or "pl")[:2], grantor_id=getattr(_authority(), "id", None))
        s.commit()
    except NotificationError as e:
        s.rollback()
        return _form(422, values=values, error=e.message)
    return render_template("notifications/subscription_done.html", step="sent"), 201


@bp.route("/confirm/<token>", methods=["GET"])
def confirm_page(token: str):
    try:
        subscriptions.by_token(db.session(), token)
    except NotificationError:
        abort(404)
    return render_template("notifications/subscription_done.html", step="confirm", token=token)


@bp.route("/confirm/<token>", methods=["POST"])
def confirm(token: str):
    require_csrf()
    return _by_token(subscriptions.confirm, token, "confirmed")


def _by_token(step, token: str, done: str):
    """`step` on the subscription the mailed `token` names (an unknown token: 404), then the page saying it is `done`."""
    s = db.session()
    try:
        step(s, token)
        s.commit()
    except NotificationError:
        s.rollback()
        abort(404)
    return render_template("notifications/subscription_done.html", step=done)


@bp.route("/unsubscribe/<token>", methods=["GET"])
def unsubscribe_page(token: str):
    try:
        sub = subscriptions.by_token(db.session(), token)
    except NotificationError:
        abort(404)
    return render_template("notifications/subscription_done.html",
                           step="unsubscribed" if not sub.active and sub.unsubscribed_at else "unsubscribe", token=token)


@bp.route("/unsubscribe/<token>", methods=["POST"])
@csrf.exempt  # RFC 8058: the mail client posts "List-Unsubscribe=One-Click"; the token is the secret
def unsubscribe(token: str):
    return _by_token(subscriptions.unsubscribe, token, "unsubscribed")
