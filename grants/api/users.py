"""Users' accounts through the API (issue 21): an admin deactivates and reactivates a user (every
session and token of the user ends); a user, or an admin for anyone, ends every session and token
("log out everywhere"). Rules in grants/accounts/admin.py and sessions.py."""
from __future__ import annotations

from grants.accounts import admin, sessions
from grants.accounts.models import User
from grants.accounts.operations import AccountError
from grants.core import db
from grants.core.permissions import ADMIN, PermissionDenied, has_role

from . import auth
from .blueprint import bp
from .problems import ApiProblem, invalid


def _user(caller, user_id: str) -> User:
    """404 for a missing user, and for another user when the caller is not an admin (not visible)."""
    user = db.session.get(User, int(user_id)) if user_id.isdigit() and len(user_id) < 19 else None
    if user is None or (user.id != caller.id and not has_role(caller, ADMIN)):
        raise ApiProblem(404, "No such user.")
    return user


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


@bp.route("/users/<user_id>/deactivate", methods=["POST"])
def deactivate_user(user_id: str):
    return _admin_step(user_id, admin.deactivate)


@bp.route("/users/<user_id>/activate", methods=["POST"])
def activate_user(user_id: str):
    return _admin_step(user_id, admin.activate)


@bp.route("/users/<user_id>/end-sessions", methods=["POST"])
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


def _problem(desc: str) -> dict:
    return {"description": desc, "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def paths_doc() -> dict:
    bearer = [{"bearer": []}]
    uid = {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 30}}
    state = {"description": "The user's account state", "content": {"application/json": {"schema": {
        "type": "object", "required": ["id", "email", "active"], "properties": {
            "id": {"type": "string"}, "email": {"type": "string"}, "active": {"type": "boolean"}}}}}}
    errors = {"401": _problem("Token required or invalid"), "403": _problem("Administrators only"),
              "404": _problem("No such user (or not visible to the caller)")}
    return {
        "/api/v1/users/{id}/deactivate": {"post": {
            "summary": "Deactivate a user: every session and token of the user ends (administrators)",
            "operationId": "deactivateUser", "tags": ["users"], "security": bearer, "parameters": [uid],
            "responses": {"200": state, **errors, "422": _problem("An administrator cannot deactivate themselves")}}},
        "/api/v1/users/{id}/activate": {"post": {
            "summary": "Reactivate a user (administrators)", "operationId": "activateUser", "tags": ["users"],
            "security": bearer, "parameters": [uid], "responses": {"200": state, **errors}}},
        "/api/v1/users/{id}/end-sessions": {"post": {
            "summary": "End every session and token of a user: your own (log out everywhere) or, for "
                       "administrators, anyone's", "operationId": "endUserSessions", "tags": ["users"],
            "security": bearer, "parameters": [uid],
            "responses": {"204": {"description": "Ended"}, "401": errors["401"], "404": errors["404"]}}},
    }
