from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import Base
from grants.core.i18n import _
from grants.core.types import UTCDateTime
from grants.workflows.base import WorkflowMixin, state_check

LISTING_KINDS = {"offer": _("oferuję"), "request": _("potrzebuję")}
CATEGORIES = {
    "accounting": _("księgowość"), "legal": _("porada prawna"), "rooms": _("sale i pomieszczenia"),
    "equipment": _("sprzęt"), "training": _("szkolenia"), "volunteers": _("wolontariusze"),
    "promotion": _("promocja i media"), "other": _("inne"),
}
LISTING_STATES = {"published": _("opublikowane"), "paused": _("wstrzymane"), "closed": _("zamknięte")}
EXCHANGE_STATES = {"suggested": _("zaproponowana przez urząd"), "proposed": _("zgłoszona"),
                   "agreed": _("potwierdzona"), "completed": _("zrealizowana"), "declined": _("odrzucona"),
                   "cancelled": _("anulowana")}


class ServiceListing(WorkflowMixin, Base):
    __tablename__ = "service_listings"
    __table_args__ = (state_check(LISTING_STATES), CheckConstraint("kind IN ('offer', 'request')", name="kind_valid"))

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(10))
    category: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    field: Mapped[str | None] = mapped_column(String(40))
    district: Mapped[str | None] = mapped_column(String(10))
    contact_name: Mapped[str] = mapped_column(String(255), default="")
    contact_email: Mapped[str] = mapped_column(String(255), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    organisation = relationship("Organisation")


class ServiceExchange(WorkflowMixin, Base):
    """An answer to a listing (or a broker's suggestion): the listing's organisation and the
    responding one; both confirm, either marks it done, each rates the other once."""

    __tablename__ = "service_exchanges"
    __table_args__ = (state_check(EXCHANGE_STATES),
                      CheckConstraint("owner_rating IS NULL OR owner_rating BETWEEN 1 AND 5", name="owner_rating_range"),
                      CheckConstraint("responder_rating IS NULL OR responder_rating BETWEEN 1 AND 5",
                                      name="responder_rating_range"))

    listing_id: Mapped[int] = mapped_column(ForeignKey("service_listings.id", ondelete="CASCADE"), index=True)
    responder_org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # who answered, or the broker
    suggested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    owner_rating: Mapped[int | None] = mapped_column(Integer)  # the listing's organisation rates the responder
    owner_comment: Mapped[str] = mapped_column(Text, default="")
    responder_rating: Mapped[int | None] = mapped_column(Integer)
    responder_comment: Mapped[str] = mapped_column(Text, default="")

    listing = relationship("ServiceListing")
    responder = relationship("Organisation", foreign_keys=[responder_org_id])

    @property
    def organisation_id(self) -> int:
        """The listing's organisation (the notifications' ORGANISATION audience)."""
        return self.listing.organisation_id
