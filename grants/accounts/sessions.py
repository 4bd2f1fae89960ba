"""Sessions that end (issue 21): a per-user session generation stored in the database.

The web session stores "<user id>:<generation>" (User.get_id) and every API token the generation it
was issued in. Bumping the generation ends every session cookie and every token of the user at once:
logout, "log out everywhere", a password change or reset, and deactivation all do. A replayed
cookie then loads no user (anonymous: the login page). Flask-free: grants/web/security.py wires the
loader, the views call the operations.
"""
from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from grants.api.models import ApiToken
from grants.core import audit

from .models import User

# why a user's sessions ended (the audit entry's action; a plain logout is not audited)
LOGOUT = "logout"
EVERYWHERE = "logout_everywhere"
PASSWORD_CHANGED = "password_change"
PASSWORD_RESET = "password_reset"
DEACTIVATED = "deactivate"
ENDED_BY_ADMIN = "end_sessions"


def parse_session_id(value: str | None) -> tuple[int, int] | None:
    user_id, sep, generation = (value or "").partition(":")
    if not sep:
        return None  # a cookie from before generations: ended
    try:
        return int(user_id), int(generation)
    except ValueError:
        return None


def load_session_user(session: Session, value: str | None) -> User | None:
    """The user a session cookie names, or None when it belongs to an ended generation, to an
    inactive or to no user."""
    parsed = parse_session_id(value)
    if parsed is None:
        return None
    user = session.get(User, parsed[0])
    if user is None or not user.is_active or (user.session_generation or 0) != parsed[1]:
        return None
    return user


def end_all_sessions(session: Session, user: User, *, reason: str, actor=None,
                     changes: dict | None = None) -> None:
    """Ends every web session and API token of the user (in the caller's transaction).

    The increment is done by the database (`generation + 1`), so two concurrent bumps never write
    the same generation and a session started between them ends too."""
    audit.lock_object(session, User, user.id)
    user.session_generation = User.session_generation + 1
    session.flush()  # the expression is written; the attribute reloads on next access
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id)
                    .execution_options(synchronize_session=False))
    if reason != LOGOUT:
        audit.record(session, "user", user.id, reason, actor, changes=changes or {})

