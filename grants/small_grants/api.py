"""/api/v1/small-grants (art. 19a): public while published (R-19A-PUBLISH), comments as a part."""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from grants.api import auth
from grants.api.declare import api_route
from grants.api.areas import RequestItem, TitledBody
from grants.api.collections import Collection, _json, _object, body_id, register
from grants.api.problems import invalid
from grants.api.validation import raw_json, validate
from grants.core import canonical, db
from grants.registry.api import DepartmentPatch, patch_department
from grants.core.numbers import Money

from . import operations as ops
from .models import SmallGrant


def _s(v):
    return canonical.jsonable(v) if v is not None else None


def serialize(o: SmallGrant, user) -> dict:
    return {"id": str(o.id), "state": o.state, "version": o.version, "organisation_id": str(o.organisation_id),
            "department_id": str(o.department_id) if o.department_id else None, "grantor_id": str(o.grantor_id),
            "title": o.title, "description": o.description, "amount": _s(o.amount), "task_start": _s(o.task_start),
            "task_end": _s(o.task_end), "received_at": _s(o.received_at), "publish_due": _s(o.publish_due),
            "published_at": _s(o.published_at), "comments_close_at": _s(o.comments_close_at), "decision": o.decision,
            **({"warnings": o.submission_warnings} if getattr(o, "submission_warnings", None) else {})}


class SmallGrantItem(RequestItem):
    amount: str


class SmallGrantCreate(TitledBody):
    description: str = Field(default="", max_length=20000)
    field: str | None = Field(default=None, max_length=40)
    amount: Money
    task_start: date
    task_end: date
    # the code of the authority addressed (issue 22); without it the deployment's first
    grantor: str | None = Field(default=None, max_length=20)


def _create(session, user, data: SmallGrantCreate):
    org = body_id(data.organisation_id, "organisation_id")
    try:
        obj, warnings = ops.submit(session, user, org, data.model_dump(exclude={"organisation_id"}))
    except ops.SmallGrantError as e:
        raise invalid(e.errors) from None
    obj.submission_warnings = warnings  # the yearly caps, checked for real at award (R-19A-LIMITS)
    return obj


COLLECTION = register(Collection(
    name="small-grants", model=SmallGrant, serialize=serialize, visible=ops.visible, public=True,
    item_schema=SmallGrantItem, create_schema=SmallGrantCreate, create=_create,
    patch_schema=DepartmentPatch, patch=patch_department(ops.reassign_department),
    summary="Small grants outside the contest, art. 19a (R-19A-LIMITS, R-19A-PUBLISH)",
))


class SmallGrantCommentIn(BaseModel):
    model_config = {"extra": "forbid"}
    author_name: str = Field(default="", max_length=255)
    body: str = Field(min_length=1, max_length=4000)


class SmallGrantCommentOut(BaseModel):
    id: str
    author_name: str
    body: str


@api_route("/small-grants/<sid>/comments", "POST", summary="Comment on a small grant offer during its 7-day "
           "publication (R-19A-PUBLISH)", who="any signed-in user, while the offer is published for comments",
           body=SmallGrantCommentIn, response=SmallGrantCommentOut, status=201,
           errors={422: "Invalid input, or the comment period is over"})
def small_grant_comment(sid):
    user = auth.require_user()
    obj = _object(COLLECTION, sid, user)
    data = validate(SmallGrantCommentIn, raw_json())
    try:
        c = ops.add_comment(db.session(), obj, user, data.author_name, data.body)
    except ops.SmallGrantError as e:
        raise invalid(e.errors) from None
    db.session.commit()
    return _json({"id": str(c.id), "author_name": c.author_name, "body": c.body}, 201)
