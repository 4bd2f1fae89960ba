"""Mutual services pages (S12): the public board of offers and requests, answering, a broker's
suggestion, the exchange's confirmation and rating."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from grants.core import db
from grants.core.i18n import _
from grants.core.permissions import APPLICANT, PermissionDenied, has_role, is_staff
from grants.registry.dictionaries import DISTRICTS, FIELDS
from grants.registry.models import Organisation
from grants.web.areas import act, listing, viewer, visible_or_404
from grants.web.transitions import CsrfForm, perform, require_csrf, transition_page
from grants.workflows.base import available_transitions

from . import operations as ops
from .models import CATEGORIES, LISTING_KINDS, ServiceExchange, ServiceListing

bp = Blueprint("services", __name__, url_prefix="/services", template_folder="templates")


def _my_orgs(user) -> dict[str, str]:
    if user is None or not has_role(user, APPLICANT):
        return {}
    return {str(m.organisation_id): m.organisation.name for m in user.memberships}


def _form_int(name: str) -> int:
    value = request.form.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else 0


@bp.route("/", methods=["GET", "POST"])
def index():
    user, errors, status = viewer(), {}, 200
    if request.method == "POST":
        if user is None:
            abort(403)
        require_csrf()
        try:
            obj = ops.publish(db.session(), user, _form_int("organisation_id"), request.form.to_dict())
            db.session.commit()
        except PermissionDenied:
            db.session.rollback()
            abort(403)
        except ops.ServiceError as e:
            db.session.rollback()
            errors, status = {x["field"]: x["message"] for x in e.errors}, 422
        else:
            flash(_("Opublikowano ogłoszenie."), "success")
            return redirect(url_for(".show", lid=obj.id), 303)
    q = ops.visible_listings(select(ServiceListing), user)
    for name, allowed in (("kind", LISTING_KINDS), ("category", CATEGORIES), ("field", FIELDS), ("district", DISTRICTS)):
        if request.args.get(name) in allowed:
            q = q.where(getattr(ServiceListing, name) == request.args[name])
    page = listing(q, ServiceListing, ServiceListing.id.desc())
    return render_template("services/index.html", rows=page.rows, page=page, kinds=LISTING_KINDS,
                           categories=CATEGORIES, fields=FIELDS, districts=DISTRICTS, orgs=_my_orgs(user),
                           errors=errors, values=request.form), status


@bp.route("/<int:lid>")
def show(lid):
    obj = visible_or_404(ServiceListing, lid, ops.visible_listings)
    user, s = viewer(), db.session()
    exchanges = s.scalars(ops.visible_exchanges(select(ServiceExchange), user).where(
        ServiceExchange.listing_id == lid).order_by(ServiceExchange.id)).all() if user is not None else []
    orgs = {k: v for k, v in _my_orgs(user).items() if k != str(obj.organisation_id)}
    all_orgs = {str(o.id): o.name for o in s.scalars(select(Organisation).where(
        Organisation.id != obj.organisation_id).order_by(Organisation.name).limit(500))} if is_staff(user) else {}
    return render_template("services/show.html", o=obj, kinds=LISTING_KINDS, categories=CATEGORIES, fields=FIELDS,
                           districts=DISTRICTS, contacts=ops.may_see_contacts(obj, user), exchanges=exchanges,
                           orgs=orgs, all_orgs=all_orgs, transitions=available_transitions(s, obj, user),
                           form=CsrfForm())


@bp.route("/<int:lid>/answer", methods=["POST"])
@login_required
def answer(lid):
    obj = visible_or_404(ServiceListing, lid, ops.visible_listings)
    require_csrf()
    operation = ops.suggest if is_staff(current_user) else ops.answer
    return act(lambda: operation(db.session(), current_user, obj, _form_int("organisation_id"),
                                 request.form.get("message", "")),
               url_for(".show", lid=lid), to=lambda x: url_for(".exchange", xid=x.id),
               done=_("Zapisano. Druga strona została powiadomiona."))


transition_page(bp, "/<int:lid>/transitions/<name>",
                lambda lid: visible_or_404(ServiceListing, lid, ops.visible_listings))


@bp.route("/exchanges/<int:xid>")
@login_required
def exchange(xid):
    obj = visible_or_404(ServiceExchange, xid, ops.visible_exchanges)
    return render_template("services/exchange.html", x=obj, categories=CATEGORIES,
                           transitions=available_transitions(db.session(), obj, current_user), form=CsrfForm())


@bp.route("/exchanges/<int:xid>/transitions/<name>", methods=["POST"])
@login_required
def exchange_transition(xid, name):
    obj = visible_or_404(ServiceExchange, xid, ops.visible_exchanges)
    payload = None
    if name == "rate":
        rating = request.form.get("rating", "")
        payload = {"rating": int(rating) if rating.isdigit() and len(rating) < 3 else rating,
                   "comment": request.form.get("comment") or None}
    return perform(obj, name, (), url_for(".exchange", xid=xid), payload=payload)
