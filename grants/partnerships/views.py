"""Partnership pages (S10): the public catalogue of organisations' offers for business (also a
printable booklet and its PDF), the offer page, a business participant's interest, the consents
before contact details are exchanged."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from grants.core import clock, db, formatting
from grants.core.i18n import _
from grants.documents.pdf import PdfUnavailable, font_faces, html_to_pdf
from grants.registry.dictionaries import DISTRICTS, FIELDS
from grants.web.areas import act, create_on_post, form_int, getter, member_organisations, viewer, visible_children
from grants.web.transitions import CsrfForm, require_csrf, transition_page
from grants.workflows.base import available_transitions

from . import operations as ops
from .models import AUDIENCES, OFFER_KINDS, SEEKS, PartnershipInterest, PartnershipOffer

bp = Blueprint("partnerships", __name__, url_prefix="/partnerships", template_folder="templates")
_offer = getter(PartnershipOffer, ops.visible_offers)
_interest = getter(PartnershipInterest, ops.visible_interests)

LABELS = {"kinds": OFFER_KINDS, "audiences": AUDIENCES, "seeks": SEEKS, "fields": FIELDS, "districts": DISTRICTS}


def _catalogue(user, published_only: bool = False) -> list[PartnershipOffer]:
    q = ops.catalogue(ops.visible_offers(select(PartnershipOffer), user), request.args)
    if published_only:
        q = q.where(PartnershipOffer.state == "published")
    rows = db.session.scalars(q.order_by(PartnershipOffer.title).limit(1000)).all()
    return [o for o in rows if ops.matches(o, request.args)]


@bp.route("/", methods=["GET", "POST"])
def index():
    user = viewer()
    created, errors, status = create_on_post(
        user is not None, lambda: ops.create_offer(db.session(), user, form_int("organisation_id"), {
            **request.form.to_dict(), **{k: request.form.getlist(k) for k in ("kinds", "audiences", "seeks")}}),
        _("Zapisano szkic oferty. Opublikuj ją, aby pojawiła się w katalogu."),
        lambda obj: url_for(".show", pid=obj.id))
    if created is not None:
        return created
    return render_template("partnerships/index.html", rows=_catalogue(user), orgs=member_organisations(user),
                           errors=errors, values=request.form, **LABELS), status


@bp.route("/booklet")
def booklet():
    """The catalogue's filtered selection as a printable booklet (networking events)."""
    return render_template("partnerships/booklet.html", rows=_catalogue(None, True), today=clock.today(), **LABELS)


@bp.route("/booklet.pdf")
def booklet_pdf():
    html = render_template("partnerships/booklet.html", rows=_catalogue(None, True), today=clock.today(),
                           pdf=True, font_faces=font_faces(), doc_title=_("Katalog ofert partnerstwa"),
                           doc_date=formatting.day(clock.today()), **LABELS)
    try:
        data = html_to_pdf(html)
    except PdfUnavailable:
        flash(_("PDF nie jest dostępny na tym serwerze; wydrukuj stronę katalogu."), "error")
        return redirect(url_for(".booklet", **request.args), 303)
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": 'attachment; filename="katalog-ofert-partnerstwa.pdf"'})


@bp.route("/<int:pid>")
def show(pid):
    obj = _offer(pid)
    user, s = viewer(), db.session()
    interests = visible_children(PartnershipInterest, ops.visible_interests, PartnershipInterest.offer_id, pid, user)
    return render_template("partnerships/show.html", o=obj, interests=interests, business=ops.is_business(user),
                           transitions=available_transitions(s, obj, user), form=CsrfForm(), errors={},
                           values={}, **LABELS)


@bp.route("/<int:pid>/interest", methods=["POST"])
@login_required
def interest(pid):
    obj = _offer(pid)
    require_csrf()
    return act(lambda: ops.express_interest(db.session(), current_user, obj, request.form.to_dict()),
               url_for(".show", pid=pid), to=lambda x: url_for(".interest_page", iid=x.id),
               done=_("Wysłano zgłoszenie. Organizacja odpowie na stronie zgłoszenia; dane kontaktowe zostaną "
                      "wymienione dopiero, gdy obie strony się zgodzą."))


transition_page(bp, "/<int:pid>/transitions/<name>", _offer)


@bp.route("/interests/<int:iid>")
@login_required
def interest_page(iid):
    obj = _interest(iid)
    return render_template("partnerships/interest.html", i=obj, contacts=ops.contacts(obj, current_user),
                           transitions=available_transitions(db.session(), obj, current_user), form=CsrfForm())


transition_page(bp, "/interests/<int:iid>/transitions/<name>", _interest, ("answer",),
                lambda obj: url_for(".interest_page", iid=obj.id), endpoint="interest_transition")
