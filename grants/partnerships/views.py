"""Partnership pages (S10): the public catalogue of organisations' offers for business (also a
printable booklet and its PDF), the offer page, a business participant's interest, the consents
before contact details are exchanged."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from grants.core import clock, db, formatting
from grants.core.i18n import _
from grants.core.permissions import APPLICANT, PermissionDenied, has_role
from grants.documents.pdf import PdfUnavailable, font_faces, html_to_pdf
from grants.registry.dictionaries import DISTRICTS, FIELDS
from grants.web.areas import act, viewer, visible_or_404
from grants.web.transitions import CsrfForm, require_csrf, transition_page
from grants.workflows.base import available_transitions

from . import operations as ops
from .models import AUDIENCES, OFFER_KINDS, SEEKS, PartnershipInterest, PartnershipOffer

bp = Blueprint("partnerships", __name__, url_prefix="/partnerships", template_folder="templates")

LABELS = {"kinds": OFFER_KINDS, "audiences": AUDIENCES, "seeks": SEEKS, "fields": FIELDS, "districts": DISTRICTS}


def _catalogue(user, published_only: bool = False) -> list[PartnershipOffer]:
    q = ops.catalogue(ops.visible_offers(select(PartnershipOffer), user), request.args)
    if published_only:
        q = q.where(PartnershipOffer.state == "published")
    rows = db.session.scalars(q.order_by(PartnershipOffer.title).limit(1000)).all()
    return [o for o in rows if ops.matches(o, request.args)]


def _my_orgs(user) -> dict[str, str]:
    if user is None or not has_role(user, APPLICANT):
        return {}
    return {str(m.organisation_id): m.organisation.name for m in user.memberships}


@bp.route("/", methods=["GET", "POST"])
def index():
    user, errors, status = viewer(), {}, 200
    if request.method == "POST":
        if user is None:
            abort(403)
        require_csrf()
        org = request.form.get("organisation_id", "")
        values = {**request.form.to_dict(), **{k: request.form.getlist(k) for k in ("kinds", "audiences", "seeks")}}
        try:
            obj = ops.create_offer(db.session(), user, int(org) if org.isdigit() and len(org) < 10 else 0, values)
            db.session.commit()
        except PermissionDenied:
            db.session.rollback()
            abort(403)
        except ops.PartnershipError as e:
            db.session.rollback()
            errors, status = {x["field"]: x["message"] for x in e.errors}, 422
        else:
            flash(_("Zapisano szkic oferty. Opublikuj ją, aby pojawiła się w katalogu."), "success")
            return redirect(url_for(".show", pid=obj.id), 303)
    return render_template("partnerships/index.html", rows=_catalogue(user), orgs=_my_orgs(user), errors=errors,
                           values=request.form, **LABELS), status


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
    obj = visible_or_404(PartnershipOffer, pid, ops.visible_offers)
    user, s = viewer(), db.session()
    interests = s.scalars(ops.visible_interests(select(PartnershipInterest), user).where(
        PartnershipInterest.offer_id == pid).order_by(PartnershipInterest.id)).all() if user is not None else []
    return render_template("partnerships/show.html", o=obj, interests=interests, business=ops.is_business(user),
                           transitions=available_transitions(s, obj, user), form=CsrfForm(), errors={},
                           values={}, **LABELS)


@bp.route("/<int:pid>/interest", methods=["POST"])
@login_required
def interest(pid):
    obj = visible_or_404(PartnershipOffer, pid, ops.visible_offers)
    require_csrf()
    return act(lambda: ops.express_interest(db.session(), current_user, obj, request.form.to_dict()),
               url_for(".show", pid=pid), to=lambda x: url_for(".interest_page", iid=x.id),
               done=_("Wysłano zgłoszenie. Organizacja odpowie na stronie zgłoszenia; dane kontaktowe zostaną "
                      "wymienione dopiero, gdy obie strony się zgodzą."))


transition_page(bp, "/<int:pid>/transitions/<name>",
                lambda pid: visible_or_404(PartnershipOffer, pid, ops.visible_offers))


@bp.route("/interests/<int:iid>")
@login_required
def interest_page(iid):
    obj = visible_or_404(PartnershipInterest, iid, ops.visible_interests)
    return render_template("partnerships/interest.html", i=obj, contacts=ops.contacts(obj, current_user),
                           transitions=available_transitions(db.session(), obj, current_user), form=CsrfForm())


transition_page(bp, "/interests/<int:iid>/transitions/<name>",
                lambda iid: visible_or_404(PartnershipInterest, iid, ops.visible_interests), ("answer",),
                lambda obj: url_for(".interest_page", iid=obj.id), endpoint="interest_transition")
