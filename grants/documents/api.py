"""/api/v1: an offer's and a report's attachments (list, multipart upload, download) and the
documents of offers, agreements and commissions (issued PDFs with their SHA-256)."""
from __future__ import annotations

from flask import Response, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from grants.api import auth
from grants.api.declare import api_route
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
            "url": url_for(f"api.{collection}_attachment_content", obj_id=a.owner_id, aid=a.id)}


def attachment_list(collection, obj_id):
    user = auth.require_user()
    owner = _owner(collection, obj_id, user)
    items = [_item(a, collection) for a in ops.of_owner(db.session(), OWNERS[collection], owner.id)]
    return _json({"items": items, "total": len(items)}, 200)


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


# ---- the declarations: one operation per collection (the route and its documentation together)

ATTACHMENT = {"type": "object", "required": ["id", "kind", "filename", "sha256", "url"], "properties": {
    "id": {"type": "string"}, "kind": {"type": "string"}, "kind_label": {"type": "string"},
    "filename": {"type": "string"}, "content_type": {"type": "string"}, "size": {"type": "integer"},
    "sha256": {"type": "string"}, "uploaded_at": {"type": ["string", "null"]},
    "signature": {"type": ["object", "null"]}, "url": {"type": "string"}}}
ATTACHMENTS = {"type": "object", "required": ["items", "total"], "properties": {
    "items": {"type": "array", "items": ATTACHMENT}, "total": {"type": "integer"}}}
UPLOAD = {"type": "object", "required": ["file", "kind"], "properties": {
    "file": {"type": "string", "format": "binary", "description": "PDF, PNG, JPEG, ODT or DOCX"},
    "kind": {"type": "string", "description": "statute, partnership_letter, signed_confirmation, other, ..."}}}
DOCUMENT = {"type": "object", "required": ["kind", "issued"], "properties": {
    "kind": {"type": "string"}, "title": {"type": "string"}, "number": {"type": ["string", "null"]},
    "sha256": {"type": "string"}, "size": {"type": "integer"}, "issued_at": {"type": "string"},
    "issued": {"type": "boolean"}, "verify_url": {"type": "string"}, "url": {"type": "string"}}}
DOCUMENTS = {"type": "object", "required": ["items", "total"], "properties": {
    "items": {"type": "array", "items": DOCUMENT}, "total": {"type": "integer"}}}
READERS = "whoever may read the {0} (its organisation's members, staff of its department; commission members " \
          "for offers they score)"


def _bound(view, collection: str, name: str):
    def bound(**kwargs):
        return view(collection, **kwargs)
    bound.__name__ = name
    return bound


for _c in OWNERS:
    _one = _c[:-1]
    api_route(f"/{_c}/<obj_id>/attachments", "GET", summary=f"Attachments of a {_one}", tag=_c,
              who=READERS.format(_one), response=ATTACHMENTS)(_bound(attachment_list, _c, f"{_c}_attachment_list"))
    api_route(f"/{_c}/<obj_id>/attachments", "POST", summary=f"Upload an attachment to a {_one} (multipart)",
              tag=_c, who=f"the {_one}'s organisation while it may still be changed", body=UPLOAD,
              body_type="multipart/form-data", response=ATTACHMENT, status=201,
              errors={403: "Not the organisation's, or the attachment may not be changed now",
                      413: "The file is larger than the limit",
                      422: "A file refused by its content, size or name, or a kind the contest does not allow"}
              )(_bound(attachment_upload, _c, f"{_c}_attachment_upload"))
    api_route(f"/{_c}/<obj_id>/attachments/<aid>", "GET", summary=f"Download one attachment of a {_one}", tag=_c,
              who=READERS.format(_one), response={"type": "string", "format": "binary"},
              response_type="application/octet-stream"
              )(_bound(attachment_content, _c, f"{_c}_attachment_content"))
for _c in DOCUMENT_OWNERS:
    api_route(f"/{_c}/<obj_id>/documents", "GET", summary=f"Issued documents of a {_c[:-1]} (R-DOC-ISSUED)", tag=_c,
              who=READERS.format(_c[:-1]), response=DOCUMENTS
              )(_bound(document_list, _c, f"{_c}_document_list"))
