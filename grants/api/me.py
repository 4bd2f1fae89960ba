"""The caller's own personal data (R-RODO): GET /api/v1/me/data (art. 15, 20 RODO) and the deletion
request, POST/GET /api/v1/me/deletion-request (art. 17). The same operations as the pages."""
from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy import select

from grants.core import db
from grants.privacy import export, operations
from grants.privacy.models import DeletionRequest

from . import auth
from .declare import api_route
from .problems import ApiProblem
from .validation import optional_body, validate


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


@api_route("/me/data", "GET", summary="Everything the system holds about the caller (R-RODO, art. 15 and 20 RODO)",
           operation_id="getMyData", who="any signed-in user (their own data)",
           response={"type": "object", "description": "The caller's personal data, by kind"})
def my_data():
    user = auth.require_user()
    return export.personal_data(db.session(), user)


@api_route("/me/deletion-request", "POST", summary="Ask for deletion of one's personal data (R-RODO, art. 17 RODO)",
           operation_id="requestDeletion", who="any signed-in user (for themselves)", body=DeletionRequestIn,
           body_required=False, response=DeletionRequestOut, status=201,
           errors={409: "The data was already anonymised"})
def request_deletion():
    user = auth.require_user()
    data = validate(DeletionRequestIn, optional_body())
    s = db.session()
    try:
        req = operations.request_deletion(s, user, data.reason)
        out = _out(req)
        s.commit()
    except operations.PrivacyError as e:
        s.rollback()
        raise ApiProblem(409, str(e.message)) from None
    return out, 201


@api_route("/me/deletion-request", "GET", summary="The caller's latest deletion request and its answer",
           operation_id="getDeletionRequest", who="any signed-in user (their own request)",
           response=DeletionRequestOut, errors={404: "No request"})
def my_deletion_request():
    user = auth.require_user()
    req = db.session.scalar(select(DeletionRequest).where(DeletionRequest.user_id == user.id)
                            .order_by(DeletionRequest.id.desc()).limit(1))
    if req is None:
        raise ApiProblem(404, "No deletion request.")
    return _out(req)
