"""Roles of DOMAIN.md §2 and the plain checks every operation uses."""
from __future__ import annotations

from typing import Iterable, Protocol

from sqlalchemy import or_

from .i18n import _

APPLICANT = "applicant"
OFFICER = "officer"
COMMISSION_MEMBER = "commission_member"
FINANCE = "finance"
ADMIN = "admin"
PARTICIPANT = "participant"

ROLES = (APPLICANT, OFFICER, COMMISSION_MEMBER, FINANCE, ADMIN, PARTICIPANT)

ROLE_LABELS = {
    APPLICANT: _("wnioskodawca (organizacja)"),
    OFFICER: _("urzędnik"),
    COMMISSION_MEMBER: _("członek komisji"),
    FINANCE: _("finanse"),
    ADMIN: _("administrator"),
    PARTICIPANT: _("uczestnik konsultacji"),
}

# stakeholder types of participants (S1)
STAKEHOLDER_TYPES = {
    "business": _("biznes"),
    "resident": _("mieszkaniec"),
    "school": _("szkoła lub uczelnia"),
    "city_unit": _("jednostka miejska"),
}


class Actor(Protocol):
    id: int

    @property
    def role_names(self) -> frozenset[str]: ...


class PermissionDenied(Exception):
    """The actor's role or relation does not allow this."""

    def __init__(self, reason=None):
        self.reason = reason or _("Brak uprawnień do tej czynności.")
        super().__init__(str(self.reason))


def has_role(actor, *roles: str) -> bool:
    if actor is None:
        return False
    names = getattr(actor, "role_names", frozenset())
    return any(r in names for r in roles)


def is_staff(actor) -> bool:
    """Officers and admins run contests; admins act in every department."""
    return has_role(actor, OFFICER, ADMIN)


def require_role(actor, roles: Iterable[str]) -> None:
    if not has_role(actor, *roles):
        raise PermissionDenied()


def drafts_of_own_department(q, user, model):
    """A query of a public announcement (contest, consultation) as `user` may see it: drafts only to
    admins and the officers of its department; everything else to everyone."""
    if has_role(user, ADMIN):
        return q
    if has_role(user, OFFICER):
        return q.where(or_(model.state != "draft", model.department_id == user.department_id))
    return q.where(model.state != "draft")
