"""Who an audience named in the rules is, for one object: user ids (active, not anonymised)."""
from __future__ import annotations

from sqlalchemy import select

from grants.accounts.models import User, UserRole
from grants.core.permissions import APPLICANT, FINANCE, OFFICER, PARTICIPANT
from grants.directions.models import Direction, DirectionComment
from grants.offers.models import Offer
from grants.registry.models import Membership
from reviewers.models import Commission, CommissionMember

NOBODY = "nobody"
ORGANISATION = "organisation"  # the members of the organisation the object belongs to
OFFICERS = "officers"  # officers of the object's department (all officers when it has none)
COMMISSION = "commission"  # the members of the commission (of the object, or of its contest)
FINANCE_STAFF = "finance"
AUTHOR = "author"  # the person who proposed it (a direction)
CONTEST_APPLICANTS = "contest_applicants"  # members of organisations with a submitted offer in the contest
PUBLIC = "public"  # every applicant and participant account (announcements), and the subscribers
CONSULTATION_AUTHORS = "consultation_authors"  # who proposed directions in the consultation
RESPONDER = "responder"  # the members of the organisation that answered a listing (mutual services, issue 17)
SUBSCRIBERS = "subscribers"  # newsletter subscribers whose filters match (grants.notifications.subscriptions)
DISCUSSION = "discussion"  # who commented on a direction (comments not hidden by moderation)

AUDIENCES = (NOBODY, ORGANISATION, OFFICERS, COMMISSION, FINANCE_STAFF, AUTHOR, CONTEST_APPLICANTS, PUBLIC,
             CONSULTATION_AUTHORS, SUBSCRIBERS, RESPONDER, DISCUSSION)


def organisation_id(obj) -> int | None:
    if getattr(obj, "organisation_id", None) is not None:
        return obj.organisation_id
    agreement = getattr(obj, "agreement", None)
    return agreement.organisation_id if agreement is not None else None


def department_id(obj) -> int | None:
    for path in (("department_id",), ("contest", "department_id"), ("agreement", "department_id"),
                 ("consultation", "department_id")):
        value = obj
        for attr in path:
            value = getattr(value, attr, None)
            if value is None:
                break
        if value is not None:
            return value
    return None


def _active(q):
    return q.where(User.active.is_(True), User.anonymised_at.is_(None))


def _with_role(session, *roles: str, department: int | None = None) -> set[int]:
    q = _active(select(User.id).join(UserRole, UserRole.user_id == User.id).where(UserRole.role.in_(roles)))
    if department is not None:
        q = q.where(User.department_id == department)
    return set(session.scalars(q))


def members_of(session, org_ids) -> set[int]:
    org_ids = [o for o in org_ids if o is not None]
    if not org_ids:
        return set()
    return set(session.scalars(_active(select(User.id).join(Membership, Membership.user_id == User.id)
                                       .where(Membership.organisation_id.in_(org_ids)))))


def _contest_id(obj) -> int | None:
    if obj.__workflow__.object_type == "contest":
        return obj.id
    return getattr(obj, "contest_id", None)


def resolve(session, audience: str, obj) -> set[int]:
    if audience in (NOBODY, SUBSCRIBERS):
        return set()
    if audience == ORGANISATION:
        return members_of(session, [organisation_id(obj)])
    if audience == OFFICERS:
        dept = department_id(obj)
        found = _with_role(session, OFFICER, department=dept) if dept is not None else set()
        return found or _with_role(session, OFFICER)
    if audience == RESPONDER:
        return members_of(session, [getattr(obj, "responder_org_id", None)])
    if audience == FINANCE_STAFF:
        return _with_role(session, FINANCE)
    if audience == AUTHOR:
        author = getattr(obj, "author_id", None)
        return set(session.scalars(_active(select(User.id).where(User.id == author)))) if author else set()
    if audience == COMMISSION:
        if obj.__workflow__.object_type == "commission":
            commission_id = obj.id
        else:
            commission_id = session.scalar(select(Commission.id).where(Commission.contest_id == _contest_id(obj)))
        return set(session.scalars(_active(select(User.id).join(CommissionMember, CommissionMember.user_id == User.id)
                                           .where(CommissionMember.commission_id == commission_id))))
    if audience == CONTEST_APPLICANTS:
        orgs = session.scalars(select(Offer.organisation_id).where(Offer.contest_id == _contest_id(obj),
                                                                   Offer.state != "draft"))
        return members_of(session, set(orgs))
    if audience == PUBLIC:
        return _with_role(session, APPLICANT, PARTICIPANT)  # one query for both roles
    if audience == CONSULTATION_AUTHORS:
        return set(session.scalars(_active(select(User.id).join(Direction, Direction.author_id == User.id)
                                           .where(Direction.consultation_id == obj.id, Direction.state != "draft"))))
    if audience == DISCUSSION:
        return set(session.scalars(_active(select(User.id).join(DirectionComment, DirectionComment.user_id == User.id)
                                           .where(DirectionComment.direction_id == obj.id,
                                                  DirectionComment.hidden_reason.is_(None)))))
    raise ValueError(f"unknown audience {audience!r}")
