"""PDF downloads of the official documents and the public verification page (R-DOC-ISSUED).
Each download checks visibility exactly as the object's print page does."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from grants.agreements import operations as agreement_ops
from grants.agreements.models import Agreement
from grants.commissions.access import is_staff
from grants.contests import operations as contest_ops
from grants.contests.models import Contest
from grants.core import db
from grants.core.i18n import _
from grants.offers import operations as offer_ops
from grants.offers.models import Offer
from grants.reports import operations as report_ops
from grants.reports.models import Report
from grants.settlements import operations as settlement_ops
from grants.settlements.models import Settlement
from grants.web.areas import visible_or_404
from grants.web.transitions import CsrfForm, require_csrf
from grants.commissions import operations as commission_ops
from reviewers.models import Commission

from . import operations as ops
from . import tasks
from . import issuing
from .issuing import store
from .kinds import (KINDS, agreement_context, announcement_context, confirmation_context, latest_revision, offer_context,
                    report_context, results_context, settlement_context)
from .pdf import INSTALL_HINT, PdfUnavailable, missing
from .render import render_html, render_pdf
from .models import DocumentJob
from .storage import sha256

bp = Blueprint("documents", __name__, template_folder="templates")

MAX_VERIFY_BYTES = 60 * 1024 * 1024


def _pdf(data: bytes, filename: str) -> Response:
    resp = Response(data, mimetype="application/pdf")
    resp.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    resp.headers["X-Content-SHA256"] = sha256(data)
    return resp


def _safe(number: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in str(number))


def _render(kind: str, ctx: dict) -> bytes:
    try:
        return render_pdf(kind, ctx)
    except PdfUnavailable:
        abort(Response(render_template("documents/unavailable.html", hint=INSTALL_HINT, reason=missing()), 503))


def _issued(doc) -> Response:
    return _pdf(store().get(doc.storage_key), f"{doc.kind}-{_safe(doc.number)}.pdf")


def _offer(oid: int) -> Offer:
    return visible_or_404(Offer, oid, offer_ops.visible)


@bp.route("/offers/<int:oid>/pdf")
@login_required
def offer_pdf(oid):
    o = _offer(oid)
    return _pdf(_render("offer", offer_context(o)), f"oferta-{_safe(o.number or o.id)}.pdf")


def _confirmation_of(oid):
    """The offer, its latest submitted revision and that submission's issued confirmation (or None)."""
    o = _offer(oid)
    rev = latest_revision(o)
    if rev is None:
        abort(404)
    return o, rev, ops.find(db.session(), "confirmation", "offer", o.id, str(rev.number))


@bp.route("/offers/<int:oid>/confirmation")
@login_required
def confirmation(oid):
    """The print page of the latest submission's confirmation."""
    o, rev, doc = _confirmation_of(oid)
    return render_html("confirmation", {**confirmation_context(o, rev, url_for(".verify", digest=rev.content_hash,
                                                                               _external=True)), "issued": doc})


@bp.route("/offers/<int:oid>/confirmation.pdf")
@login_required
def confirmation_pdf(oid):
    """The issued confirmation (never regenerated); 404 with a note while the job is still issuing it."""
    o, _rev, doc = _confirmation_of(oid)
    if doc is None and missing() is None:
        # the submission's job has not run yet (or failed): issue it now, once, as the job would
        doc = issuing.confirmation(db.session(), o)
    if doc is None:
        return render_template("documents/pending.html", back=url_for("offers.show", oid=oid)), 404
    return _issued(doc)


@bp.route("/contests/<int:cid>/pdf")
def announcement_pdf(cid):
    c = visible_or_404(Contest, cid, contest_ops.visible)
    return _pdf(_render("announcement", announcement_context(c)), f"ogloszenie-{c.year}-{c.id}.pdf")


@bp.route("/agreements/<int:aid>/pdf")
@login_required
def agreement_pdf(aid):
    a = visible_or_404(Agreement, aid, agreement_ops.visible)
    doc = ops.find(db.session(), "agreement", "agreement", a.id, str(a.revision))
    if doc is not None:
        return _issued(doc)
    return _pdf(_render("agreement", agreement_context(a)), f"umowa-{_safe(a.number)}-projekt.pdf")


@bp.route("/commissions/<int:cid>/protocol.pdf")
@login_required
def protocol_pdf(cid):
    c = visible_or_404(Commission, cid, commission_ops.visible)
    doc = ops.find(db.session(), "protocol", "commission", c.id)
    if doc is None or not (is_staff(current_user, c) or c.member_for(current_user) is not None):
        abort(404)  # drafts of the protocol are pages, not documents
    return _issued(doc)


def _page_or_pdf(kind: str, ctx: dict, fmt: str, filename: str):
    if fmt == "pdf":
        return _pdf(_render(kind, ctx), filename)
    return render_html(kind, ctx)


@bp.route("/contests/<int:cid>/results.<any(pdf, html):fmt>")
def results(cid, fmt):
    """Public once the results are published (R-RESULTS)."""
    c = visible_or_404(Contest, cid, contest_ops.visible)
    if c.results_published_at is None:
        abort(404)
    return _page_or_pdf("results", results_context(db.session(), c), fmt, f"wyniki-{c.year}-{c.id}.pdf")


@bp.route("/reports/<int:rid>/document.<any(pdf, html):fmt>")
@login_required
def report(rid, fmt):
    r = visible_or_404(Report, rid, report_ops.visible)
    return _page_or_pdf("report", report_context(r), fmt, f"sprawozdanie-{_safe(r.agreement.number)}-{r.kind}.pdf")


@bp.route("/settlements/<int:sid>/document.<any(pdf, html):fmt>")
@login_required
def settlement(sid, fmt):
    s = visible_or_404(Settlement, sid, settlement_ops.visible)
    return _page_or_pdf("settlement", settlement_context(s), fmt, f"rozliczenie-{_safe(s.agreement.number)}.pdf")


def _visible_settlement(sid: int) -> Settlement:
    return visible_or_404(Settlement, sid, settlement_ops.visible)


def _staff_commission(cid: int) -> Commission:
    """A commission whose whole protocol the caller sees (the city's staff of its contest); a member
    reads the protocol on its page, redacted for them."""
    c = visible_or_404(Commission, cid, commission_ops.visible)
    if not is_staff(current_user, c):
        abort(404)
    return c


#: who may have a document made in the background and download it: kind -> the visibility check
BACKGROUND = {"offer": _offer, "settlement": _visible_settlement, "protocol": _staff_commission}


def _background(kind: str, object_id: int):
    BACKGROUND[kind](object_id)
    require_csrf()
    job = tasks.start(db.session(), kind, object_id, current_user)
    return redirect(url_for(".job", job_id=job.id), 303)


@bp.route("/offers/<int:oid>/pdf/background", methods=["POST"])
@login_required
def offer_pdf_background(oid):
    """A large offer: made by a job; the next page shows its progress and then the download."""
    return _background("offer", oid)


@bp.route("/settlements/<int:sid>/document/background", methods=["POST"])
@login_required
def settlement_pdf_background(sid):
    """The settlement statement explained line by line, made by a job with its progress."""
    return _background("settlement", sid)


@bp.route("/commissions/<int:cid>/protocol/background", methods=["POST"])
@login_required
def protocol_pdf_background(cid):
    """The commission's protocol with the ranking (the staff's full view), made by a job."""
    return _background("protocol", cid)


def _job(job_id: str) -> DocumentJob:
    job = db.session.get(DocumentJob, job_id)
    if job is None or job.user_id != current_user.id:
        abort(404)
    return job


@bp.route("/documents/jobs/<job_id>")
@login_required
def job(job_id):
    j = _job(job_id)
    return render_template("documents/job.html", job=j, steps=tasks.STEPS, label=KINDS[j.kind].label)


@bp.route("/documents/jobs/<job_id>.json")
@login_required
def job_status(job_id):
    j = _job(job_id)
    return jsonify({"status": j.status, "progress": j.progress, "step": j.step, "pages": j.pages, "sha256": j.sha256,
                    "download": url_for(".job_download", job_id=j.id) if j.status == "done" else None})


@bp.route("/documents/jobs/<job_id>/download")
@login_required
def job_download(job_id):
    j = _job(job_id)
    if j.status != "done":
        abort(404)
    BACKGROUND[j.kind](j.object_id)  # still visible to the caller
    return _pdf(store().get(j.storage_key), f"{j.kind}-{j.object_id}.pdf")


@bp.route("/verify", methods=["GET", "POST"])
@bp.route("/verify/<digest>", methods=["GET", "POST"])
def verify(digest: str | None = None):
    """Public: what a hash is (an issued document, or the content an issued document certifies),
    when it was issued, and whether an uploaded file is that document, unchanged."""
    s = db.session()
    form = CsrfForm()
    digest = (digest or request.args.get("digest") or "").strip().lower()
    if digest and (len(digest) != 64 or any(ch not in "0123456789abcdef" for ch in digest)):
        flash(_("To nie jest skrót SHA-256 (64 znaki 0-9 i a-f)."), "error")
        digest = ""
    upload = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        f = request.files.get("file")
        data = f.read(MAX_VERIFY_BYTES + 1) if f else b""
        if not data:
            flash(_("Wybierz plik PDF do sprawdzenia."), "error")
        elif len(data) > MAX_VERIFY_BYTES:
            flash(_("Plik jest za duży do sprawdzenia (największy: 60 MB)."), "error")
        else:
            upload = sha256(data)
            if not digest:
                digest = upload
    doc = ops.by_hash(s, digest) if digest else None
    certified = ops.by_subject(s, digest) if digest and doc is None else []
    matches = None
    if upload is not None:
        matches = (doc is not None and upload == doc.sha256) or any(d.sha256 == upload for d in certified)
        if doc is None and not certified:
            doc = ops.by_hash(s, upload)
            matches = doc is not None
    intact = doc is not None and store().exists(doc.storage_key) and sha256(store().get(doc.storage_key)) == doc.sha256
    return render_template("documents/verify.html", digest=digest, doc=doc, certified=certified, upload=upload,
                           matches=matches, intact=intact, kinds=KINDS, form=form)
