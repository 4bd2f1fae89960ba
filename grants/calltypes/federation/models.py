"""Federation building (S2): the member organisations of a federation's or coalition's offer, each
confirmed from the member's own account, and the standing pool of NGO candidates for commissions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import Base, IdKey
from grants.core.types import UTCDateTime


class OfferMember(IdKey, Base):
    """A member organisation named in a federation-building offer. It counts once confirmed by a
    member of that organisation (never by the applicant for it)."""

    __tablename__ = "offer_members"
    __table_args__ = (UniqueConstraint("offer_id", "organisation_id", name="offer_member_org"),)

    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())

    offer = relationship("Offer")
    organisation = relationship("Organisation")


class PoolCandidate(IdKey, Base):
    """A person an organisation nominates to the standing pool of NGO commission candidates. The
    candidate consents from their own account; only then officers may compose commissions from them.
    Public: name and nominating organisation only."""

    __tablename__ = "commission_pool"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id", name="pool_org_user"),)

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    profile: Mapped[str] = mapped_column(Text, default="")
    fields: Mapped[list] = mapped_column(JSON, default=list)  # fields of public benefit (registry.dictionaries.FIELDS)
    nominated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    nominated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation = relationship("Organisation")
    user = relationship("User", foreign_keys=[user_id])
