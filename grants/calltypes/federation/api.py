"""API of the federation call type: an offer's member organisations as a sub-resource of the offer.

GET/POST /api/v1/offers/<id>/members, DELETE /api/v1/offers/<id>/members/<org_id>,
POST /api/v1/offers/<id>/members/<org_id>/confirm and /decline.

Visibility: whoever sees the offer (grants.offers.operations.visible) sees all its members; a
member of a named organisation sees the offer's title, applicant and contest and its own
membership rows only (not the draft's content, not the other members). Anyone else: 404.
Checks in the contract's order: 401, 404, 409 (not open in this state), 403, 409 stale If-Match,
400/422."""
from __future__ import annotations

from pydantic import BaseModel, Field

from grants.api import auth
from grants.api.declare import IF_MATCH, api_route
from grants.api.collections import NEVER_MATCHES, NOT_VISIBLE, _expected_version, _json, path_id
from grants.api.problems import ApiProblem
from grants.api.validation import raw_json, validate
from grants.calltypes import get
from grants.api.validation import optional_body
from grants.core import canonical, db
from grants.core.permissions import APPLICANT, has_role
from grants.offers import operations as oops
from grants.workflows.errors import stale
from grants.workflows.offer import member_of_applicant

from . import members as mops

NOT_NAMED = "This organisation is not named on the offer."


class MemberAdd(BaseModel):
    model_config = {"extra": "forbid"}
    organisation_id: str = Field(max_length=20)


def _s(v):
    return canonical.jsonable(v) if v is not None else None


def serialize_member(m) -> dict:
    return {"organisation_id": str(m.organisation_id), "name": m.organisation.name, "krs": m.organisation.krs,
            "status": mops.status(m), "confirmed_at": _s(m.confirmed_at), "added_at": _s(m.added_at)}


def _summary(acc: mops.Access) -> dict:
    o = acc.offer
    return {"id": str(o.id), "title": o.title, "state": o.state, "applicant": o.organisation.name,
            "applicant_id": str(o.organisation_id), "contest_id": str(o.contest_id), "contest": o.contest.title}


def _access(obj_id: str):
    user = auth.require_user()  # 401
    acc = mops.access(db.session(), user, path_id(obj_id))
    if acc is None:
        raise ApiProblem(404, NOT_VISIBLE)
    return user, acc


def _body(acc: mops.Access) -> dict:
    s = db.session()
    rows = mops.members_of(s, acc.offer) if acc.full else acc.own
    body = {"offer": _summary(acc), "items": [serialize_member(m) for m in rows], "total": len(rows),
            "scope": "all" if acc.full else "own"}
    if acc.full:
        ct = get(acc.offer.contest.call_type)
        confirmed = sum(1 for m in rows if m.confirmed_at is not None)
        kind = ct.offer_section(acc.offer.content).applicant_kind
        body.update({"min_members": ct.min_members(acc.offer.contest), "confirmed": confirmed,
                     "counted": confirmed + (1 if kind == "coalition" else 0)})
    return body


def _respond(acc: mops.Access, status: int = 200):
    # the ETag is the offer's version only for those who see the offer
    return _json(_body(acc), status, acc.offer if acc.full else None)


def _applicant_edit(user, acc: mops.Access):
    """409 not editable, 403 not the applicant, 409 stale: in this order (before the body)."""
    offer = acc.offer
    if offer.state not in oops.EDITABLE_STATES:
        raise ApiProblem(409, "Members are changed while the offer is editable (draft or being corrected).",
                         "/problems/not-editable", title="Not editable in this state")
    if not acc.full or not has_role(user, APPLICANT) or not member_of_applicant(offer, user):
        raise ApiProblem(403, "Only members of the applicant organisation change its member list.",
                         "/problems/forbidden")
    expected = _expected_version()
    if expected is not None and (expected == NEVER_MATCHES or expected != offer.version):
        raise stale(offer.version)
    return expected


MEMBERS = {"type": "object", "required": ["offer", "items", "total", "scope"], "properties": {
    "offer": {"type": "object"}, "items": {"type": "array", "items": {"type": "object", "properties": {
        "organisation_id": {"type": "string"}, "name": {"type": "string"}, "krs": {"type": ["string", "null"]},
        "status": {"type": "string"}, "confirmed_at": {"type": ["string", "null"]},
        "added_at": {"type": ["string", "null"]}}}},
    "total": {"type": "integer"}, "scope": {"type": "string", "enum": ["all", "own"]},
    "min_members": {"type": ["integer", "null"]}, "confirmed": {"type": "integer"}, "counted": {"type": "integer"}}}
WHO = ("those who see the offer (all members); a member organisation's people (their own organisation's "
       "line only)")
EDIT = "the applicant organisation's members while the offer is editable"
EDIT_ERRORS = {403: "Not a member of the applicant organisation",
               409: "Not editable in this state, or stale If-Match", 422: "Invalid input, or a rule refuses"}


@api_route("/offers/<obj_id>/members", "GET", summary="A federation offer's member organisations", who=WHO,
           response=MEMBERS)
def offer_members(obj_id):
    _user, acc = _access(obj_id)
    return _respond(acc)


@api_route("/offers/<obj_id>/members", "POST", summary="Name a member organisation on the offer", who=EDIT,
           body=MemberAdd, response=MEMBERS, status=201, headers=(IF_MATCH,), errors=EDIT_ERRORS)
def add_offer_member(obj_id):
    user, acc = _access(obj_id)
    expected = _applicant_edit(user, acc)
    data = validate(MemberAdd, raw_json())
    s = db.session()
    mops.add(s, user, acc.offer, data.organisation_id, expected)
    s.commit()
    return _respond(acc, 201)


@api_route("/offers/<obj_id>/members/<org_id>", "DELETE", summary="Remove a member organisation from the offer",
           who=EDIT, response=MEMBERS, headers=(IF_MATCH,), errors=EDIT_ERRORS)
def remove_offer_member(obj_id, org_id):
    user, acc = _access(obj_id)
    oid = path_id(org_id, NOT_NAMED)
    s = db.session()
    visible_ids = {m.organisation_id for m in (mops.members_of(s, acc.offer) if acc.full else acc.own)}
    if oid not in visible_ids:
        raise ApiProblem(404, NOT_NAMED)
    expected = _applicant_edit(user, acc)
    try:
        mops.remove(s, user, acc.offer, oid, expected)
    except mops.NoSuchMember:
        s.rollback()
        raise ApiProblem(404, NOT_NAMED) from None
    s.commit()
    return _respond(acc)


def _answer(obj_id: str, org_id: str, yes: bool):
    user, acc = _access(obj_id)
    oid = path_id(org_id, NOT_NAMED)
    s = db.session()
    mine = oid in getattr(user, "organisation_ids", frozenset())
    if mine and oid not in {m.organisation_id for m in acc.own}:
        raise ApiProblem(404, NOT_NAMED)
    if acc.offer.state not in oops.EDITABLE_STATES:
        raise ApiProblem(409, "The offer has been submitted: membership is no longer confirmed or withdrawn.",
                         "/problems/not-editable", title="Not editable in this state")
    mops.check_answer(user, oid)  # 403 with the reason: not a member of that organisation
    validate(_NoBody, optional_body())  # 400 malformed, 422 unexpected fields or not an object
    try:
        (mops.confirm if yes else mops.decline)(s, user, acc.offer, oid)
    except mops.NoSuchMember:
        s.rollback()
        raise ApiProblem(404, NOT_NAMED) from None
    s.commit()
    fresh = mops.access(s, user, acc.offer.id)
    return _respond(fresh)


class _NoBody(BaseModel):
    model_config = {"extra": "forbid"}


@api_route("/offers/<obj_id>/members/<org_id>/confirm", "POST", summary="Confirm one's organisation's membership",
           who="members of the named organisation", response=MEMBERS, body=_NoBody, body_required=False,
           errors={403: "Not a member of that organisation", 409: "The offer was submitted"})
def confirm_offer_member(obj_id, org_id):
    return _answer(obj_id, org_id, True)


@api_route("/offers/<obj_id>/members/<org_id>/decline", "POST", summary="Decline one's organisation's membership",
           who="members of the named organisation", response=MEMBERS, body=_NoBody, body_required=False,
           errors={403: "Not a member of that organisation", 409: "The offer was submitted"})
def decline_offer_member(obj_id, org_id):
    return _answer(obj_id, org_id, False)


from . import pool_api  # noqa: E402,F401 - /api/v1/commission-pool
