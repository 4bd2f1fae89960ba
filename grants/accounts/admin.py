"""Admins deactivate and reactivate users and end their sessions (issue 21). Flask-free.

Deactivation ends every session and API token of the user at once; an inactive user cannot sign
in, use a token or reset the password. Every step is audited on the user's chain."""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from grants.core import audit
from grants.core.i18n import _
from grants.core.permissions import ADMIN, OPERATOR, PermissionDenied, actor_grantor, has_role

from . import sessions
from .models import User, UserRole
from .operations import AccountError, create_user

PER_PAGE = 50


def _require_admin(actor, user: User | None = None) -> None:
    """An admin manages the accounts of their own authority and those of no authority (issue 22)."""
    if not has_role(actor, ADMIN) or (user is not None and not manageable(actor, user)):
        raise PermissionDenied(_("Tylko administrator może zarządzać kontami użytkowników."))


def manageable(actor, user: User) -> bool:
    return user.grantor_id is None and not has_role(user, OPERATOR) or user.grantor_id == actor_grantor(actor)


def of_admins_authority(actor):
    """The users `actor` (an admin) manages, as a condition on User (see `manageable`)."""
    return or_(User.grantor_id == actor_grantor(actor),
               User.grantor_id.is_(None) & ~User.roles.any(UserRole.role == OPERATOR))


ORDER = (User.email, User.id)  # by e-mail (unique), walked by key through its index


def users(actor, q: str = ""):
    """The accounts an admin manages whose e-mail or name contains q (case-insensitive), for a list
    in ORDER."""
    _require_admin(actor)
    stmt = select(User).where(of_admins_authority(actor))
    q = (q or "").strip()[:100]
    if q:
        like = "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(func.lower(User.email).like(like, escape="\\"),
                              func.lower(User.full_name).like(like, escape="\\")))
    return stmt


def deactivate(session: Session, actor, user: User) -> None:
    _require_admin(actor, user)
    if user.id == actor.id:
        raise AccountError("user", _("Nie możesz dezaktywować własnego konta."))
    if not user.active:
        return
    user.active = False
    sessions.end_all_sessions(session, user, reason=sessions.DEACTIVATED, actor=actor)


def activate(session: Session, actor, user: User) -> None:
    _require_admin(actor, user)
    if user.active:
        return
    audit.lock_object(session, User, user.id)
    user.active = True
    session.flush()
    audit.record(session, "user", user.id, "activate", actor)


def end_sessions(session: Session, actor, user: User) -> None:
    """An admin ends every session and token of a user (e.g. a lost laptop)."""
    _require_admin(actor, user)
    sessions.end_all_sessions(session, user, reason=sessions.ENDED_BY_ADMIN, actor=actor)


def create_first_admin(session: Session, actor, grantor, *, email: str, password: str, full_name: str = "") -> User:
    """The platform operator gives a new authority its first admin (issue 22); that admin then runs
    the authority (departments, officers) and sees its drafts, which the operator never does."""
    if not has_role(actor, OPERATOR):
        raise PermissionDenied(_("Pierwszego administratora organu dodaje operator platformy."))
    return create_user(session, email=email, password=password, roles=[ADMIN], full_name=full_name, actor=actor,
                       grantor_code=grantor.code)
