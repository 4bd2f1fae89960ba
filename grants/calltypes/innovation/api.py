"""API collections of the innovation call type: /api/v1/concepts (stage 1 of an innovation pilot)
on the generic endpoints: list, GET one with the caller's transitions, POST create, PATCH a draft's
fields (If-Match), POST …/transitions/<name> (submit, withdraw; shortlisting follows the call's decision)."""
from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy import select

from grants.api.areas import SubmissionItem
from grants.api.collections import Collection, register
from grants.api.problems import invalid
from grants.contests.models import Contest
from grants.contests.operations import visible as contest_visible
from grants.core import canonical
from grants.core.i18n import _
from grants.core.permissions import APPLICANT, has_role

from . import concepts as cm
from . import operations as ops
from .models import Concept


class ConceptFields(BaseModel):
    model_config = {"extra": "forbid", "str_strip_whitespace": True}
    title: cm.Short | None = None
    problem: cm.Text | None = None
    novelty: cm.Text | None = Field(default=None, description="what is new")
    partners: list[cm.ConceptPartner] | None = Field(
        default=None, max_length=cm.MAX_PARTNERS,
        description="the cross-sector partnership: each {name, sector, role}; at least one partner from business, "
                    "start-up, culture, science or a university")
    pilot_plan: cm.Text | None = None
    estimated_budget: cm.Amount | None = Field(default=None, description='money string, e.g. "85000.00"')


class ConceptCreate(ConceptFields):
    contest_id: str = Field(max_length=20, description="the concept call (call type innovation_concept)")
    organisation_id: str = Field(max_length=20)


class ConceptItem(SubmissionItem):
    submitted_at: str | None


def _s(v):
    return canonical.jsonable(v) if v is not None else None


def serialize(c: Concept, user) -> dict:
    return {"id": str(c.id), "state": c.state, "version": c.version, "contest_id": str(c.contest_id),
            "organisation_id": str(c.organisation_id), "number": c.number, "title": c.title or "",
            "submitted_at": _s(c.submitted_at)}


def serialize_full(c: Concept, user) -> dict:
    body = serialize(c, user)
    content = cm.load(c).model_dump(mode="json")
    content.pop("title")
    body.update(content)
    body["withdraw_reason"] = c.withdraw_reason if c.state == "withdrawn" else None
    if c.state in ops.EDITABLE_STATES:
        body["problems"] = cm.problems(c)
    return body


def _id(v: str, field: str) -> int:
    try:
        pk = int(v)
    except ValueError:
        raise invalid([{"field": field, "message": "unknown id"}]) from None
    if not 0 < pk < 2**31:
        raise invalid([{"field": field, "message": "unknown id"}])
    return pk


def _create(session, user, data: ConceptCreate):
    contest = session.scalar(contest_visible(select(Contest).where(Contest.id == _id(data.contest_id, "contest_id")),
                                             user))
    if contest is None:
        raise invalid([{"field": "contest_id", "message": "no such contest"}])
    org_id = _id(data.organisation_id, "organisation_id")
    values = data.model_dump(mode="json", exclude_unset=True, exclude={"contest_id", "organisation_id"})
    return ops.create(session, user, contest, org_id, values)


def _patch(session, obj, user, validated, expected_version):
    ops.check_editable(user, obj, expected_version)  # 403, then 409 (state, stale If-Match) before the body
    data = validated()
    return ops.save(session, obj, user, data.model_dump(mode="json", exclude_unset=True), expected_version)


def _may_create(user):
    """Only applicants act for organisations: anyone else is refused before the body is read."""
    if not has_role(user, APPLICANT):
        return _("Koncepcję składa członek organizacji, w której imieniu działa.")
    return None


COLLECTION = register(Collection(
    name="concepts", model=Concept, serialize=serialize, serialize_full=serialize_full, visible=ops.visible,
    public=False, item_schema=ConceptItem, create_schema=ConceptCreate, create=_create, may_create=_may_create,
    patch_schema=ConceptFields, patch=_patch,
    summary="Concepts of innovation pilots (S9, stage 1): the problem, what is new, the cross-sector partnership, "
            "the pilot plan and an estimated budget; submitted to a concept call and shortlisted by its decision",
))
from . import scoring_api  # noqa: E402,F401 - concept cards (A2)
from . import after_api  # noqa: E402,F401 - milestones, scale-up (B)
