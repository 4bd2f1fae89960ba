"""Attachment pages: the officer's rules per contest; uploads, the list and downloads of an offer's
and a report's attachments. Downloads go through the app with the owner's visibility checks."""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from grants.commissions.access import hidden_offers
from grants.contests import operations as contest_ops
from grants.contests.models import Contest
from grants.core import db
from grants.core.i18n import _
from grants.core.permissions import OFFICER, PermissionDenied, admin_of, has_role
from grants.offers import operations as offer_ops
from grants.offers.models import Offer
from grants.reports import operations as report_ops
from grants.reports.models import Report
from grants.web.transitions import CsrfForm
from reviewers.models import Commission
from reviewers.scoring import offers_to_score

from . import attachments as ops
from . import files
from . import operations as doc_ops
from .issuing import store
from .models import Attachment
from .signatures import verify_confirmation

bp = Blueprint("attachments", __name__, template_folder="templates")

TOO_LARGE = _("Plik jest za duży: przekracza dopuszczalny rozmiar przesyłanych danych.")


def scores_offer(session, user, offer: Offer) -> bool:
    """A commission member sees the attachments of the offers they score, not of those they are
    excluded from (R-COM-IMPARTIAL)."""
    com = session.scalar(select(Commission).where(Commission.contest_id == offer.contest_id))
    if com is None or com.member_for(user) is None:
        return False
    return offer.id in {o.id for o in offers_to_score(session, com)} and offer.id not in hidden_offers(session, com, user)


def visible_offer(oid: int) -> Offer:
    s = db.session()
    o = s.scalar(offer_ops.visible(select(Offer).where(Offer.id == oid), current_user))
    if o is None:
        o = s.get(Offer, oid)
        if o is None or o.submitted_at is None or not scores_offer(s, current_user, o):
            abort(404)
    return o


def visible_report(rid: int) -> Report:
    r = db.session.scalar(report_ops.visible(select(Report).where(Report.id == rid), current_user))
    if r is None:
        abort(404)
    return r


def _owner(owner_type: str, owner_id: int):
    return visible_offer(owner_id) if owner_type == "offer" else visible_report(owner_id)


def _back(owner_type: str, owner_id: int) -> str:
    return url_for(".owner_page", owner_type=owner_type, owner_id=owner_id)


def read_upload():
    """(data, name) of the form's `file`; RequestEntityTooLarge becomes a FileRefused."""
    try:
        f = request.files.get("file")
    except RequestEntityTooLarge:
        raise files.FileRefused(TOO_LARGE) from None
    if f is None or not f.filename:
        raise files.FileRefused(_("Wybierz plik."))
    return f.read(), f.filename


@bp.route("/<any(offer, report):owner_type>/<int:owner_id>/attachments", methods=["GET"])
@login_required
def owner_page(owner_type, owner_id):
    owner = _owner(owner_type, owner_id)
    s = db.session()
    rows = ops.of_owner(s, owner_type, owner.id)
    allowed = ops.allowed_kinds(s, owner)
    is_member = (owner.organisation_id if owner_type == "offer" else owner.agreement.organisation_id) in \
        getattr(current_user, "organisation_ids", frozenset())
    rules = ops.rules_of(s, owner.contest) if owner_type == "offer" else {}
    issued = doc_ops.of_object(s, "offer", [owner.id]) if owner_type == "offer" else []
    return render_template("documents/attachments.html", owner=owner, owner_type=owner_type, rows=rows, allowed=allowed,
                           kinds=ops.KINDS, rules=rules, can_upload=is_member and bool(allowed), issued=issued,
                           form=CsrfForm(), allowed_types=files.ALLOWED_LABEL)


@bp.route("/<any(offer, report):owner_type>/<int:owner_id>/attachments", methods=["POST"])
@login_required
def upload(owner_type, owner_id):
    owner = _owner(owner_type, owner_id)
    try:
        if not CsrfForm().validate_on_submit():
            abort(400)
        data, name = read_upload()
        ops.upload(db.session(), store(), current_user, owner, request.form.get("kind", ""), data, name,
                   signature_check=lambda pdf: verify_confirmation(db.session(), owner, pdf))
    except RequestEntityTooLarge:
        flash(str(TOO_LARGE), "error")
    except PermissionDenied:
        abort(403)
    except (files.FileRefused, ops.AttachmentError) as e:
        db.session.rollback()
        flash(str(e), "error")
    else:
        flash(_("Dodano załącznik."), "success")
    return redirect(_back(owner_type, owner_id), 303)


@bp.route("/<any(offer, report):owner_type>/<int:owner_id>/attachments/<int:aid>/delete", methods=["POST"])
@login_required
def delete(owner_type, owner_id, aid):
    owner = _owner(owner_type, owner_id)
    if not CsrfForm().validate_on_submit():
        abort(400)
    a = db.session.get(Attachment, aid)
    if a is None or a.owner_type != owner_type or a.owner_id != owner.id:
        abort(404)
    try:
        ops.remove(db.session(), current_user, owner, a)
    except PermissionDenied:
        abort(403)
    except ops.AttachmentError as e:
        flash(str(e), "error")
    else:
        flash(_("Usunięto załącznik."), "success")
    return redirect(_back(owner_type, owner_id), 303)


@bp.route("/attachments/<int:aid>")
@login_required
def download(aid):
    a = db.session.get(Attachment, aid)
    if a is None:
        abort(404)
    _owner(a.owner_type, a.owner_id)  # 404 unless the caller sees the owner
    resp = Response(store().get(a.storage_key), mimetype=a.content_type)
    resp.headers["Content-Disposition"] = f'attachment; filename="{a.filename.encode("ascii", "replace").decode()}"; ' \
                                          f"filename*=UTF-8''{_quote(a.filename)}"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


def _quote(name: str) -> str:
    return quote(name)


@bp.route("/contests/<int:cid>/attachments", methods=["GET", "POST"])
@login_required
def contest_rules(cid):
    c = db.session.scalar(contest_ops.visible(select(Contest).where(Contest.id == cid), current_user))
    if c is None:
        abort(404)
    if not (admin_of(c, current_user) or (has_role(current_user, OFFICER) and current_user.department_id == c.department_id)):
        abort(403)
    s = db.session()
    form = CsrfForm()
    errors = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            rules = {}
            for k in ops.OFFER_KINDS:
                mb = request.form.get(f"max.{k}", "10").strip().replace(",", ".") or "10"
                try:
                    mb_value = float(mb)
                except ValueError:
                    raise ops.AttachmentError(_("Limit rozmiaru „%(k)s” musi być liczbą megabajtów.", k=ops.KINDS[k])) from None
                rules[k] = (request.form.get(f"mode.{k}", "no"), mb_value)
            ops.set_rules(s, current_user, c, rules)
        except PermissionDenied:
            abort(403)
        except ops.AttachmentError as e:
            s.rollback()
            errors = str(e)
            flash(errors, "error")
        else:
            flash(_("Zapisano załączniki konkursu."), "success")
            return redirect(url_for(".contest_rules", cid=cid), 303)
    return render_template("documents/contest_attachments.html", c=c, rules=ops.rules_of(s, c), kinds=ops.KINDS,
                           offer_kinds=ops.OFFER_KINDS, form=form, limit=ops.max_bytes_default() // 1048576,
                           editable=c.state in ("planned", "draft"))


@bp.app_template_global()
def offer_attachments(offer):
    """For the offer page: its attachments (the officer's formal review shows the signature checks)."""
    return ops.of_owner(db.session(), "offer", offer.id)
