"""Roles of DOMAIN.md §2 and the plain checks every operation uses."""
from __future__ import annotations

from typing import Iterable, Protocol

from sqlalchemy import false, or_

from .i18n import _

APPLICANT = "applicant"
OFFICER = "officer"
COMMISSION_MEMBER = "commission_member"
FINANCE = "finance"
ADMIN = "admin"
PARTICIPANT = "participant"
# manages the authorities (grantors) of the deployment and their first admins; sees no drafts (issue 22)
OPERATOR = "operator"

ROLES = (APPLICANT, OFFICER, COMMISSION_MEMBER, FINANCE, ADMIN, PARTICIPANT, OPERATOR)
# the roles of an authority's own staff: they belong to one grantor and act within it (issue 22)
GRANTOR_STAFF = (OFFICER, ADMIN, FINANCE)

ROLE_LABELS = {
    APPLICANT: _("wnioskodawca (organizacja)"),
    OFFICER: _("urzędnik"),
    COMMISSION_MEMBER: _("członek komisji"),
    FINANCE: _("finanse"),
    ADMIN: _("administrator"),
    PARTICIPANT: _("uczestnik konsultacji"),
    OPERATOR: _("operator platformy"),
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


# what an object's authority is reached through, when it has no grantor_id of its own (issue 22)
_GRANTOR_PARENTS = ("contest", "agreement", "consultation", "offer", "commission")


def grantor_of(obj) -> int | None:
    """The authority (grantor id) an object belongs to: its own `grantor_id`, else its contest's,
    agreement's, consultation's, offer's or commission's."""
    for _step in range(4):
        if obj is None:
            return None
        g = getattr(obj, "grantor_id", None)
        if g is not None:
            return g
        obj = next((p for p in (getattr(obj, n, None) for n in _GRANTOR_PARENTS) if p is not None), None)
    return None


def actor_grantor(actor) -> int | None:
    """The authority whose staff the actor is (None: applicants, participants, the platform operator)."""
    return getattr(actor, "grantor_id", None)


def same_grantor(obj, actor) -> bool:
    """Staff act within their grantor only (issue 22): the relation check every admin path adds."""
    g = actor_grantor(actor)
    return g is not None and grantor_of(obj) == g


def admin_of(obj, actor) -> bool:
    """An admin acts on every department's objects, of their own authority only."""
    return ADMIN in getattr(actor, "role_names", frozenset()) and same_grantor(obj, actor)


def grantor_column_is(column, user):
    """`column == the user's grantor` for a `visible()` query; false for a user of no grantor."""
    g = actor_grantor(user)
    return column == g if g is not None else false()


def drafts_of_own_department(q, user, model):
    """A query of a public announcement (contest, consultation) as `user` may see it: drafts only to
    admins of its authority and the officers of its department; everything else to everyone."""
    if has_role(user, ADMIN):
        return q.where(or_(model.state != "draft", grantor_column_is(model.grantor_id, user)))
    if has_role(user, OFFICER):
        return q.where(or_(model.state != "draft", model.department_id == user.department_id))
    return q.where(model.state != "draft")
