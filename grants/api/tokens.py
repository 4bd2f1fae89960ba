"""Bearer tokens (issue 21): POST /api/v1/tokens {"email", "password", "name"?, "expires_in_days"?}
→ {"token"}; GET /api/v1/tokens lists one's own; DELETE /api/v1/tokens/{id} revokes one (one's own,
or anyone's for an admin); DELETE /api/v1/tokens/current revokes the one in use.
Rules in grants/accounts/tokens.py."""
from __future__ import annotations

from flask import current_app, g, request
from pydantic import BaseModel, Field
from sqlalchemy import select

from grants import ratelimits
from grants.accounts import admin, tokens, totp
from grants.accounts.models import User
from grants.accounts.operations import AccountError, authenticate
from grants.core import db
from grants.core.permissions import ADMIN, has_role
from grants.ratelimits import limiter

from . import auth
from .declare import api_route, query_param
from .problems import ApiProblem, invalid
from .validation import parse_body


class TokenRequest(BaseModel):
    model_config = {"extra": "forbid"}
    email: str = Field(min_length=3, max_length=255)
    password: str = Field(min_length=1, max_length=200)
    name: str | None = Field(default=None, max_length=tokens.MAX_NAME,
                             description="What the token is for, shown in the token list.")
    expires_in_days: int | None = Field(default=None, ge=1, le=tokens.MAX_DAYS,
                                        description=f"Lifetime in days (default {tokens.DEFAULT_DAYS}).")
    totp: str | None = Field(default=None, min_length=6, max_length=8,
                             description="the current code of the second factor, required when it is enabled")


class TokenResponse(BaseModel):
    token: str
    expires_at: str
    id: str | None = None
    name: str | None = None


class TokenInfo(BaseModel):
    """A token as listed: never its secret."""
    id: str
    name: str
    created_at: str
    expires_at: str
    last_used_at: str | None = None
    user_id: str | None = None


class TokenList(BaseModel):
    items: list[TokenInfo]
    total: int


@api_route("/tokens", "POST", summary="Issue a bearer token", public=True, status=201, operation_id="createToken", reads_token=False,
           who="anyone with an account's e-mail and password (and the TOTP code where two-factor login is on)",
           description=f"Optional `name` and `expires_in_days` (1-{tokens.MAX_DAYS}, default {tokens.DEFAULT_DAYS}). "
                       "The secret is returned once. Every token of a user ends when the user logs out, logs out "
                       "everywhere, changes or resets the password, or is deactivated.",
           body=TokenRequest, response=TokenResponse,
           body_example={"email": "urzednik@krakow.example", "password": "…", "name": "skrypt", "expires_in_days": 30},
           example={"token": "kXl3…", "expires_at": "2027-04-01T10:00:00Z", "id": "7", "name": "skrypt"},
           errors={401: "Wrong e-mail or password, or the TOTP code (`totp`) missing or wrong where two-factor "
                        "login is enabled",
                   403: "The right password of an account whose e-mail is not confirmed yet, or an administrator "
                        "in production who has not set up TOTP",
                   429: "Too many failed attempts from this address (for this account, a delay that grows with "
                        "each failure; never a lock-out); `retry_after` in the body"})
@limiter.limit(ratelimits.LOGIN_FAILURES_PER_ADDRESS, deduct_when=ratelimits.failed)
def create_token():
    data = parse_body(TokenRequest)
    s = db.session()
    result = authenticate(s, data.email, data.password, request.remote_addr or "")
    if result.user is None:
        if result.throttled:  # per (account, address) pair, growing delay: never a lock-out
            raise ApiProblem(429, str(result.error), "/problems/too-many-requests",
                             retry_after=result.retry_after, headers={"Retry-After": str(result.retry_after)})
        if result.unconfirmed:
            raise ApiProblem(403, str(result.error), "/problems/email-not-confirmed")
        raise ApiProblem(401, str(result.error))
    second_factor(s, result.user, data.totp)
    try:
        token, row = tokens.issue(s, result.user, name=data.name, days=data.expires_in_days)
    except AccountError as e:
        s.rollback()
        raise invalid([{"field": e.field, "message": str(e.message)}]) from None
    s.commit()
    return {"token": token, "expires_at": tokens.serialise(row)["expires_at"], "id": str(row.id),
            "name": row.name}, 201


@api_route("/tokens", "GET", summary="List your live tokens (never their secrets)", response=TokenList,
           operation_id="listTokens", who="any signed-in user (their own); administrators: anyone's with ?user_id=",
           query=(query_param("user_id", "Administrators only: another user's tokens.",
                              {"type": "string", "maxLength": 30}),),
           errors={403: "Another user's tokens, and not an administrator", 404: "No such user"})
def list_tokens():
    """The caller's live tokens; an admin may ask for another user's with ?user_id=."""
    user = auth.require_user()
    s = db.session()
    owner = user
    wanted = request.args.get("user_id")
    if wanted is not None and wanted != str(user.id):
        if not has_role(user, ADMIN):
            raise ApiProblem(403, "Only an administrator may list another user's tokens.")
        owner = s.scalar(select(User).where(User.id == int(wanted))) if wanted.isdigit() else None
        if owner is None or not admin.manageable(user, owner):  # another authority's staff (issue 22)
            raise ApiProblem(404, "No such user.")
    items = [dict(tokens.serialise(r), user_id=str(owner.id)) for r in tokens.list_for(s, owner)]
    return {"items": items, "total": len(items)}


def second_factor(s, user, code: str | None) -> None:
    """A TOTP user gives the code too; an admin in production without TOTP sets it up first (web)."""
    if totp.enabled(user):
        totp.start_login(s, user)
        ok = bool(code) and totp.check_login(s, user, code, request.remote_addr or "")
        s.commit()
        if not ok:
            raise ApiProblem(401, "A valid TOTP code is required in the 'totp' field (two-factor login is enabled).",
                             "/problems/totp-required")
    elif totp.required(user, current_app.config.get("GRANTS_ENV", "development") != "development"):
        raise ApiProblem(403, "Administrators must set up two-factor login (TOTP) on /account/totp first.",
                         "/problems/totp-setup-required")


@api_route("/tokens/current", "DELETE", summary="Revoke the token used for this request", status=204,
           operation_id="revokeCurrentToken", who="the token's owner")
def revoke_token():
    auth.require_user()
    s = db.session()
    s.delete(s.merge(g.api_token))
    s.commit()
    return "", 204


@api_route("/tokens/<token_id>", "DELETE", summary="Revoke one of your tokens (administrators: anyone's)",
           status=204, operation_id="revokeToken", who="the token's owner, or an administrator",
           errors={404: "No such token among those you may revoke"})
def revoke_token_by_id(token_id: str):
    user = auth.require_user()
    s = db.session()
    try:
        tokens.revoke(s, user, token_id)
    except tokens.TokenNotFound:
        s.rollback()
        raise ApiProblem(404, "No such token among those you may revoke.") from None
    s.commit()
    return "", 204
