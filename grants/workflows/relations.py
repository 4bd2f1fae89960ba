"""Relations between an actor and the organisation an object belongs to (R-ORG-MEMBERSHIP)."""
from __future__ import annotations

from grants.core.i18n import _
from grants.core.permissions import ADMIN, APPLICANT, PermissionDenied, has_role, same_grantor
from grants.registry.models import BOARD

from .base import Reason

BOARD_ONLY = _("Tę czynność w imieniu organizacji wykonuje jej zarząd. Jako członek możesz przygotować "
               "ofertę; poproś osobę z zarządu o jej złożenie.")


def board_of(organisation_id: int, actor):
    """True for a board member of the organisation; for another member the Reason why not (the
    board submits, withdraws and declines for the organisation; members draft); False otherwise."""
    if organisation_id not in getattr(actor, "organisation_ids", frozenset()):
        return False
    if any(m.organisation_id == organisation_id and m.role == BOARD for m in getattr(actor, "memberships", ())):
        return True
    return Reason(BOARD_ONLY)


def board_of_applicant(obj, actor):
    """The workflow relation of an object with an `organisation_id` (offer, concept, art. 12, art. 19a)."""
    return board_of(obj.organisation_id, actor)



def require_board(actor, organisation_id: int) -> None:
    """What submits for an organisation (art. 12, art. 19a): a member of it acting as applicant, on its
    board (R-ORG-MEMBERSHIP: the board submits, members draft); PermissionDenied otherwise."""
    if not has_role(actor, APPLICANT) or organisation_id not in actor.organisation_ids:
        raise PermissionDenied(_("Ofertę składa członek organizacji, w której imieniu działa."))
    board = board_of(organisation_id, actor)
    if board is not True:
        raise PermissionDenied(board.message if isinstance(board, Reason) else None)


def member_of_applicant(obj, actor) -> bool:
    """Any member of the object's own (lead) organisation: members draft, the board submits."""
    return obj.organisation_id in getattr(actor, "organisation_ids", frozenset())


def officer_of_department(obj, department_id: int | None, actor) -> bool:
    """Admins of the object's authority (issue 22), or an officer of the department (an object without
    a department is its authority's admins' until one assigns it: grants.registry.departments)."""
    if ADMIN in actor.role_names:
        return same_grantor(obj, actor)
    return department_id is not None and department_id == getattr(actor, "department_id", None)


def officer_of(obj, actor) -> bool:
    """The relation of a staff transition on an object assigned to a department itself (agreement,
    consultation, contest, art. 12 initiative, art. 19a small grant)."""
    return officer_of_department(obj, obj.department_id, actor)


def officer_of_contest(obj, actor) -> bool:
    """The relation of a staff transition on what is submitted to a contest (offer, concept, commission)."""
    return officer_of_department(obj, obj.contest.department_id, actor)
