"""Users' accounts through the API (issue 21): an admin deactivates and reactivates a user (every
session and token of the user ends); a user, or an admin for anyone, ends every session and token
("log out everywhere"). Rules in grants/accounts/admin.py and sessions.py."""
from __future__ import annotations

from grants.accounts import admin, sessions
from pydantic import BaseModel

from grants.accounts.models import User
from grants.accounts.operations import AccountError
from grants.core import db
from grants.core.permissions import ADMIN, PermissionDenied, has_role

from . import auth
from .declare import api_route
from .problems import ApiProblem, invalid


def _user(caller, user_id: str) -> User:
    """404 for a missing user, and for another user when the caller is not an admin (not visible)."""
    user = db.session.get(User, int(user_id)) if user_id.isdigit() and len(user_id) < 19 else None
    if user is None or (user.id != caller.id and not has_role(caller, ADMIN)):
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
