"""Notification inbox rows, per-category preferences and public subscriptions (S4)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from grants.core.db import Base, IdKey
from grants.core.types import UTCDateTime


class Notification(IdKey, Base):
    """One thing one person is told. `key` makes a reminder once per person and occasion."""
    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_notifications_user_key"),
                      Index("ix_notifications_user_unread", "user_id", "read_at"),
                      # the inbox, newest first, walked by key (issue 20)
                      Index("ix_notifications_user_created", "user_id", "created_at", "id"))

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(60))
    category: Mapped[str] = mapped_column(String(20))
    object_type: Mapped[str | None] = mapped_column(String(30))
    object_id: Mapped[str | None] = mapped_column(String(36))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: "immediate" (mailed with the change), "digest" (waits for the daily digest), "none"
    delivery: Mapped[str] = mapped_column(String(10), default="none")
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the digest run that took this row (a claim: two workers never both mail it)
    digest_claim: Mapped[str | None] = mapped_column(String(36), index=True)


class NotificationPreference(IdKey, Base):
    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "category", name="uq_notification_pref"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(20))
    mode: Mapped[str] = mapped_column(String(10))


class Subscription(IdKey, Base):
    """A newsletter subscription by anyone (S4), confirmed by a link (double opt-in)."""
    __tablename__ = "subscriptions"

    email: Mapped[str] = mapped_column(String(255), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    locale: Mapped[str] = mapped_column(String(5), default="pl")
    #: what: subset of contests, consultations, directions, small_grants
    topics: Mapped[list] = mapped_column(JSON, default=list)
    #: filters; an empty list means any
    fields: Mapped[list] = mapped_column(JSON, default=list)
    districts: Mapped[list] = mapped_column(JSON, default=list)
    departments: Mapped[list] = mapped_column(JSON, default=list)
    call_types: Mapped[list] = mapped_column(JSON, default=list)
    #: ids of the authorities followed (issue 22: subscribed on one authority's portal); empty: every one
    grantors: Mapped[list] = mapped_column(JSON, default=list)
    frequency: Mapped[str] = mapped_column(String(10), default="weekly")  # weekly | immediate
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    active: Mapped[bool] = mapped_column(Boolean, default=False)


class SubscriptionItem(IdKey, Base):
    """An announcement matched to a weekly subscriber, waiting for the weekly newsletter."""
    __tablename__ = "subscription_items"
    __table_args__ = (UniqueConstraint("subscription_id", "object_type", "object_id", name="uq_subscription_item"),)

    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id", ondelete="CASCADE"), index=True)
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[str] = mapped_column(String(36))
    title: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_claim: Mapped[str | None] = mapped_column(String(36), index=True)


class NotificationRun(Base):
    """A claim of one scheduled run (the daily digest of a day, the weekly newsletter of a week):
    the first worker to insert the row sends it, any other finds it taken."""
    __tablename__ = "notification_runs"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)  # e.g. "digest:2027-03-15"
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent: Mapped[int] = mapped_column(Integer, default=0)
