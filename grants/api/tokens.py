"""POST /api/v1/tokens {"email", "password"} → {"token"}; DELETE /api/v1/tokens/current."""
from __future__ import annotations

from flask import request
from pydantic import BaseModel, Field

from grants import ratelimits
from grants.accounts.operations import authenticate
from grants.ratelimits import limiter
from grants.core import db

from . import auth
from .blueprint import bp
from .problems import ApiProblem
from .validation import parse_body


class TokenRequest(BaseModel):
    model_config = {"extra": "forbid"}
    email: str = Field(min_length=3, max_length=255)
    password: str = Field(min_length=1, max_length=200)


class TokenResponse(BaseModel):
    token: str
    expires_at: str


@bp.route("/tokens", methods=["POST"])
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
    token, row = auth.issue(s, result.user)
    s.commit()
    return {"token": token, "expires_at": row.expires_at.isoformat().replace("+00:00", "Z")}, 201


@bp.route("/tokens/current", methods=["DELETE"])
def revoke_token():
    auth.require_user()
    from flask import g
    s = db.session()
    s.delete(s.merge(g.api_token))
    s.commit()
    return "", 204
