"""/api/v1 for an innovation pilot after the award (S9): an agreement's milestones with go/no-go
checkpoints and the scale-up recommendation, as sub-resources of /api/v1/agreements/<id>.

Checked in the contract's order: 401 without a token; 404 when the agreement is not visible to the
caller, is not an innovation pilot, or has no such milestone; 403 when the caller's role or relation
may not act; 409 for a stale If-Match (the milestone's version) or a state that allows no change (a
decision is final, the pilot stopped after a no-go, the agreement's state); 400/422 for the body; 422
when a rule refuses (a decision before the checkpoint, progress after it, a recommendation other than
scale_up)."""
from __future__ import annotations

from datetime import date

from flask import request, url_for
from pydantic import BaseModel, Field

from grants.api import auth
from grants.api.declare import IDEMPOTENCY_KEY, IF_MATCH, api_route
from grants.api.collections import REGISTRY, _expected_version, _json, _object, idempotent
from grants.api.problems import ApiProblem, invalid
from grants.api.validation import raw_json, validate
from grants.core import canonical, db

from . import milestones as ms
from . import scaleup


def _s(v):
    return canonical.jsonable(v) if v is not None else None


def serialize(a, m, rows, user, today) -> dict:
    body = {"number": m.number, "title": m.title, "success_criteria": m.success_criteria,
            "checkpoint_on": _s(m.checkpoint_on), "progress": m.progress, "progress_at": _s(m.progress_at),
            "decision": m.decision, "decision_note": m.decision_note, "decided_at": _s(m.decided_at),
            "decided_by_id": str(m.decided_by_id) if m.decided_by_id else None, "version": m.version}
    if ms.is_member(a, user):
        reason = ms.progress_reason(a, m, rows, today)
        body["progress_allowed"], body["progress_reason"] = reason is None, str(reason) if reason else None
    if ms.is_officer(a, user):
        reason = ms.decision_reason(a, m, rows, today)
        body["decision_allowed"], body["decision_reason"] = reason is None, str(reason) if reason else None
    return body


def _one(a, m, user):
    rows = ms.milestones(db.session(), a)
    return serialize(a, m, rows, user, ms._today())


def _pilot(aid, user):
    a = _object(REGISTRY["agreements"], aid, user)
    if not ms.is_pilot(a):
        raise ApiProblem(404, "This agreement is not an innovation pilot: it has no milestones.")
    return a


def _milestone(a, number: int):
    m = ms.get(db.session(), a, number)
    if m is None:
        raise ApiProblem(404, f"No milestone {number} on this agreement.")
    return m


class MilestoneIn(BaseModel):
    model_config = {"extra": "forbid"}
    number: int | None = Field(default=None, ge=1, le=999, description="the next free number when omitted")
    title: str = Field(max_length=500)
    success_criteria: str = Field(max_length=4000)
    checkpoint_on: date = Field(description="within the agreement's task period, not in the past")


class MilestonePatch(BaseModel):
    model_config = {"extra": "forbid"}
    title: str | None = Field(default=None, max_length=500)
    success_criteria: str | None = Field(default=None, max_length=4000)
    checkpoint_on: date | None = None


class ProgressIn(BaseModel):
    model_config = {"extra": "forbid"}
    progress: str = Field(max_length=10000)


class MilestoneDecisionIn(BaseModel):
    model_config = {"extra": "forbid"}
    decision: str = Field(max_length=10, description="go | no_go")
    note: str = Field(max_length=10000)


class ScaleUpIn(BaseModel):
    model_config = {"extra": "forbid"}
    consultation_id: str = Field(max_length=20, description="a consultation in state draft or open")
    title: str | None = Field(default=None, max_length=255)
    problem: str | None = Field(default=None, max_length=10000)
    proposed_task: str | None = Field(default=None, max_length=10000)
    target_group: str | None = Field(default=None, max_length=10000)
    estimated_funds: str | None = Field(default=None, max_length=20, description='money string, e.g. "250000.00"')


def _unprocessable(e):
    return invalid(e.errors)


MILESTONE = {"type": "object", "required": ["number", "title", "version"], "properties": {
    "number": {"type": "integer"}, "title": {"type": "string"}, "success_criteria": {"type": "string"},
    "checkpoint_on": {"type": ["string", "null"], "format": "date"}, "progress": {"type": ["string", "null"]},
    "decision": {"type": ["string", "null"], "description": "go | no_go"}, "version": {"type": "integer"},
    "progress_allowed": {"type": "boolean"}, "decision_allowed": {"type": "boolean"}}}
MILESTONES = {"type": "object", "required": ["items", "total"], "properties": {
    "items": {"type": "array", "items": MILESTONE}, "total": {"type": "integer"},
    "stopped_at": {"type": ["integer", "null"]}}}
SCALE_UP = {"type": "object", "properties": {
    "direction_id": {"type": ["string", "null"]}, "allowed": {"type": "boolean"}, "reason": {"type": ["string", "null"]},
    "state": {"type": "string"}, "consultation_id": {"type": "string"}, "title": {"type": "string"},
    "link": {"type": "string"}, "api": {"type": "string"}}}
SEES = "those who see the agreement (innovation pilots only)"
OFFICER = "the agreement's officer"
MEMBER = "the organisation's members"
STATE = {409: "Stale If-Match, or a state that allows no change (decision final, pilot stopped)",
         422: "Invalid input, or a rule refuses"}


@api_route("/agreements/<aid>/milestones", "GET", summary="An innovation pilot's milestones (S9)", who=SEES,
           response=MILESTONES)
@api_route("/agreements/<aid>/milestones", "POST", summary="Plan a milestone with its go/no-go checkpoint", who=OFFICER,
           body=MilestoneIn, response=MILESTONE, status=201, headers=(IDEMPOTENCY_KEY,),
           errors={403: "Not the agreement's officer", **STATE})
def pilot_milestones(aid):
    return _read_or_create(aid, _list_milestones, lambda s, user, a: ms.check_plan(user, a, ms.milestones(s, a)),
                           MilestoneIn, _plan_milestone)


def _list_milestones(s, user, a):
    rows = ms.milestones(s, a)
    today = ms._today()
    stop = ms.stopped_at(rows)
    return _json({"items": [serialize(a, m, rows, user, today) for m in rows], "total": len(rows),
                  "stopped_at": stop.number if stop else None}, 200)


def _plan_milestone(s, user, a, data: MilestoneIn):
    m = ms.plan(s, user, a, data.model_dump(exclude_none=True))
    return _json(_one(a, m, user), 201, m)


def _read_or_create(aid, read, check, schema, create):
    """A pilot's sub-resource: GET answers `read(s, user, a)`; POST runs `check(s, user, a)` (403, then
    409 or 422 before the body is read), then, once per Idempotency-Key, `create(s, user, a, data)` with
    the body validated against `schema`."""
    user = auth.require_user()
    a = _pilot(aid, user)
    s = db.session()
    if request.method == "GET":
        return read(s, user, a)
    check(s, user, a)
    return idempotent(user, lambda: create(s, user, a, validate(schema, raw_json())))


@api_route("/agreements/<aid>/milestones/<int(max=2147483647):number>", "GET", summary="One milestone", who=SEES, response=MILESTONE)
@api_route("/agreements/<aid>/milestones/<int(max=2147483647):number>", "PATCH", summary="Re-plan a milestone before its checkpoint",
           who=OFFICER, body=MilestonePatch, response=MILESTONE, headers=(IF_MATCH,),
           errors={403: "Not the agreement's officer", **STATE})
def pilot_milestone(aid, number):
    user = auth.require_user()
    a = _pilot(aid, user)
    m = _milestone(a, number)
    if request.method == "GET":
        return _json(_one(a, m, user), 200, m)
    s = db.session()
    expected = _expected_version()
    ms.check_replan(user, a, m, ms.milestones(s, a), expected)
    data = validate(MilestonePatch, raw_json())
    ms.replan(s, user, a, m, data.model_dump(exclude_unset=True, exclude_none=True), expected)
    s.commit()
    return _json(_one(a, m, user), 200, m)


@api_route("/agreements/<aid>/milestones/<int(max=2147483647):number>/progress", "POST", summary="Report progress before the checkpoint",
           who=MEMBER, body=ProgressIn, response=MILESTONE, headers=(IF_MATCH, IDEMPOTENCY_KEY),
           errors={403: "Not a member of the organisation", **STATE})
def pilot_milestone_progress(aid, number):
    return _milestone_step(aid, number, ms.check_progress, ProgressIn,
                           lambda s, user, a, m, data, expected: ms.report_progress(s, user, a, m, data.progress, expected))


@api_route("/agreements/<aid>/milestones/<int(max=2147483647):number>/decision", "POST", summary="Decide go or no-go at the checkpoint",
           who=OFFICER, body=MilestoneDecisionIn, response=MILESTONE, headers=(IF_MATCH, IDEMPOTENCY_KEY),
           errors={403: "Not the agreement's officer", **STATE})
def pilot_milestone_decision(aid, number):
    return _milestone_step(aid, number, ms.check_decide, MilestoneDecisionIn,
                           lambda s, user, a, m, data, expected: ms.decide(s, user, a, m, data.decision, data.note, expected))


def _milestone_step(aid, number, check, schema, step):
    """A member's or officer's step on one milestone: `check` (403, then 409 before the body is read),
    then, once per Idempotency-Key, the body validated against `schema` and `step` done."""
    user = auth.require_user()
    a = _pilot(aid, user)
    m = _milestone(a, number)
    s = db.session()
    expected = _expected_version()
    check(user, a, m, ms.milestones(s, a), expected)

    def perform():
        data = validate(schema, raw_json())
        step(s, user, a, m, data, expected)
        return _json(_one(a, m, user), 200, m)

    return idempotent(user, perform)


def _direction_body(d) -> dict:
    return {"direction_id": str(d.id), "state": d.state, "consultation_id": str(d.consultation_id),
            "title": d.title, "scale_up_agreement_id": str(d.scale_up_agreement_id),
            "link": url_for("directions.show", did=d.id), "api": f"/api/v1/directions/{d.id}"}


@api_route("/agreements/<aid>/scale-up", "GET", summary="The direction recommended from this pilot, or whether one may be",
           who=SEES, response=SCALE_UP)
@api_route("/agreements/<aid>/scale-up", "POST", summary="Recommend scaling the pilot up as a direction of a consultation",
           who=OFFICER, body=ScaleUpIn, response=SCALE_UP, status=201, headers=(IDEMPOTENCY_KEY,),
           errors={403: "Not the agreement's officer", 409: "Already recommended, or the report not accepted",
                   422: "Invalid input, or the final report does not recommend scale_up"})
def pilot_scale_up(aid):
    """GET: the direction recommended from this pilot (or whether one may be); POST: recommend it
    (refused with 403, then 409 when already recommended or the report is not accepted, 422 when it
    does not recommend scale_up)."""
    return _read_or_create(aid, _scale_up_state, scaleup.check, ScaleUpIn, _recommend)


def _scale_up_state(s, user, a):
    d = scaleup.direction_of(s, a)
    if d is not None:
        return _json(_direction_body(d), 200)
    reason = scaleup.refusal(s, a)
    allowed = reason is None and ms.is_officer(a, user)
    return _json({"direction_id": None, "allowed": allowed,
                  "reason": None if allowed else str(reason or "only the agreement's officer recommends")}, 200)


def _recommend(s, user, a, data: ScaleUpIn):
    d = scaleup.recommend_scale_up(s, user, a, data.consultation_id, title=data.title, problem=data.problem,
                                   proposed_task=data.proposed_task, target_group=data.target_group,
                                   estimated_funds=data.estimated_funds)
    return _json(_direction_body(d), 201, d)
