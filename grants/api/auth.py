"""Bearer tokens: the API never reads the session cookie."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import g, request
from sqlalchemy import select

from grants.core import clock, db

from .models import ApiToken
from .problems import ApiProblem

TOKEN_LIFETIME = timedelta(days=30)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(session, user) -> tuple[str, ApiToken]:
    token = secrets.token_urlsafe(32)
    now = clock.real_now()
    row = ApiToken(user_id=user.id, token_hash=digest(token), created_at=now, expires_at=now + TOKEN_LIFETIME)
    session.add(row)
    return token, row


def current_api_user():
    """The caller, or None without a token; a bad token is a 401."""
    if "api_user" in g:
        return g.api_user
    header = request.headers.get("Authorization", "")
    user = None
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiProblem(401, "Use 'Authorization: Bearer <token>'.", headers={"WWW-Authenticate": "Bearer"})
        from sqlalchemy.orm import joinedload

        from grants.accounts.models import User
        # the caller, roles and memberships in as few round trips as possible: every API call starts here
        row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(token.strip()))
                                .options(joinedload(ApiToken.user).selectinload(User.roles),
                                         joinedload(ApiToken.user).selectinload(User.memberships)))
        if row is None or row.expires_at <= clock.real_now() or not row.user.is_active:
            raise ApiProblem(401, "The token is unknown, revoked or expired.")
        user = row.user
        g.api_token = row
    g.api_user = user
    return user


def require_user():
    user = current_api_user()
    if user is None:
        raise ApiProblem(401, "A bearer token is required: POST /api/v1/tokens.")
    return user
