"""Who an audience named in the rules is, for one object: user ids (active, not anonymised)."""
from __future__ import annotations

from sqlalchemy import select, union_all

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


def _role_query(*roles: str, department: int | None = None):
    q = _active(select(User.id).join(UserRole, UserRole.user_id == User.id).where(UserRole.role.in_(roles)))
    if department is not None:
        q = q.where(User.department_id == department)
    return q


def _with_role(session, *roles: str, department: int | None = None) -> set[int]:
    return set(session.scalars(_role_query(*roles, department=department)))


def _members_query(org_ids):
    """Members of the organisations: ids, or a subquery of them."""
    return _active(select(User.id).join(Membership, Membership.user_id == User.id)
                   .where(Membership.organisation_id.in_(org_ids)))


def members_of(session, org_ids) -> set[int]:
    org_ids = [o for o in org_ids if o is not None]
    if not org_ids:
        return set()
    return set(session.scalars(_members_query(org_ids)))


def _contest_id(obj) -> int | None:
    if obj.__workflow__.object_type == "contest":
        return obj.id
    return getattr(obj, "contest_id", None)


def selection(audience: str, obj):
    """The audience as one SELECT of user ids (None: nobody), so that a transition's audiences are
    read in one query (grants.notifications.operations.notify_transition)."""
    if audience in (NOBODY, SUBSCRIBERS):
        return None
    if audience == ORGANISATION:
        org = organisation_id(obj)
        return _members_query([org]) if org is not None else None
    if audience == OFFICERS:
        dept = department_id(obj)
        if dept is None:
            return _role_query(OFFICER)
        # the department's officers; all officers when it has none
        return union_all(_role_query(OFFICER, department=dept),
                         _role_query(OFFICER).where(~_role_query(OFFICER, department=dept).correlate(None).exists()))
    if audience == RESPONDER:
        org = getattr(obj, "responder_org_id", None)
        return _members_query([org]) if org is not None else None
    if audience == FINANCE_STAFF:
        return _role_query(FINANCE)
    if audience == AUTHOR:
        author = getattr(obj, "author_id", None)
        return _active(select(User.id).where(User.id == author)) if author else None
    if audience == COMMISSION:
        if obj.__workflow__.object_type == "commission":
            commission_id = obj.id
        else:
            commission_id = (select(Commission.id).where(Commission.contest_id == _contest_id(obj)).limit(1)
                             .scalar_subquery())
        return _active(select(User.id).join(CommissionMember, CommissionMember.user_id == User.id)
                       .where(CommissionMember.commission_id == commission_id))
    if audience == CONTEST_APPLICANTS:
        orgs = select(Offer.organisation_id).where(Offer.contest_id == _contest_id(obj), Offer.state != "draft")
        return _members_query(orgs)
    if audience == PUBLIC:
        return _role_query(APPLICANT, PARTICIPANT)  # one query for both roles
    if audience == CONSULTATION_AUTHORS:
        return _active(select(User.id).join(Direction, Direction.author_id == User.id)
                       .where(Direction.consultation_id == obj.id, Direction.state != "draft"))
    if audience == DISCUSSION:
        return _active(select(User.id).join(DirectionComment, DirectionComment.user_id == User.id)
                       .where(DirectionComment.direction_id == obj.id, DirectionComment.hidden_reason.is_(None)))
    raise ValueError(f"unknown audience {audience!r}")


def resolve(session, audience: str, obj) -> set[int]:
    q = selection(audience, obj)
    return set(session.scalars(q)) if q is not None else set()
