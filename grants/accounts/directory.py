"""Finding people by role and name, for officers composing commissions (issue 15): who may search,
what they see of each person (an e-mail only where the caller may see it)."""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from grants.core.permissions import ADMIN, OFFICER, ROLES, has_role

from .models import User, UserRole

MAX_QUERY = 100


def may_search(actor) -> bool:
    return has_role(actor, OFFICER, ADMIN)


def may_see_email(actor, user: User) -> bool:
    """Administrators see every e-mail; anyone their own. An officer composing a commission picks people
    by name and role: the id is what the commission needs, the address stays private."""
    return actor is not None and (actor.id == user.id or has_role(actor, ADMIN))


ORDER = (User.full_name, User.id)  # by name: ix_users_full_name_id, walked by key
LOADED = (selectinload(User.roles), selectinload(User.memberships))  # what a found person shows


def search(actor, role: str | None, text: str):
    """Active accounts (never anonymised ones) with `role`, whose name contains `text` (administrators:
    or whose e-mail does), for a list in ORDER (with LOADED). The caller has been checked with may_search."""
    q = select(User).where(User.active.is_(True), User.anonymised_at.is_(None))
    # another authority's staff are no one an officer may appoint (issue 22): own staff and people of none
    g = getattr(actor, "grantor_id", None)
    q = q.where(User.grantor_id.is_(None) if g is None else or_(User.grantor_id.is_(None), User.grantor_id == g))
    if role:
        q = q.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    text = text.strip().lower()
    if text:
        like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        by = [func.lower(User.full_name).like(like, escape="\\")]
        if has_role(actor, ADMIN):
            by.append(func.lower(User.email).like(like, escape="\\"))
        q = q.where(or_(*by))
    return q.options(*LOADED)


def known_role(role: str) -> bool:
    return role in ROLES
