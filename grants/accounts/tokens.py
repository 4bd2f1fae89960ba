"""API bearer tokens: issued named and with a chosen lifetime, listed, revoked (issue 21).

Only the SHA-256 of a token is stored. A token carries its user's session generation: when the
generation moves on (grants/accounts/sessions.py) the token is dead, and the bump deletes it too.
Technical time (clock.real_now). Flask-free: grants/api/tokens.py and grants/web/account.py wire it."""
from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

from grants.api.models import ApiToken
from grants.core import audit, clock
from grants.core.i18n import _
from grants.core.permissions import ADMIN, has_role

from .admin import manageable
from .models import User
from .operations import AccountError

DEFAULT_DAYS = 30
MAX_DAYS = 365
MAX_NAME = 100


class TokenNotFound(LookupError):
    """No such token, or not one the caller may see."""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(session: Session, user: User, *, name: str | None = "", days: int | None = None) -> tuple[str, ApiToken]:
    """A new token for the user; returns the secret (shown once) and its row."""
    name = (name or "").strip()
    if len(name) > MAX_NAME:
        raise AccountError("name", _("Nazwa tokenu może mieć najwyżej %(n)s znaków.", n=MAX_NAME))
    days = DEFAULT_DAYS if days is None else days
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise AccountError("expires_in_days", _("Ważność tokenu: od 1 do %(n)s dni.", n=MAX_DAYS))
    token = secrets.token_urlsafe(32)
    now = clock.real_now()
    row = ApiToken(user_id=user.id, token_hash=digest(token), name=name, generation=user.session_generation or 0,
                   created_at=now, expires_at=now + timedelta(days=days))
    session.add(row)
    session.flush()
    return token, row


def _live(row: ApiToken | None) -> bool:
    return (row is not None and row.expires_at > clock.real_now() and row.user.is_active
            and row.generation == (row.user.session_generation or 0))


def find(session: Session, token: str) -> ApiToken | None:
    """The live token with this secret, its user, roles and memberships loaded; else None."""
    # one round trip: roles and memberships joined too (a handful of rows each; selectin loading
    # would add a query for each on every API request)
    row = session.execute(_find_statement(), {"token_hash": digest(token)}).unique().scalar()
    return row if _live(row) else None


@functools.cache
def _find_statement():
    """Built once: every API request runs it, and building it cost about as much as running it."""
    return (select(ApiToken).where(ApiToken.token_hash == bindparam("token_hash"))
            .options(joinedload(ApiToken.user).joinedload(User.roles),
                     joinedload(ApiToken.user).joinedload(User.memberships)))


def list_for(session: Session, user: User) -> list[ApiToken]:
    """The user's live tokens, newest first."""
    rows = session.scalars(select(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.generation == (user.session_generation or 0),
        ApiToken.expires_at > clock.real_now()).order_by(ApiToken.created_at.desc(), ApiToken.id.desc()))
    return list(rows)


def get_visible(session: Session, actor, token_id) -> ApiToken:
    """A live token the actor may see and revoke: their own, or for an admin that of any user they
    manage (of their own authority or of none, issue 22)."""
    try:
        row = session.get(ApiToken, int(token_id))
    except (TypeError, ValueError):
        row = None
    if row is None or not _live(row) or (row.user_id != actor.id and not (has_role(actor, ADMIN)
                                                                           and manageable(actor, row.user))):
        raise TokenNotFound(token_id)
    return row


def revoke(session: Session, actor, token_id) -> None:
    """Revokes one of the actor's own tokens, or anyone's for an admin (audited on the owner)."""
    row = get_visible(session, actor, token_id)
    owner_id = row.user_id
    session.delete(row)
    if owner_id != actor.id:
        audit.lock_object(session, User, owner_id)
        audit.record(session, "user", owner_id, "revoke_token", actor,
                     changes={"token": row.id, "name": row.name})
    session.flush()


def serialise(row: ApiToken) -> dict:
    """What a list shows of a token: never its secret nor its hash."""
    def iso(dt):
        return dt.isoformat().replace("+00:00", "Z") if dt else None
    return {"id": str(row.id), "name": row.name or "", "created_at": iso(row.created_at),
            "expires_at": iso(row.expires_at), "last_used_at": iso(row.last_used_at)}
