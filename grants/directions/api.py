"""/api/v1/directions: proposals in consultations, supports and comments."""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from grants.api import auth
from grants.api.declare import api_route
from grants.api.collections import Collection, _json, _object, body_id, named, register
from grants.api.validation import Id, raw_json, validate
from grants.consultations.models import Consultation
from grants.consultations.operations import visible
from grants.core import canonical, db
from grants.core.numbers import Money
from grants.core.permissions import ADMIN, OFFICER, PermissionDenied, has_role
from grants.programmes.operations import plan_contest_from_direction

from . import operations as ops
from .models import Direction


def _s(v):
    return canonical.jsonable(v) if v is not None else None


def serialize(d: Direction, user) -> dict:
    return {"id": str(d.id), "state": d.state, "version": d.version, "consultation_id": str(d.consultation_id),
            "title": d.title, "problem": d.problem, "target_group": d.target_group, "proposed_task": d.proposed_task,
            "estimated_funds": _s(d.estimated_funds), "field": d.field, "district": d.district,
            "stakeholder_type": d.stakeholder_type, "answer": d.answer if d.answered_at else None,
            "merged_into_id": str(d.merged_into_id) if d.merged_into_id else None,
            "scale_up_agreement_id": str(d.scale_up_agreement_id) if d.scale_up_agreement_id else None}


class DirectionItem(BaseModel):
    id: str
    state: str
    version: int
    consultation_id: str
    title: str
    stakeholder_type: str


class DirectionFields(BaseModel):
    model_config = {"extra": "forbid"}
    title: str | None = Field(default=None, min_length=1, max_length=255)
    problem: str | None = Field(default=None, max_length=10000)
    target_group: str | None = Field(default=None, max_length=10000)
    proposed_task: str | None = Field(default=None, max_length=10000)
    estimated_funds: Money | None = None
    field: str | None = Field(default=None, max_length=40)
    district: str | None = Field(default=None, max_length=10)


class DirectionCreate(DirectionFields):
    consultation_id: Id
    title: str = Field(min_length=1, max_length=255)
    organisation_id: Id | None = None


def _create(session, user, data: DirectionCreate):
    org = body_id(data.organisation_id, "consultation_id") if data.organisation_id else None
    c = named(session, Consultation, visible, data.consultation_id, "consultation_id", user, "unknown id",
              "no such consultation")
    return ops.create(session, user, c, data.model_dump(exclude_unset=True, exclude={"consultation_id", "organisation_id"}), org)


def _patch(session, obj, user, validated, expected_version):
    if obj.author_id != user.id:
        raise PermissionDenied()
    data = validated()
    return ops.update(session, obj, user, data.model_dump(exclude_unset=True), expected_version)


COLLECTION = register(Collection(
    name="directions", model=Direction, serialize=serialize, visible=ops.visible, public=True,
    item_schema=DirectionItem, create_schema=DirectionCreate, create=_create, patch_schema=DirectionFields,
    patch=_patch, summary="Contest directions proposed in consultations (S1, S7, R-CONSULT)",
))


class SupportsOut(BaseModel):
    direction_id: str
    supports: int


class CommentOut(BaseModel):
    id: str
    body: str


class PlannedOut(BaseModel):
    contest_id: str
    state: str
    planned_announcement: str


@api_route("/directions/<did>/supports", "POST", summary="Support a proposed direction (once per person)",
           who="any signed-in user who sees the direction", response=SupportsOut, status=201,
           errors={422: "A rule refuses (e.g. not open for support)"})
def direction_support(did):
    user = auth.require_user()
    d = _object(COLLECTION, did, user)
    ops.support(db.session(), d, user)
    db.session.commit()
    n = ops.supports_count(db.session(), [d.id]).get(d.id, 0)
    return _json({"direction_id": str(d.id), "supports": n}, 201)


class DirectionCommentIn(BaseModel):
    model_config = {"extra": "forbid"}
    body: str = Field(min_length=1, max_length=4000)


@api_route("/directions/<did>/comments", "POST", summary="Comment on a direction",
           who="any signed-in user who sees the direction", body=DirectionCommentIn, response=CommentOut, status=201)
def direction_comment(did):
    user = auth.require_user()
    d = _object(COLLECTION, did, user)
    data = validate(DirectionCommentIn, raw_json())
    c = ops.comment(db.session(), d, user, data.body)
    db.session.commit()
    return _json({"id": str(c.id), "body": c.body}, 201)


class PlanIn(BaseModel):
    model_config = {"extra": "forbid"}
    announcement: date
    budget: Money | None = None


@api_route("/directions/<did>/planned-contest", "POST", summary="Turn an accepted direction into a planned contest (S7)",
           who="officers and administrators", body=PlanIn, response=PlannedOut, status=201,
           body_example={"announcement": "2027-03-01", "budget": "150000.00"},
           errors={403: "Officers and administrators only", 409: "The direction is not accepted",
                   422: "Invalid input, or a rule refuses"})
def plan_contest(did):
    """An accepted direction becomes a planned contest of the cooperation programme (S7)."""
    user = auth.require_user()
    d = _object(COLLECTION, did, user)
    if not has_role(user, OFFICER, ADMIN):
        raise PermissionDenied()
    data = validate(PlanIn, raw_json())
    c = plan_contest_from_direction(db.session(), user, d, announcement=data.announcement, budget=data.budget)
    db.session.commit()
    return _json({"contest_id": str(c.id), "state": c.state, "planned_announcement": c.planned_announcement.isoformat()},
                 201)
