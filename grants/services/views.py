"""Mutual services pages (S12): the public board of offers and requests, answering, a broker's
suggestion, the exchange's confirmation and rating."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from grants.core import db
from grants.core.i18n import _
from grants.core.permissions import is_staff
from grants.registry.dictionaries import DISTRICTS, FIELDS
from grants.registry.models import Organisation
from grants.web.areas import act, form_int, getter, list_page, member_organisations, viewer, visible_children
from grants.web.transitions import CsrfForm, require_csrf, transition_page
from grants.workflows.base import available_transitions

from . import operations as ops
from .models import CATEGORIES, LISTING_KINDS, ServiceExchange, ServiceListing

bp = Blueprint("services", __name__, url_prefix="/services", template_folder="templates")
_listing = getter(ServiceListing, ops.visible_listings)
_exchange = getter(ServiceExchange, ops.visible_exchanges)


@bp.route("/", methods=["GET", "POST"])
def index():
    user = viewer()
    q = ops.visible_listings(select(ServiceListing), user)
    for name, allowed in (("kind", LISTING_KINDS), ("category", CATEGORIES), ("field", FIELDS), ("district", DISTRICTS)):
        if request.args.get(name) in allowed:
            q = q.where(getattr(ServiceListing, name) == request.args[name])
    create = (user is not None,
              lambda: ops.publish(db.session(), user, form_int("organisation_id"), request.form.to_dict()),
              _("Opublikowano ogłoszenie."), lambda obj: url_for(".show", lid=obj.id))
    return list_page("services/index.html", q, ServiceListing, ServiceListing.id.desc(), create=create,
                     kinds=LISTING_KINDS, categories=CATEGORIES, fields=FIELDS, districts=DISTRICTS,
                     orgs=member_organisations(user))


@bp.route("/<int:lid>")
def show(lid):
    obj = _listing(lid)
    user, s = viewer(), db.session()
    exchanges = visible_children(ServiceExchange, ops.visible_exchanges, ServiceExchange.listing_id, lid, user)
    orgs = {k: v for k, v in member_organisations(user).items() if k != str(obj.organisation_id)}
    all_orgs = {str(o.id): o.name for o in s.scalars(select(Organisation).where(
        Organisation.id != obj.organisation_id).order_by(Organisation.name).limit(500))} if is_staff(user) else {}
    return render_template("services/show.html", o=obj, kinds=LISTING_KINDS, categories=CATEGORIES, fields=FIELDS,
                           districts=DISTRICTS, contacts=ops.may_see_contacts(obj, user), exchanges=exchanges,
                           orgs=orgs, all_orgs=all_orgs, transitions=available_transitions(s, obj, user),
                           form=CsrfForm())


@bp.route("/<int:lid>/answer", methods=["POST"])
@login_required
def answer(lid):
    obj = _listing(lid)
    require_csrf()
    operation = ops.suggest if is_staff(current_user) else ops.answer
    return act(lambda: operation(db.session(), current_user, obj, form_int("organisation_id"),
                                 request.form.get("message", "")),
               url_for(".show", lid=lid), to=lambda x: url_for(".exchange", xid=x.id),
               done=_("Zapisano. Druga strona została powiadomiona."))


transition_page(bp, "/<int:lid>/transitions/<name>", _listing)


@bp.route("/exchanges/<int:xid>")
@login_required
def exchange(xid):
    obj = _exchange(xid)
    return render_template("services/exchange.html", x=obj, categories=CATEGORIES,
                           transitions=available_transitions(db.session(), obj, current_user), form=CsrfForm())


def _rating(name):
    """Rating gives a number (or what was sent, for the payload's own refusal) and a comment."""
    if name != "rate":
        return None
    rating = request.form.get("rating", "")
    return {"rating": int(rating) if rating.isdigit() and len(rating) < 3 else rating,
            "comment": request.form.get("comment") or None}


transition_page(bp, "/exchanges/<int:xid>/transitions/<name>", _exchange,
                back=lambda obj: url_for(".exchange", xid=obj.id), endpoint="exchange_transition", payload=_rating)
