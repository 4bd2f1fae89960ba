"""POST /api/v1/tokens {"email", "password"} → {"token"}; DELETE /api/v1/tokens/current."""
from __future__ import annotations

from flask import current_app, request
from pydantic import BaseModel, Field

from grants.accounts import totp
from grants.accounts.operations import authenticate
from grants.core import db

from . import auth
from .blueprint import bp
from .problems import ApiProblem
from .validation import parse_body


class TokenRequest(BaseModel):
    model_config = {"extra": "forbid"}
    email: str = Field(min_length=3, max_length=255)
    password: str = Field(min_length=1, max_length=200)
    totp: str | None = Field(default=None, min_length=6, max_length=8,
                             description="the current code of the second factor, required when it is enabled")


class TokenResponse(BaseModel):
    token: str
    expires_at: str


@bp.route("/tokens", methods=["POST"])
def create_token():
    data = parse_body(TokenRequest)
    s = db.session()
    result = authenticate(s, data.email, data.password, request.remote_addr or "")
    if result.user is None:
        status = 429 if result.locked_minutes else 401
        raise ApiProblem(status, str(result.error))
    second_factor(s, result.user, data.totp)
    token, row = auth.issue(s, result.user)
    s.commit()
    return {"token": token, "expires_at": row.expires_at.isoformat().replace("+00:00", "Z")}, 201


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


@bp.route("/tokens/current", methods=["DELETE"])
def revoke_token():
    auth.require_user()
    from flask import g
    s = db.session()
    s.delete(s.merge(g.api_token))
    s.commit()
    return "", 204
