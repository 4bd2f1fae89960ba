"""The caller's own personal data (R-RODO): GET /api/v1/me/data (art. 15, 20 RODO) and the deletion
request, POST/GET /api/v1/me/deletion-request (art. 17). The same operations as the pages."""
from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy import select

from grants.core import db
from grants.privacy import export, operations
from grants.privacy.models import DeletionRequest

from . import auth
from .blueprint import bp
from .problems import ApiProblem
from .validation import raw_json, validate


class DeletionRequestIn(BaseModel):
    model_config = {"extra": "forbid"}
    reason: str = Field(default="", max_length=2000)


class KeptDocument(BaseModel):
    kind: str
    id: int | None
    label: str
    until: str | None = Field(description="ISO date until which the document is kept; null while the matter goes on")


class DeletionRequestOut(BaseModel):
    id: int
    state: str = Field(description="requested, done (personal data anonymised) or refused")
    reason: str
    requested_at: str
    handled_at: str | None
    note: str
    kept: list[KeptDocument] = Field(description="documents the law requires the office to keep, and until when")


def _out(req: DeletionRequest) -> dict:
    iso = lambda d: d.isoformat().replace("+00:00", "Z") if d else None  # noqa: E731
    return {"id": req.id, "state": req.state, "reason": req.reason, "requested_at": iso(req.requested_at),
            "handled_at": iso(req.handled_at), "note": req.note, "kept": req.kept or []}


@bp.route("/me/data", methods=["GET"])
def my_data():
    user = auth.require_user()
    return export.personal_data(db.session(), user)


@bp.route("/me/deletion-request", methods=["POST"])
def request_deletion():
    user = auth.require_user()
    body = raw_json()
    data = validate(DeletionRequestIn, {} if body is None else body)
    s = db.session()
    try:
        req = operations.request_deletion(s, user, data.reason)
        out = _out(req)
        s.commit()
    except operations.PrivacyError as e:
        s.rollback()
        raise ApiProblem(409, str(e.message)) from None
    return out, 201


@bp.route("/me/deletion-request", methods=["GET"])
def my_deletion_request():
    user = auth.require_user()
    req = db.session.scalar(select(DeletionRequest).where(DeletionRequest.user_id == user.id)
                            .order_by(DeletionRequest.id.desc()).limit(1))
    if req is None:
        raise ApiProblem(404, "No deletion request.")
    return _out(req)


def openapi_paths(schema, json_response, problem, components: dict) -> dict:
    """The paths of this module for the OpenAPI document (openapi.document)."""
    bearer = [{"bearer": []}]
    out = json_response(schema(DeletionRequestOut, components), "The deletion request")
    return {
        "/api/v1/me/data": {"get": {
            "summary": "Everything the system holds about the caller (R-RODO, art. 15 and 20 RODO)",
            "operationId": "getMyData", "tags": ["me"], "security": bearer,
            "responses": {"200": json_response({"type": "object"}, "The caller's personal data"),
                          "401": problem("Token required or invalid")}}},
        "/api/v1/me/deletion-request": {
            "post": {"summary": "Ask for deletion of one's personal data (R-RODO, art. 17 RODO)",
                     "operationId": "requestDeletion", "tags": ["me"], "security": bearer,
                     "requestBody": {"required": False, "content": {"application/json": {
                         "schema": schema(DeletionRequestIn, components)}}},
                     "responses": {"201": out, "400": problem("Malformed JSON"),
                                   "401": problem("Token required or invalid"),
                                   "409": problem("The data was already anonymised"),
                                   "422": problem("Invalid input")}},
            "get": {"summary": "The caller's latest deletion request and its answer", "operationId": "getDeletionRequest",
                    "tags": ["me"], "security": bearer,
                    "responses": {"200": out, "401": problem("Token required or invalid"),
                                  "404": problem("No request")}}},
    }
