"""R-RODO, art. 15 and 20 RODO: everything the system holds about one person, as JSON-ready data.

Only the person's own data: their account (never the password hash or the TOTP secret), roles,
memberships, what they wrote (proposals, comments, supports, candidacies), commission seats, the
metadata of their API tokens, their login history, the audit entries where they are the actor
(summaries: object, action, time, never the changes, which may name other people), the
notifications they were sent with their preferences, and the newsletter subscriptions of their
address (never the unsubscribe token). Flask-free.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grants.accounts.models import LoginAttempt
from grants.api.models import ApiToken
from grants.calltypes.federation.models import PoolCandidate
from grants.core import clock
from grants.core.audit import AuditEntry
from grants.directions.models import Direction, DirectionComment, DirectionSupport
from grants.initiatives.models import Initiative
from grants.notifications.models import Notification, NotificationPreference, Subscription
from grants.offers.models import Offer
from grants.registry.models import Membership, MembershipInvitation
from grants.small_grants.models import SmallGrant, SmallGrantComment
from reviewers.models import CommissionMember

from .models import DeletionRequest
from .retention import kept_documents

FORMAT = "grants-personal-data/1"


def _json(value):
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(obj, *fields: str) -> dict:
    return {f: _json(getattr(obj, f)) for f in fields}


def personal_data(session: Session, user) -> dict:
    uid = user.id
    q = lambda stmt: session.scalars(stmt).all()  # noqa: E731
    return {
        "format": FORMAT,
        "exported_at": _json(clock.real_now()),
        "account": {**_row(user, "id", "email", "full_name", "active", "stakeholder_type", "locale", "created_at",
                           "anonymised_at"),
                    "department": user.department.name if user.department else None,
                    "totp_enabled": bool(user.totp_secret)},
        "roles": sorted(user.role_names),
        "memberships": [{"organisation_id": m.organisation_id, "organisation": m.organisation.name,
                         "function": m.function, "role": m.role}
                        for m in q(select(Membership).where(Membership.user_id == uid).order_by(Membership.id))],
        "invitations": [{"organisation": i.organisation.name, "role": i.role, "status": i.status,
                         "created_at": _json(i.created_at), "expires_at": _json(i.expires_at)}
                        for i in q(select(MembershipInvitation).where(MembershipInvitation.email == user.email)
                                   .order_by(MembershipInvitation.id))],
        "proposals": [_row(d, "id", "consultation_id", "state", "title", "problem", "target_group", "proposed_task",
                           "estimated_funds", "field", "district", "submitted_at", "created_at")
                      for d in q(select(Direction).where(Direction.author_id == uid).order_by(Direction.id))],
        "comments": [_row(c, "id", "direction_id", "body", "created_at")
                     for c in q(select(DirectionComment).where(DirectionComment.user_id == uid)
                                .order_by(DirectionComment.id))],
        "supports": [_row(s, "direction_id", "created_at")
                     for s in q(select(DirectionSupport).where(DirectionSupport.user_id == uid)
                                .order_by(DirectionSupport.id))],
        "small_grant_comments": [_row(c, "id", "small_grant_id", "author_name", "body", "created_at")
                                 for c in q(select(SmallGrantComment).where(SmallGrantComment.user_id == uid)
                                            .order_by(SmallGrantComment.id))],
        "small_grants_authored": [_row(g, "id", "state", "title") for g in
                                  q(select(SmallGrant).where(SmallGrant.author_id == uid).order_by(SmallGrant.id))],
        "initiatives_authored": [_row(i, "id", "state", "title", "submitted_at") for i in
                                 q(select(Initiative).where(Initiative.author_id == uid).order_by(Initiative.id))],
        "offers_created": [_row(o, "id", "number", "state", "title", "organisation_id") for o in
                           q(select(Offer).where(Offer.created_by_id == uid).order_by(Offer.id))],
        "commission_seats": [{"commission_id": m.commission_id, "kind": m.kind, "chair": m.is_chair,
                              "declined": m.declined}
                             for m in q(select(CommissionMember).where(CommissionMember.user_id == uid)
                                        .order_by(CommissionMember.id))],
        "commission_pool": [_row(p, "organisation_id", "profile", "fields", "nominated_at", "consent_at",
                                 "withdrawn_at")
                            for p in q(select(PoolCandidate).where(PoolCandidate.user_id == uid)
                                       .order_by(PoolCandidate.id))],
        "api_tokens": [_row(t, "id", "created_at", "expires_at", "last_used_at")
                       for t in q(select(ApiToken).where(ApiToken.user_id == uid).order_by(ApiToken.id))],
        "login_history": [_row(a, "at", "ip", "success")
                          for a in q(select(LoginAttempt).where(LoginAttempt.email == user.email)
                                     .order_by(LoginAttempt.at))],
        "audit_entries": [_row(e, "object_type", "object_id", "action", "recorded_at")
                          for e in q(select(AuditEntry).where(AuditEntry.actor_id == uid).order_by(AuditEntry.id))],
        "notifications": [_row(n, "id", "kind", "category", "object_type", "object_id", "params", "created_at",
                               "read_at", "delivery", "emailed_at")
                          for n in q(select(Notification).where(Notification.user_id == uid).order_by(Notification.id))],
        "notification_preferences": [_row(p, "category", "mode") for p in
                                     q(select(NotificationPreference).where(NotificationPreference.user_id == uid)
                                       .order_by(NotificationPreference.category))],
        "subscriptions": [_row(s, "id", "email", "locale", "topics", "fields", "districts", "departments", "call_types",
                               "frequency", "created_at", "confirmed_at", "unsubscribed_at", "active")
                          for s in q(select(Subscription).where(func.lower(Subscription.email) == user.email.lower())
                                     .order_by(Subscription.id))],
        "deletion_requests": [_row(r, "id", "state", "reason", "requested_at", "handled_at", "note")
                              for r in q(select(DeletionRequest).where(DeletionRequest.user_id == uid)
                                         .order_by(DeletionRequest.id))],
        "kept_documents": [k.as_dict() for k in kept_documents(session, user)],
    }
