"""Who an audience named in the rules is, for one object: user ids (active, not anonymised)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, or_, select, union_all

from grants.accounts.models import User, UserRole
from grants.core.permissions import APPLICANT, FINANCE, OFFICER, PARTICIPANT, grantor_of
from grants.directions.models import Direction, DirectionComment
from grants.offers.models import Offer
from grants.registry.models import Department, Membership
from reviewers.models import Commission, CommissionMember

NOBODY = "nobody"
ORGANISATION = "organisation"  # the members of the organisation the object belongs to
OFFICERS = "officers"  # officers of the object's department (its authority's when it has none)
COMMISSION = "commission"  # the members of the commission (of the object, or of its contest)
FINANCE_STAFF = "finance"  # the finance staff of the object's authority
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


def _role_query(*roles: str):
    # plain parameters, not an IN list rendered per call: the engine's write statement, which
    # carries this read, is then compiled once (grants.core.direct)
    return _active(select(User.id).join(UserRole, UserRole.user_id == User.id)
                   .where(or_(*(UserRole.role == r for r in roles))))


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


def _of_authority(obj) -> tuple[str | None, Any]:
    """Staff are told of their own authority's objects only (issue 22): an object of no authority
    has no staff to tell."""
    grantor = grantor_of(obj)
    return ("grantor", grantor) if grantor is not None else (None, None)


def _value(audience: str, obj):
    """What the audience's query needs of the object: (variant, value); variant None: nobody."""
    if audience in (NOBODY, SUBSCRIBERS):
        return None, None
    if audience == ORGANISATION:
        org = organisation_id(obj)
        return ("org" if org is not None else None), org
    if audience == OFFICERS:
        dept = department_id(obj)
        if dept is not None:
            return "department", dept
        return _of_authority(obj)
    if audience == FINANCE_STAFF:
        return _of_authority(obj)
    if audience == RESPONDER:
        org = getattr(obj, "responder_org_id", None)
        return ("org" if org is not None else None), org
    if audience == PUBLIC:
        return "all", None
    if audience == AUTHOR:
        author = getattr(obj, "author_id", None)
        return ("author" if author else None), author
    if audience == COMMISSION:
        if obj.__workflow__.object_type == "commission":
            return "commission", obj.id
        contest = _contest_id(obj)
        return ("contest", contest) if contest is not None else ("no contest", None)
    if audience == CONTEST_APPLICANTS:
        contest = _contest_id(obj)
        return ("contest", contest) if contest is not None else ("no contest", None)
    if audience in (CONSULTATION_AUTHORS, DISCUSSION):
        return "object", obj.id
    raise ValueError(f"unknown audience {audience!r}")


def _build(audience: str, variant: str):
    """The audience's query for one variant, its value a parameter named "aud__" + audience."""
    v = bindparam("aud__" + audience)
    if audience in (ORGANISATION, RESPONDER):
        return _active(select(User.id).join(Membership, Membership.user_id == User.id)
                       .where(Membership.organisation_id == v))
    if audience == OFFICERS:
        if variant == "grantor":
            return _role_query(OFFICER).where(User.grantor_id == v)
        # the department's officers; when it has none, its authority's officers
        in_department = _role_query(OFFICER).where(User.department_id == v)
        authority = select(Department.grantor_id).where(Department.id == v).scalar_subquery()
        return union_all(in_department, _role_query(OFFICER).where(User.grantor_id == authority,
                                                                   ~in_department.correlate(None).exists()))
    if audience == FINANCE_STAFF:
        return _role_query(FINANCE).where(User.grantor_id == v)
    if audience == PUBLIC:
        return _role_query(APPLICANT, PARTICIPANT)  # one query for both roles
    if audience == AUTHOR:
        return _active(select(User.id).where(User.id == v))
    if audience == COMMISSION:
        if variant == "commission":
            commission_id = v
        else:
            contest = Commission.contest_id == v if variant == "contest" else Commission.contest_id.is_(None)
            commission_id = select(Commission.id).where(contest).limit(1).scalar_subquery()
        return _active(select(User.id).join(CommissionMember, CommissionMember.user_id == User.id)
                       .where(CommissionMember.commission_id == commission_id))
    if audience == CONTEST_APPLICANTS:
        contest = Offer.contest_id == v if variant == "contest" else Offer.contest_id.is_(None)
        orgs = select(Offer.organisation_id).where(contest, Offer.state != "draft")
        return _members_query(orgs)
    if audience == CONSULTATION_AUTHORS:
        return _active(select(User.id).join(Direction, Direction.author_id == User.id)
                       .where(Direction.consultation_id == v, Direction.state != "draft"))
    if audience == DISCUSSION:
        return _active(select(User.id).join(DirectionComment, DirectionComment.user_id == User.id)
                       .where(DirectionComment.direction_id == v, DirectionComment.hidden_reason.is_(None)))
    raise ValueError(f"unknown audience {audience!r}")


_QUERIES: dict[tuple[str, str], Any] = {}


def selection(audience: str, obj) -> tuple[Any, str, dict] | None:
    """The audience as one SELECT of user ids, with its variant and parameters (None: nobody), so
    that a transition's audiences are read in one query (grants.notifications.operations
    .notify_transition). The query is built once per audience and variant; the object's value is a
    parameter (building and keying a query per call costs more CPU than running it)."""
    variant, value = _value(audience, obj)
    if variant is None:
        return None
    q = _QUERIES.get((audience, variant))
    if q is None:
        q = _QUERIES[(audience, variant)] = _build(audience, variant)
    return q, variant, ({"aud__" + audience: value} if value is not None else {})


def resolve(session, audience: str, obj) -> set[int]:
    found = selection(audience, obj)
    if found is None:
        return set()
    q, _variant, params = found
    return set(session.scalars(q, params))
