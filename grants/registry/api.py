"""/api/v1/organisations/{id}/members and /invitations (R-ORG-MEMBERSHIP), and the admin's
reassignment of an art. 12 / art. 19a offer's department (PATCH of those collections).

Token required everywhere. Errors in the contract's order: 401, 404 (organisation, member or
invitation missing or not the caller's), 403 (role or relation), 400/422 (body), 422 (a rule)."""
from __future__ import annotations

from flask import Response, request
from pydantic import BaseModel, Field

from grants.api import auth
from grants.api.declare import api_route, query_param
from grants.api.collections import _json, _page_args, paged
from grants.api.problems import ApiProblem, invalid
from grants.api.validation import optional_body, raw_json, validate
from grants.core import canonical, db
from grants.core.permissions import ADMIN, PermissionDenied, has_role
from grants.workflows.errors import stale

from . import memberships as ms
from . import search
from .models import MEMBER, Membership, MembershipInvitation, Organisation

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


class OrganisationMemberOut(BaseModel):
    id: str
    user_id: str
    email: str
    name: str
    role: str = Field(description="board or member")


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


class MembersPage(BaseModel):
    items: list[OrganisationMemberOut]
    total: int


class InvitationOrg(BaseModel):
    id: str
    name: str


class InvitationOut(BaseModel):
    id: str
    organisation: InvitationOrg
    email: str
    role: str
    status: str
    created_at: str | None
    expires_at: str | None


class InvitationsPage(BaseModel):
    items: list[InvitationOut]
    total: int


@api_route("/organisations/<oid>/members", "GET", summary="The organisation's members and staff (R-ORG-MEMBERSHIP)",
           who="the organisation's members, and staff whose department works with it", response=MembersPage,
           errors={403: "Neither a member nor staff working with the organisation"})
def members_list(oid):
    user = auth.require_user()
    org = _org(oid)
    if not ms.can_see_members(db.session(), user, org):
        raise PermissionDenied("Only the organisation's members and staff see its members.")
    rows = ms.members(db.session(), org)
    return _json({"items": [member_json(m) for m in rows], "total": len(rows)}, 200)


@api_route("/organisations/<oid>/members", "POST", summary="Staff's audited exception: add a person with a written "
           "reason", who="officers whose department works with the organisation, administrators; never the caller "
           "nor another staff account (the organisation itself adds people by invitation)",
           description="The reason needs at least 20 characters; the members are told by e-mail.",
           body=StaffAdd, response=OrganisationMemberOut, status=201,
           errors={403: "Not staff, or no relation with the organisation", 422: "Invalid input, or a rule refuses"})
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


@api_route("/organisations/<oid>/members/<mid>", "PATCH", summary="Change a member's role (board|member); the last "
           "board member stays board", who="the organisation's board", body=RoleIn, response=OrganisationMemberOut,
           errors={403: "Not on the organisation's board", 422: "Invalid input, or a rule refuses"})
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


@api_route("/organisations/<oid>/members/<mid>", "DELETE", summary="Remove a member, or leave; the last board "
           "member cannot go", who="the board, staff whose department works with the organisation, or the member "
           "themselves (leaving)", body=RemoveIn, body_required=False, status=204,
           errors={403: "Neither the board, staff working with it, nor the member", 422: "A rule refuses"})
def members_remove(oid, mid):
    user = auth.require_user()
    org = _org(oid)
    m = _member_of(org, mid)
    s = db.session()
    if not ms.can_remove(s, user, m):
        raise PermissionDenied("Members are removed by the board or by staff working with the organisation; "
                               "anyone may leave.")
    data = validate(RemoveIn, optional_body())
    _committed(s, lambda: ms.remove(s, user, m, data.reason or ""))
    return Response(status=204)


@api_route("/organisations/<oid>/invitations", "GET", summary="The organisation's pending invitations",
           who="the organisation's board", response=InvitationsPage, errors={403: "Not on the board"})
def invitations_of_org(oid):
    user = auth.require_user()
    org = _org(oid)
    if not ms.can_invite(user, org):
        raise PermissionDenied("The organisation's board sees its invitations.")
    rows = ms.pending_of(db.session(), org)
    return _json({"items": [invitation_json(i) for i in rows], "total": len(rows)}, 200)


@api_route("/organisations/<oid>/invitations", "POST", summary="Invite a person by e-mail (role board|member); valid "
           "14 days, single use", who="the organisation's board", body=InviteIn, response=InvitationOut, status=201,
           description="An e-mail without an account is told to register with it first.",
           errors={403: "Not on the board", 422: "Invalid input, or a rule refuses"})
def invitations_create(oid):
    user = auth.require_user()
    org = _org(oid)
    if not ms.can_invite(user, org):
        raise PermissionDenied("The organisation's board invites.")
    data = validate(InviteIn, raw_json())
    s = db.session()
    inv = _committed(s, lambda: ms.invite(s, user, org, data.email, data.role))
    return _json(invitation_json(inv), 201)


@api_route("/organisations/<oid>/invitations/<iid>/revoke", "POST", summary="Revoke a pending invitation",
           who="the organisation's board", response=InvitationOut,
           errors={403: "Not on the board", 422: "The invitation is no longer pending"})
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


@api_route("/invitations", "GET", summary="The caller's pending invitations (matched by the account's e-mail)",
           who="any signed-in user (their own)", response=InvitationsPage)
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


@api_route("/invitations/<iid>/accept", "POST", summary="Accept an invitation: become a member with the invited role",
           who="the invitee", response=InvitationOut, errors={422: "Expired or already used"})
def invitations_accept(iid):
    return _answer(iid, ms.accept)


@api_route("/invitations/<iid>/decline", "POST", summary="Decline an invitation", who="the invitee",
           response=InvitationOut, errors={422: "Expired or already used"})
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
        return reassign(session, user, obj, data.department_id)
    return patch


# ------------------------------------------------------------------ the registry (issue 15)

class OrganisationMember(BaseModel):
    user_id: str
    name: str
    email: str
    role: str


class OrganisationOut(BaseModel):
    id: str
    name: str
    legal_form: str
    krs: str | None
    nip: str | None
    regon: str | None
    fields: list[str]
    district: str | None
    address: str
    email: str = Field(description="the organisation's public contact address")
    phone: str
    description: str
    full: bool = Field(description="true when the caller sees the full record (a member, or staff)")
    my_role: str | None = Field(default=None, description="the caller's role in it: board, member or null")
    created_at: str | None = Field(default=None, description="full record only")
    members: list[OrganisationMember] | None = Field(default=None, description="full record only")


class OrganisationsPage(BaseModel):
    items: list[OrganisationOut]
    total: int
    total_exact: bool = True  # false: more than `total` found
    page: int
    per_page: int
    next: str | None = None  # pass as `after` for the next page


def organisation_json(s, user, org: Organisation, with_members: bool) -> dict:
    """The public record for everyone (as the registry page shows it); its members, and staff, see it
    in full: when it was registered, and who acts for it."""
    body = {"id": str(org.id), "name": org.name, "legal_form": org.legal_form, "krs": org.krs, "nip": org.nip,
            "regon": org.regon, "fields": list(org.fields or []), "district": org.district, "address": org.address,
            "email": org.email, "phone": org.phone, "description": org.description, "full": False, "my_role": None}
    mine = ms.membership_of(user, org.id) if user is not None else None
    if mine is not None:
        body["my_role"] = mine.role
    if ms.can_see_members(s, user, org):
        body.update({"full": True, "created_at": _s(org.created_at)})
        if with_members:
            body["members"] = [{"user_id": str(m.user_id), "name": m.user.full_name or "", "email": m.user.email,
                                "role": m.role} for m in ms.members(s, org)]
    return body


WHO_ORGS = ("anyone (the public record, as on the registry page); the organisation's members and staff see it in "
            "full (with its members on GET of one)")


@api_route("/organisations", "GET", summary="Search the registry of organisations by name, KRS or NIP", public=True,
           who=WHO_ORGS, response=OrganisationsPage,
           query=(query_param("q", "part of the name, or the whole KRS or NIP", {"type": "string", "maxLength": 100}),
                  query_param("field", "a field of public benefit's code"),
                  query_param("district", "a district's code"),
                  query_param("mine", "1: only the caller's own organisations (token needed)",
                              {"type": "string", "enum": ["0", "1"]}),
                  query_param("page", "Page number", {"type": "integer", "minimum": 1, "maximum": 100000}),
                  query_param("per_page", "Items per page", {"type": "integer", "minimum": 1, "maximum": 500}),
                  query_param("after", "the `next` of the previous page: the page after it, by key")),
           errors={422: "A query too long, or invalid paging"})
def organisations_list():
    mine = request.args.get("mine") in ("1", "true")
    user = auth.require_user() if mine else auth.current_api_user()
    text = request.args.get("q", "")
    if len(text) > search.MAX_QUERY or "\x00" in text:
        raise invalid([{"field": "q", "message": f"at most {search.MAX_QUERY} characters, no NUL"}])
    page, per_page = _page_args()
    s = db.session()
    q = search.query(s.bind.dialect.name, text, request.args.get("field", ""), request.args.get("district", ""))
    if mine:
        q = q.where(Organisation.id.in_(user.organisation_ids or [0]))
    # as every list (grants.api.collections.paged): counted up to a cap (one page for a search), by key
    chunk, paging = paged(q, search.ORDER, page, per_page, search=bool(text.strip()))
    return _json({"items": [organisation_json(s, user, o, False) for o in chunk], **paging}, 200)


@api_route("/organisations/<oid>", "GET", summary="One organisation of the registry", public=True, who=WHO_ORGS,
           response=OrganisationOut)
def organisation_read(oid):
    user = auth.current_api_user()
    org = _org(oid)
    return _json(organisation_json(db.session(), user, org, True), 200)
