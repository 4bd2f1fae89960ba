"""/api/v1/organisations/{id}/members and /invitations (R-ORG-MEMBERSHIP), and the admin's
reassignment of an art. 12 / art. 19a offer's department (PATCH of those collections).

Token required everywhere. Errors in the contract's order: 401, 404 (organisation, member or
invitation missing or not the caller's), 403 (role or relation), 400/422 (body), 422 (a rule)."""
from __future__ import annotations

from flask import Response
from pydantic import BaseModel, Field

from grants.api import auth
from grants.api.blueprint import bp
from grants.api.collections import _json
from grants.api.problems import ApiProblem, invalid
from grants.api.validation import raw_json, validate
from grants.core import canonical, db
from grants.core.permissions import ADMIN, PermissionDenied, has_role
from grants.workflows.errors import stale

from . import memberships as ms
from .departments import DepartmentError
from .models import MEMBER, Membership, MembershipInvitation, Organisation

EXTRA_PATHS_DOC = {
    "/api/v1/organisations/{id}/members": ["get", "post"],
    "/api/v1/organisations/{id}/members/{member_id}": ["patch", "delete"],
    "/api/v1/organisations/{id}/invitations": ["get", "post"],
    "/api/v1/organisations/{id}/invitations/{invitation_id}/revoke": ["post"],
    "/api/v1/invitations": ["get"],
    "/api/v1/invitations/{id}/accept": ["post"],
    "/api/v1/invitations/{id}/decline": ["post"],
}


def _s(v):
    return canonical.jsonable(v) if v is not None else None


def _pk(value) -> int | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk < 2**31 else None


def _org(oid) -> Organisation:
    pk = _pk(oid)
    org = db.session.get(Organisation, pk) if pk else None
    if org is None:
        raise ApiProblem(404, "No such organisation.")
    return org


def _member_of(org: Organisation, mid) -> Membership:
    pk = _pk(mid)
    m = db.session.get(Membership, pk) if pk else None
    if m is None or m.organisation_id != org.id:
        raise ApiProblem(404, "No such member of this organisation.")
    return m


def member_json(m: Membership) -> dict:
    return {"id": str(m.id), "user_id": str(m.user_id), "email": m.user.email, "name": m.user.display_name,
            "role": m.role}


def invitation_json(inv: MembershipInvitation) -> dict:
    return {"id": str(inv.id), "organisation": {"id": str(inv.organisation_id), "name": inv.organisation.name},
            "email": inv.email, "role": inv.role, "status": inv.status, "created_at": _s(inv.created_at),
            "expires_at": _s(inv.expires_at)}


def _problem_of(e: ms.MembershipError):
    return invalid(e.errors, detail="; ".join(x["message"] for x in e.errors))


class StaffAdd(BaseModel):
    model_config = {"extra": "forbid"}
    email: str = Field(min_length=3, max_length=255)
    reason: str = Field(max_length=4000)
    role: str = Field(default=MEMBER, max_length=10)


class InviteIn(BaseModel):
    model_config = {"extra": "forbid"}
    email: str = Field(min_length=3, max_length=255)
    role: str = Field(default=MEMBER, max_length=10)


class RoleIn(BaseModel):
    model_config = {"extra": "forbid"}
    role: str = Field(max_length=10)


class RemoveIn(BaseModel):
    model_config = {"extra": "forbid"}
    reason: str | None = Field(default=None, max_length=4000)


M = "/api/v1/organisations/{id}/members"
I = "/api/v1/organisations/{id}/invitations"
EXTRA_PATHS_DETAILS = {
    (M, "get"): ("The organisation's members {items: [{id, user_id, email, name, role}], total}: its members "
                 "and staff (R-ORG-MEMBERSHIP)", None),
    (M, "post"): ("Staff's audited exception: add a person with a written reason (at least 20 characters), for "
                  "an organisation the caller's department works with, never the caller nor another staff "
                  "account; the members are told by e-mail. Others: 403 (the organisation invites)", StaffAdd),
    (M + "/{member_id}", "patch"): ("The board changes a member's role (board|member); the last board member "
                                    "stays board", RoleIn),
    (M + "/{member_id}", "delete"): ("Remove a member (the board, staff whose department works with the "
                                     "organisation) or leave (oneself); 204. The last board member cannot go", RemoveIn),
    (I, "get"): ("The organisation's pending invitations (its board)", None),
    (I, "post"): ("The board invites a person by e-mail (role board|member); valid 14 days, single use; an "
                  "e-mail without an account is told to register with it first", InviteIn),
    (I + "/{invitation_id}/revoke", "post"): ("The board revokes a pending invitation", None),
    ("/api/v1/invitations", "get"): ("The caller's pending invitations (matched by the account's e-mail)", None),
    ("/api/v1/invitations/{id}/accept", "post"): ("The invitee accepts: becomes a member with the invited role "
                                                  "(and the applicant role); 422 when expired or used", None),
    ("/api/v1/invitations/{id}/decline", "post"): ("The invitee declines", None),
}


def _committed(s, operation):
    """Runs one membership operation and commits; its refusal is the answer (a problem), with
    nothing changed."""
    try:
        result = operation()
    except ms.MembershipError as e:
        s.rollback()
        raise _problem_of(e) from None
    s.commit()
    return result


@bp.route("/organisations/<oid>/members", methods=["GET"])
def members_list(oid):
    user = auth.require_user()
    org = _org(oid)
    if not ms.can_see_members(db.session(), user, org):
        raise PermissionDenied("Only the organisation's members and staff see its members.")
    rows = ms.members(db.session(), org)
    return _json({"items": [member_json(m) for m in rows], "total": len(rows)}, 200)


@bp.route("/organisations/<oid>/members", methods=["POST"])
def members_add(oid):
    """Staff's audited exception (reason required); the organisation adds people by invitation."""
    user = auth.require_user()
    org = _org(oid)
    s = db.session()
    if not has_role(user, "officer", ADMIN):
        raise PermissionDenied("Members join by invitation: POST /api/v1/organisations/{id}/invitations.")
    if not ms.works_with(s, user, org):
        raise PermissionDenied(ms.NO_RELATION)
    data = validate(StaffAdd, raw_json())
    m = _committed(s, lambda: ms.add_by_staff(s, user, org, data.email, data.reason, data.role))
    return _json(member_json(m), 201)


@bp.route("/organisations/<oid>/members/<mid>", methods=["PATCH"])
def members_role(oid, mid):
    user = auth.require_user()
    org = _org(oid)
    m = _member_of(org, mid)
    if not ms.is_board(user, org.id):
        raise PermissionDenied("Roles are changed by the organisation's board.")
    data = validate(RoleIn, raw_json())
    s = db.session()
    _committed(s, lambda: ms.set_role(s, user, m, data.role))
    return _json(member_json(m), 200)


@bp.route("/organisations/<oid>/members/<mid>", methods=["DELETE"])
def members_remove(oid, mid):
    user = auth.require_user()
    org = _org(oid)
    m = _member_of(org, mid)
    s = db.session()
    if not ms.can_remove(s, user, m):
        raise PermissionDenied("Members are removed by the board or by staff working with the organisation; "
                               "anyone may leave.")
    body = raw_json()
    data = validate(RemoveIn, body) if body is not None else RemoveIn()
    _committed(s, lambda: ms.remove(s, user, m, data.reason or ""))
    return Response(status=204)


@bp.route("/organisations/<oid>/invitations", methods=["GET"])
def invitations_of_org(oid):
    user = auth.require_user()
    org = _org(oid)
    if not ms.can_invite(user, org):
        raise PermissionDenied("The organisation's board sees its invitations.")
    rows = ms.pending_of(db.session(), org)
    return _json({"items": [invitation_json(i) for i in rows], "total": len(rows)}, 200)


@bp.route("/organisations/<oid>/invitations", methods=["POST"])
def invitations_create(oid):
    user = auth.require_user()
    org = _org(oid)
    if not ms.can_invite(user, org):
        raise PermissionDenied("The organisation's board invites.")
    data = validate(InviteIn, raw_json())
    s = db.session()
    inv = _committed(s, lambda: ms.invite(s, user, org, data.email, data.role))
    return _json(invitation_json(inv), 201)


@bp.route("/organisations/<oid>/invitations/<iid>/revoke", methods=["POST"])
def invitations_revoke(oid, iid):
    user = auth.require_user()
    org = _org(oid)
    pk = _pk(iid)
    inv = db.session.get(MembershipInvitation, pk) if pk else None
    if inv is None or inv.organisation_id != org.id:
        raise ApiProblem(404, "No such invitation.")
    s = db.session()
    _committed(s, lambda: ms.revoke(s, user, inv))
    return _json(invitation_json(inv), 200)


@bp.route("/invitations", methods=["GET"])
def my_invitations():
    user = auth.require_user()
    rows = ms.pending_for(db.session(), user)
    return _json({"items": [invitation_json(i) for i in rows], "total": len(rows)}, 200)


def _answer(iid, fn):
    user = auth.require_user()
    inv = ms.visible_invitation(db.session(), user, iid)
    if inv is None:
        raise ApiProblem(404, "No such invitation for you.")
    s = db.session()
    _committed(s, lambda: fn(s, user, inv))
    return _json(invitation_json(inv), 200)


@bp.route("/invitations/<iid>/accept", methods=["POST"])
def invitations_accept(iid):
    return _answer(iid, ms.accept)


@bp.route("/invitations/<iid>/decline", methods=["POST"])
def invitations_decline(iid):
    return _answer(iid, ms.decline)


# ------------------------------------------------------------------ department of art. 12 / 19a offers

class DepartmentPatch(BaseModel):
    """PATCH /api/v1/initiatives/{id} and /api/v1/small-grants/{id}: an admin assigns the department
    (`null` leaves it unassigned: admins only)."""
    model_config = {"extra": "forbid"}
    department_id: str | None = Field(max_length=20)


def patch_department(reassign):
    """A collection's `patch`: admins only, If-Match checked, then the body."""
    def patch(session, obj, user, validated, expected_version):
        if not has_role(user, ADMIN):
            raise PermissionDenied("Only an administrator assigns the department.")
        if expected_version is not None and expected_version != obj.version:
            raise stale(obj.version)
        data = validated()
        try:
            return reassign(session, user, obj, data.department_id)
        except DepartmentError as e:
            session.rollback()
            raise invalid(e.errors) from None
    return patch
