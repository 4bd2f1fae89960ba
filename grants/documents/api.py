"""/api/v1: an offer's and a report's attachments (list, multipart upload, download) and the
documents of offers, agreements and commissions (issued PDFs with their SHA-256)."""
from __future__ import annotations

from flask import Response, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from grants.api import auth
from grants.api.blueprint import bp
from grants.api.collections import REGISTRY, _json, _object
from grants.api.problems import ApiProblem, invalid
from grants.core import canonical, db
from grants.core.permissions import PermissionDenied
from grants.offers.models import Offer

from . import attachments as ops
from . import files
from . import operations as doc_ops
from .attachment_views import scores_offer
from .issuing import store
from .models import Attachment
from .signatures import verify_confirmation

OWNERS = {"offers": "offer", "reports": "report"}


def _owner(collection: str, obj_id: str, user):
    try:
        return _object(REGISTRY[collection], obj_id, user)
    except ApiProblem:
        if collection != "offers" or not obj_id.isdigit():
            raise
        o = db.session.get(Offer, int(obj_id))  # a commission member scoring it
        if o is None or o.submitted_at is None or not scores_offer(db.session(), user, o):
            raise
        return o


def _item(a: Attachment, collection: str) -> dict:
    return {"id": str(a.id), "kind": a.kind, "kind_label": str(ops.KINDS.get(a.kind, a.kind)), "filename": a.filename,
            "content_type": a.content_type, "size": a.size, "sha256": a.sha256,
            "uploaded_at": canonical.jsonable(a.uploaded_at), "signature": a.signature,
            "url": url_for("api.attachment_content", collection=collection, obj_id=a.owner_id, aid=a.id)}


@bp.route("/<any(offers, reports):collection>/<obj_id>/attachments", methods=["GET"])
def attachment_list(collection, obj_id):
    user = auth.require_user()
    owner = _owner(collection, obj_id, user)
    items = [_item(a, collection) for a in ops.of_owner(db.session(), OWNERS[collection], owner.id)]
    return _json({"items": items, "total": len(items)}, 200)


@bp.route("/<any(offers, reports):collection>/<obj_id>/attachments", methods=["POST"])
def attachment_upload(collection, obj_id):
    user = auth.require_user()
    owner = _owner(collection, obj_id, user)
    try:
        f = request.files.get("file")
        kind = request.form.get("kind", "")
    except RequestEntityTooLarge:
        raise ApiProblem(413, "The file is larger than the upload limit.") from None
    if f is None or not f.filename:
        raise invalid([{"field": "file", "message": "A multipart/form-data field `file` is required."}])
    s = db.session()
    try:
        a = ops.upload(s, store(), user, owner, kind, f.read(), f.filename,
                       signature_check=lambda pdf: verify_confirmation(s, owner, pdf))
    except PermissionDenied as e:
        raise ApiProblem(403, str(e)) from None
    except files.FileRefused as e:
        s.rollback()
        raise invalid([{"field": "file", "message": str(e)}]) from None
    except ops.AttachmentError as e:
        s.rollback()
        raise invalid([{"field": "kind", "message": str(e)}]) from None
    return _json(_item(a, collection), 201)


@bp.route("/<any(offers, reports):collection>/<obj_id>/attachments/<aid>", methods=["GET"])
def attachment_content(collection, obj_id, aid):
    user = auth.require_user()
    owner = _owner(collection, obj_id, user)
    a = db.session.get(Attachment, int(aid)) if aid.isdigit() else None
    if a is None or a.owner_type != OWNERS[collection] or a.owner_id != owner.id:
        raise ApiProblem(404, "No such attachment.")
    resp = Response(store().get(a.storage_key), mimetype=a.content_type)
    resp.headers["Content-Disposition"] = f'attachment; filename="{a.filename.encode("ascii", "replace").decode()}"'
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


DOCUMENT_OWNERS = {"offers": "offer", "agreements": "agreement", "commissions": "commission"}


@bp.route("/<any(offers, agreements, commissions):collection>/<obj_id>/documents", methods=["GET"])
def document_list(collection, obj_id):
    """Issued documents (never regenerated) with their hashes and the public verification address."""
    user = auth.require_user()
    obj = _owner(collection, obj_id, user)
    items = [{"kind": d.kind, "title": d.title, "number": d.number, "sha256": d.sha256, "size": d.size,
              "issued_at": canonical.jsonable(d.issued_at), "issued": True,
              "verify_url": url_for("documents.verify", digest=d.sha256, _external=True)}
             for d in doc_ops.of_object(db.session(), DOCUMENT_OWNERS[collection], [obj.id])]
    live = {"offers": ("offer", "documents.offer_pdf", "oid"), "agreements": ("agreement", "documents.agreement_pdf", "aid")}
    if collection in live:  # the current PDF, made on request
        kind, endpoint, arg = live[collection]
        items.insert(0, {"kind": kind, "issued": False, "url": url_for(endpoint, **{arg: obj.id})})
    return _json({"items": items, "total": len(items)}, 200)


EXTRA_PATHS_DOC = {
    "/api/v1/offers/{id}/attachments": ["get", "post"],
    "/api/v1/offers/{id}/attachments/{aid}": ["get"],
    "/api/v1/reports/{id}/attachments": ["get", "post"],
    "/api/v1/reports/{id}/attachments/{aid}": ["get"],
    "/api/v1/offers/{id}/documents": ["get"],
    "/api/v1/agreements/{id}/documents": ["get"],
    "/api/v1/commissions/{id}/documents": ["get"],
}
EXTRA_PATHS_DETAILS = {
    ("/api/v1/offers/{id}/attachments", "post"): (
        "Upload an attachment (multipart/form-data: kind = statute | partnership_letter | signed_confirmation | "
        "other, file); checked by content (PDF, PNG, JPEG, ODT, DOCX), size and name", None),
    ("/api/v1/reports/{id}/attachments", "post"): (
        "Upload an attachment to a report (multipart/form-data: kind = invoices | other, file)", None),
    ("/api/v1/offers/{id}/documents", "get"): ("The offer's PDF and its issued confirmations (SHA-256)", None),
}
_UPLOAD = {"type": "object", "required": ["kind", "file"], "properties": {
    "kind": {"type": "string", "enum": list(ops.KINDS)}, "file": {"type": "string", "format": "binary"}}}
EXTRA_PATHS_MULTIPART = {("/api/v1/offers/{id}/attachments", "post"): _UPLOAD,
                         ("/api/v1/reports/{id}/attachments", "post"): _UPLOAD}
