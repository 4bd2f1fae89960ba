"""/api/v1/contests on the generic collection endpoints."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from flask import g, has_app_context
from pydantic import AwareDatetime, BaseModel, Field

from grants.api.collections import Collection, register
from grants.api.problems import invalid
from grants.api.validation import Id
from grants.core import canonical, db
from grants.core.i18n import _
from grants.core.numbers import Money, Percent
from grants.core.permissions import ADMIN, OFFICER, has_role

from . import operations as ops
from .models import Contest

Pct = Percent


class Criterion(BaseModel):
    model_config = {"extra": "forbid"}
    code: str = Field(min_length=1, max_length=40)
    label: str = Field(min_length=1, max_length=500)
    max_points: str = Field(pattern=r"^[0-9]{1,3}(\.[0-9]{1,2})?$")  # ASCII digits only
    support_only: bool = False


class CheckItem(BaseModel):
    model_config = {"extra": "forbid"}
    code: str = Field(min_length=1, max_length=40)
    label: str = Field(min_length=1, max_length=500)


class ContestFields(BaseModel):
    model_config = {"extra": "forbid"}
    title: str | None = Field(default=None, min_length=1, max_length=500)
    year: int | None = Field(default=None, ge=2000, le=2100)
    call_type: str | None = Field(default=None, max_length=40)
    call_params: dict | None = None  # the call type's own parameters, checked by its module
    task_type: str | None = Field(default=None, max_length=5000)
    field: str | None = Field(default=None, max_length=40)
    form: Literal["support", "entrustment"] | None = None
    budget: Money | None = None
    grant_rules: str | None = Field(default=None, max_length=20000)
    task_conditions: str | None = Field(default=None, max_length=20000)
    procedure: str | None = Field(default=None, max_length=20000)
    previous_tasks: str | None = Field(default=None, max_length=20000)
    deadline: AwareDatetime | None = None
    decision_by: date | None = None
    planned_announcement: date | None = None
    min_grant: Money | None = None
    max_grant: Money | None = None
    min_own_total_pct: Pct | None = None
    min_own_financial_pct: Pct | None = None
    min_own_nonfinancial_pct: Pct | None = None
    own_tolerance_pp: Pct | None = None
    max_admin_pct: Pct | None = None
    shift_pct: Pct | None = None
    eligible_categories: list[Annotated[str, Field(max_length=100)]] | None = Field(default=None, max_length=100)
    ineligible_categories: list[Annotated[str, Field(max_length=100)]] | None = Field(default=None, max_length=100)
    task_start: date | None = None
    task_end: date | None = None
    formal_checklist: list[CheckItem] | None = Field(default=None, max_length=50)
    criteria: list[Criterion] | None = Field(default=None, max_length=30)
    pass_threshold: Pct | None = None
    half_points: bool | None = None
    correction_days: int | None = Field(default=None, ge=1, le=60)
    tranche_pattern: str | None = Field(default=None, max_length=200)
    attachments_allowed: bool | None = None


class ContestCreate(ContestFields):
    title: str = Field(min_length=1, max_length=500)
    department_id: Id | None = None  # a bounded integer: never out of the column's range
    planned: bool = False


class ContestItem(BaseModel):
    id: str
    state: str
    version: int
    title: str
    call_type: str
    year: int
    department_id: str | None
    form: str
    budget: str | None
    deadline: str | None
    published_at: str | None
    cancellation_mandatory: bool


def _s(v):
    return canonical.jsonable(v) if v is not None else None


def _prefetch(rows, user) -> None:

    g.contests_cancellation_mandatory = ops.cancellation_mandatory_ids(db.session(), rows)  # one query


def _listed_mandatory(c: Contest) -> bool:
    return has_app_context() and c.id in g.get("contests_cancellation_mandatory", ())


def serialize(c: Contest, user) -> dict:
    body = {"id": str(c.id), "state": c.state, "version": c.version, "title": c.title, "call_type": c.call_type,
            "year": c.year, "department_id": str(c.department_id) if c.department_id else None, "form": c.form,
            "budget": _s(c.budget), "deadline": _s(c.deadline), "published_at": _s(c.published_at),
            "cancellation_mandatory": _listed_mandatory(c)}
    for name in ops.FIELDS_EDITABLE:
        if name not in body:
            body[name] = _s(getattr(c, name))
    body["announcement_sha256"] = c.announcement_hash
    body["cancel_reason"] = c.cancel_reason
    return body


def serialize_full(c: Contest, user) -> dict:
    body = serialize(c, user)
    body["cancellation_mandatory"] = ops.cancellation_mandatory(db.session(), c)
    return body


def _values(data: BaseModel) -> dict:
    values = data.model_dump(exclude_unset=True, exclude={"department_id", "planned"})
    for k in ("formal_checklist", "criteria"):
        if k in values and values[k] is not None:
            values[k] = [dict(x) for x in values[k]]
    return values


def _create(session, user, data: ContestCreate):
    values = _values(data)
    if data.department_id is not None:
        values["department_id"] = int(data.department_id)  # the schema's pattern keeps it an INTEGER
    try:
        return ops.create(session, user, values, planned=data.planned)
    except ops.ContestError as e:
        raise invalid(e.errors) from None


def _may_create(user):
    """Officers and admins announce contests; anyone else is refused before the body is read."""
    return None if has_role(user, OFFICER, ADMIN) else _("Brak uprawnień do tej czynności.")


def _patch(session, obj, user, validated, expected_version):
    ops.check_editable(user, obj, expected_version)
    data = validated()
    try:
        return ops.update(session, obj, user, _values(data), expected_version)
    except ops.ContestError as e:
        raise invalid(e.errors) from None


register(Collection(
    name="contests", model=Contest, serialize=serialize, serialize_full=serialize_full, visible=ops.visible,
    public=True, item_schema=ContestItem, create_schema=ContestCreate, create=_create, may_create=_may_create,
    patch_schema=ContestFields,
    prefetch=_prefetch,
    patch=_patch, summary="Open contests: announcement, parameters, publication (R-ANN-*), closing, formal review, cancellation",
))
