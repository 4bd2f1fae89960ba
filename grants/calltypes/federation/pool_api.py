"""/api/v1/commission-pool: the standing pool of NGO candidates for commissions (S2, R-COM-NGO), and
/api/v1/commissions/<id>/members/from-pool (officers compose a commission from it).

Public without a token: each candidate's name, nominating organisation and fields, never the e-mail
or the profile. Officers and admins, the candidate and the nominating organisation's members also
get the profile and the nomination's status. Errors in the contract's order: 401, 404, 403, 409, 422."""
from __future__ import annotations

from flask import request
from pydantic import BaseModel, Field
from sqlalchemy import select

from grants.api import auth
from grants.api.declare import IF_MATCH, api_route, query_param
from grants.api.collections import _expected_version, _json, _object, _page_args, full, visible_object
from grants.api.problems import invalid
from grants.api.validation import raw_json, validate
from grants.commissions.access import is_staff
from grants.commissions.api import COLLECTION
from grants.core import canonical, db
from grants.core.i18n import _
from grants.core.permissions import ADMIN, OFFICER, PermissionDenied, has_role
from grants.registry.dictionaries import FIELDS
from grants.workflows.errors import NotEditable

from . import pool as ops
from .models import PoolCandidate

NOT_VISIBLE = "No such candidate, or not visible to you."


def _s(v):
    return canonical.jsonable(v) if v is not None else None


def _insider(c: PoolCandidate, user) -> bool:
    """Who may read the profile and the nomination's status."""
    if user is None:
        return False
    return has_role(user, OFFICER, ADMIN) or c.user_id == user.id or ops.may_withdraw(user, c)


def serialize(c: PoolCandidate, user) -> dict:
    body = {"id": str(c.id), "name": ops.public_name(c),
            "organisation": {"id": str(c.organisation_id), "name": c.organisation.name},
            "fields": list(c.fields or [])}
    if _insider(c, user):
        body.update({"profile": c.profile, "status": ops.status(c), "nominated_at": _s(c.nominated_at),
                     "consent_at": _s(c.consent_at), "withdrawn_at": _s(c.withdrawn_at),
                     "is_me": c.user_id == user.id})
    return body


def _candidate(pid, user) -> PoolCandidate:
    return visible_object(PoolCandidate, ops.visible, pid, user, NOT_VISIBLE)


def _field_arg() -> str | None:
    field = request.args.get("field") or None
    if field is not None and field not in FIELDS:
        raise invalid([{"field": "field", "message": "unknown field of public benefit"}])
    return field


CANDIDATE = {"type": "object", "required": ["id", "name", "organisation", "fields"], "properties": {
    "id": {"type": "string"}, "name": {"type": "string"},
    "organisation": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}},
    "fields": {"type": "array", "items": {"type": "string"}},
    "profile": {"type": "string", "description": "insiders only (the candidate, their organisation, staff)"},
    "status": {"type": "string"}, "nominated_at": {"type": ["string", "null"]},
    "consent_at": {"type": ["string", "null"]}, "withdrawn_at": {"type": ["string", "null"]},
    "is_me": {"type": "boolean"}}}
CANDIDATES = {"type": "object", "required": ["items", "total"], "properties": {
    "items": {"type": "array", "items": CANDIDATE}, "total": {"type": "integer"}, "page": {"type": "integer"},
    "per_page": {"type": "integer"}}}
PAGING = (query_param("page", "Page number", {"type": "integer", "minimum": 1, "maximum": 100000}),
          query_param("per_page", "Items per page", {"type": "integer", "minimum": 1, "maximum": 500}))


@api_route("/commission-pool", "GET", summary="The pool of commission candidates (federation calls)", public=True,
           who="anyone for the pool (consented, not withdrawn); ?mine=1 with a token: one's own and one's "
               "organisations' nominations in every state", response=CANDIDATES,
           query=(query_param("field", "a field of public benefit's code"),
                  query_param("mine", "1: one's own nominations (token needed)", {"type": "string", "enum": ["0", "1"]}),
                  *PAGING), errors={422: "Unknown field, or invalid paging"})
def pool_list():
    """The pool (consented, not withdrawn), by name; ?field=<code> filters; ?mine=1 (token needed)
    lists instead the caller's own nominations and their organisations' ones, in every state."""
    mine = request.args.get("mine") in ("1", "true")
    user = auth.require_user() if mine else auth.current_api_user()
    page, per_page = _page_args()
    field = _field_arg()
    s = db.session()
    if mine:
        rows = list(s.scalars(ops.visible(select(PoolCandidate), user).where(
            (PoolCandidate.user_id == user.id) | PoolCandidate.organisation_id.in_(
                list(user.organisation_ids) if has_role(user, "applicant") else []))
            .order_by(PoolCandidate.id)))
        if field:
            rows = [c for c in rows if field in (c.fields or [])]
    else:
        rows = ops.pool(s, field)
    chunk = rows[(page - 1) * per_page: page * per_page]
    return _json({"items": [serialize(c, user) for c in chunk], "total": len(rows), "page": page,
                  "per_page": per_page}, 200)


@api_route("/commission-pool/<pid>", "GET", summary="One candidate (the profile for insiders)", public=True,
           who="anyone for a consented candidate; insiders see the profile and status", response=CANDIDATE)
def pool_get(pid):
    user = auth.current_api_user()
    return _json(serialize(_candidate(pid, user), user), 200)


class NominateIn(BaseModel):
    model_config = {"extra": "forbid"}
    organisation_id: str = Field(max_length=20)
    email: str = Field(max_length=320)
    profile: str = Field(max_length=20000)  # the rule's limit (pool.PROFILE_MAX) is checked with a clear message
    fields: list[str] = Field(default_factory=list, max_length=len(FIELDS))


@api_route("/commission-pool", "POST", summary="Nominate a candidate to the pool", body=NominateIn, response=CANDIDATE,
           status=201, who="members of an organisation (for it)",
           errors={403: "Not a member of an organisation", 422: "Invalid input, or the nomination refused"})
def pool_nominate():
    user = auth.require_user()
    if not ops.may_nominate(user):
        raise PermissionDenied("Only a member of an organisation nominates candidates to the pool.")
    data = validate(NominateIn, raw_json())
    try:
        org_id = int(data.organisation_id)
    except ValueError:
        raise invalid([{"field": "organisation_id", "message": "must be an id"}]) from None
    try:
        c = ops.nominate(db.session(), user, organisation_id=org_id, email=data.email, profile=data.profile,
                         fields=data.fields)
    except ops.PoolError as e:
        db.session.rollback()
        raise invalid(e.errors, "The nomination was refused.") from None
    db.session.commit()
    return _json(serialize(c, user), 201)


class ProfileIn(BaseModel):
    model_config = {"extra": "forbid"}
    profile: str | None = Field(default=None, max_length=20000)
    fields: list[str] | None = Field(default=None, max_length=len(FIELDS))


@api_route("/commission-pool/<pid>", "PATCH", summary="Edit one's candidate profile", body=ProfileIn,
           response=CANDIDATE, who="the candidate", errors={403: "Not the candidate", 409: "Withdrawn"})
def pool_update(pid):
    user = auth.require_user()
    c = _candidate(pid, user)
    if c.user_id != user.id:
        raise PermissionDenied("Only the candidate edits their profile.")
    ops.not_withdrawn(c)  # 409 before the body is read
    data = validate(ProfileIn, raw_json())
    ops.update_profile(db.session(), user, c, profile=data.profile, fields=data.fields)
    db.session.commit()
    return _json(serialize(c, user), 200)


@api_route("/commission-pool/<pid>/consent", "POST", summary="Consent to being in the pool", response=CANDIDATE,
           who="the candidate", errors={403: "Not the candidate", 409: "Already consented or withdrawn"})
def pool_consent(pid):
    return _candidate_step(pid, ops.consent)


@api_route("/commission-pool/<pid>/withdraw", "POST", summary="Withdraw from the pool", response=CANDIDATE,
           who="the candidate or the nominating organisation's members",
           errors={403: "Neither the candidate nor the organisation", 409: "Already withdrawn"})
def pool_withdraw(pid):
    return _candidate_step(pid, ops.withdraw)


def _candidate_step(pid, step):
    """`step(session, user, candidate)` on a pool candidate the caller sees, committed; the candidate as it is now."""
    user = auth.require_user()
    c = _candidate(pid, user)
    step(db.session(), user, c)
    db.session.commit()
    return _json(serialize(c, user), 200)


class FromPoolIn(BaseModel):
    model_config = {"extra": "forbid"}
    candidate_id: str | int = Field(union_mode="left_to_right")


@api_route("/commissions/<cid>/members/from-pool", "POST", summary="Add a pool candidate to a forming commission",
           body=FromPoolIn, response="collection:commissions", headers=(IF_MATCH,),
           who="officers of the contest's department and administrators",
           errors={403: "Not staff of the contest's department",
                   409: "The commission is no longer forming, or stale If-Match",
                   422: "Invalid input, or the candidate refused"})
def commission_add_from_pool(cid):
    user = auth.require_user()
    commission = _object(COLLECTION, cid, user)
    if not is_staff(user, commission):
        raise PermissionDenied()
    if commission.state != "forming":  # 409 before the body is read: the state refuses whatever it says
        raise NotEditable(_("Skład komisji można zmieniać tylko przed otwarciem oświadczeń."))
    expected = _expected_version()
    data = validate(FromPoolIn, raw_json())
    try:
        ops.add_from_pool(db.session(), user, commission, data.candidate_id, expected_version=expected)
    except (ops.PoolError, ValueError) as e:
        db.session.rollback()
        raise invalid(getattr(e, "errors", [{"field": "candidate_id", "message": str(e)}])) from None
    db.session.commit()
    return _json(full(COLLECTION, commission, user), 200, commission)
