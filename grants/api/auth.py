"""Bearer tokens: the API never reads the session cookie. Issued, listed and revoked in
grants/accounts/tokens.py."""
from __future__ import annotations

from flask import g, request

from grants.accounts import tokens
from grants.accounts.tokens import digest, issue  # noqa: F401 - the API's names for them
from grants.core import db

from .problems import ApiProblem


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
        # the caller, roles and memberships in as few round trips as possible: every API call starts here;
        # a token of an ended session generation (logout everywhere, password change, deactivation) is dead
        row = tokens.find(db.session(), token.strip())
        if row is None:
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
