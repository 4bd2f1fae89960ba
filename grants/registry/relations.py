"""How staff relate to an organisation: the one relation every staff right over an organisation checks
(adding a member by exception, removing one, editing its registry record)."""
from __future__ import annotations

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from grants.agreements.models import Agreement
from grants.contests.models import Contest
from grants.core.permissions import ADMIN, OFFICER, has_role
from grants.initiatives.models import Initiative
from grants.offers.models import Offer
from grants.small_grants.models import SmallGrant

from .models import Organisation


def works_with(session: Session, actor, org: Organisation) -> bool:
    """The one relation between staff and an organisation: an admin works with every one; an officer
    with those that have an offer or an agreement in a contest of the officer's department, or an
    art. 12 initiative or art. 19a small grant assigned to that department."""
    if has_role(actor, ADMIN):
        return True
    dept = getattr(actor, "department_id", None)
    if not has_role(actor, OFFICER) or dept is None:
        return False
    conds = [
        exists().where(Offer.organisation_id == org.id, Offer.contest_id == Contest.id,
                       Contest.department_id == dept),
        exists().where(Agreement.organisation_id == org.id, Agreement.contest_id == Contest.id,
                       Contest.department_id == dept),
        exists().where(Initiative.organisation_id == org.id, Initiative.department_id == dept),
        exists().where(SmallGrant.organisation_id == org.id, SmallGrant.department_id == dept),
    ]
    return bool(session.scalar(select(or_(*conds))))
