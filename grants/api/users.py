"""Users' accounts through the API (issue 21): an admin deactivates and reactivates a user (every
session and token of the user ends); a user, or an admin for anyone, ends every session and token
("log out everywhere"). Rules in grants/accounts/admin.py and sessions.py."""
from __future__ import annotations

from flask import request

from grants.accounts import admin, directory, sessions
from pydantic import BaseModel, Field

from grants.accounts.models import User
from grants.accounts.operations import AccountError
from grants.core import db
from grants.core.permissions import ADMIN, ROLES, PermissionDenied, has_role

from . import auth
from .collections import _page_args, paged
from .declare import api_route, query_param
from .problems import ApiProblem, invalid


def _user(caller, user_id: str) -> User:
    """404 for a missing user, and for another user when the caller is not an admin who manages them
    (not visible: another authority's staff, issue 22)."""
    user = db.session.get(User, int(user_id)) if user_id.isdigit() and len(user_id) < 19 else None
    if user is None or (user.id != caller.id and not (has_role(caller, ADMIN) and admin.manageable(caller, user))):
        raise ApiProblem(404, "No such user.")
    return user


class AccountState(BaseModel):
    id: str
    email: str
    active: bool


def _state(user: User) -> dict:
    return {"id": str(user.id), "email": user.email, "active": bool(user.active)}


def _admin_step(user_id: str, operation):
    caller = auth.require_user()
    user = _user(caller, user_id)
    s = db.session()
    try:
        operation(s, caller, user)
    except PermissionDenied as e:
        s.rollback()
        raise ApiProblem(403, str(e.reason)) from None
    except AccountError as e:
        s.rollback()
        raise invalid([{"field": e.field, "message": str(e.message)}]) from None
    s.commit()
    return _state(user)


@api_route("/users/<user_id>/deactivate", "POST", response=AccountState, operation_id="deactivateUser",
           summary="Deactivate a user: every session and token of the user ends", who="administrators",
           errors={403: "Administrators only", 422: "An administrator cannot deactivate themselves"})
def deactivate_user(user_id: str):
    return _admin_step(user_id, admin.deactivate)


@api_route("/users/<user_id>/activate", "POST", response=AccountState, operation_id="activateUser",
           summary="Reactivate a user", who="administrators", errors={403: "Administrators only"})
def activate_user(user_id: str):
    return _admin_step(user_id, admin.activate)


@api_route("/users/<user_id>/end-sessions", "POST", status=204, operation_id="endUserSessions",
           summary="End every session and token of a user: your own (log out everywhere) or anyone's",
           who="the user themselves; administrators for anyone", errors={403: "Administrators only"})
def end_user_sessions(user_id: str):
    """The caller's own ("log out everywhere"; this token ends too), or anyone's for an admin."""
    caller = auth.require_user()
    user = _user(caller, user_id)
    s = db.session()
    if user.id == caller.id:
        sessions.end_all_sessions(s, user, reason=sessions.EVERYWHERE, actor=caller)
    else:
        admin.end_sessions(s, caller, user)
    s.commit()
    return "", 204


class UserFound(BaseModel):
    id: str
    name: str = Field(description="the full name (empty when the person gave none)")
    roles: list[str]
    department_id: str | None
    organisation_ids: list[str]
    email: str | None = Field(description="only for administrators (and oneself); null otherwise")


class UsersPage(BaseModel):
    items: list[UserFound]
    total: int = Field(description="how many match, counted up to a cap (one page for a search: see total_exact)")
    total_exact: bool = Field(description="false when more match than `total`")
    page: int
    per_page: int
    next: str | None = Field(description="the `after` of the next page (null on the last page)")


def _found(caller, u: User) -> dict:
    return {"id": str(u.id), "name": u.full_name or "", "roles": sorted(u.role_names),
            "department_id": str(u.department_id) if u.department_id else None,
            "organisation_ids": sorted(str(i) for i in u.organisation_ids),
            "email": u.email if directory.may_see_email(caller, u) else None}


@api_route("/users", "GET", summary="Find people by role and name, e.g. to add them to a commission",
           who="officers and administrators; e-mail addresses only for administrators (and one's own)",
           response=UsersPage,
           query=(query_param("role", "one of the roles", {"type": "string", "enum": list(ROLES)}),
                  query_param("q", "part of the name (administrators: or of the e-mail)",
                              {"type": "string", "maxLength": directory.MAX_QUERY}),
                  query_param("page", "Page number", {"type": "integer", "minimum": 1, "maximum": 100000}),
                  query_param("per_page", "Items per page", {"type": "integer", "minimum": 1, "maximum": 500}),
                  query_param("after", "the `next` of the previous page: the page after it, by key")),
           errors={403: "Neither an officer nor an administrator", 422: "Unknown role, a query too long, or invalid paging"},
           example={"items": [{"id": "12", "name": "Anna Nowak", "roles": ["commission_member", "applicant"],
                               "department_id": None, "organisation_ids": ["3"], "email": None}],
                    "total": 1, "total_exact": True, "page": 1, "per_page": 50, "next": None})
def search_users():
    caller = auth.require_user()
    if not directory.may_search(caller):
        raise ApiProblem(403, "Only officers and administrators search for people.", "/problems/forbidden")
    role = request.args.get("role") or None
    text = request.args.get("q", "")
    errors = []
    if role is not None and not directory.known_role(role):
        errors.append({"field": "role", "message": "must be one of: " + ", ".join(ROLES)})
    if len(text) > directory.MAX_QUERY or "\x00" in text:
        errors.append({"field": "q", "message": f"at most {directory.MAX_QUERY} characters, no NUL"})
    if errors:
        raise invalid(errors)
    page, per_page = _page_args()
    rows, paging = paged(directory.search(caller, role, text), directory.ORDER, page, per_page, search=bool(text.strip()))
    return {"items": [_found(caller, u) for u in rows], **paging}
