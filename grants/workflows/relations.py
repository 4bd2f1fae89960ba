"""Relations between an actor and the organisation an object belongs to (R-ORG-MEMBERSHIP)."""
from __future__ import annotations

from grants.core.i18n import _
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
