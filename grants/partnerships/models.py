from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import Base
from grants.core.i18n import _
from grants.core.types import UTCDateTime
from grants.workflows.base import WorkflowMixin, state_check

OFFER_KINDS = {
    "volunteering": _("wolontariat pracowniczy"), "joint_project": _("wspólny projekt społeczny"),
    "expertise": _("wiedza ekspercka"), "venue": _("miejsce lub przestrzeń"), "cause": _("sprawa do wsparcia"),
}
AUDIENCES = {"sme": _("małe i średnie firmy"), "startup": _("start-upy"), "large": _("duże firmy")}
SEEKS = {"money": _("wsparcie finansowe"), "know_how": _("wiedza i doświadczenie"), "mentoring": _("opieka mentorska"),
         "equipment": _("sprzęt"), "volunteers": _("wolontariusze")}
OFFER_STATES = {"draft": _("szkic"), "published": _("opublikowana"), "paused": _("wstrzymana"),
                "archived": _("zarchiwizowana")}
INTEREST_STATES = {
    "sent": _("wysłane"), "answered": _("organizacja odpowiedziała"),
    "org_consented": _("zgoda organizacji na wymianę kontaktów"),
    "business_consented": _("zgoda firmy na wymianę kontaktów"), "connected": _("kontakty wymienione"),
    "started": _("partnerstwo rozpoczęte"), "declined": _("odrzucone"), "withdrawn": _("wycofane"),
}
#: the states in which both sides see each other's contact details (consent recorded)
CONNECTED = ("connected", "started")


class PartnershipOffer(WorkflowMixin, Base):
    __tablename__ = "partnership_offers"
    __table_args__ = (state_check(OFFER_STATES),)

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    kinds: Mapped[list] = mapped_column(JSON, default=list)
    audiences: Mapped[list] = mapped_column(JSON, default=list)
    seeks: Mapped[list] = mapped_column(JSON, default=list)
    seeks_note: Mapped[str] = mapped_column(Text, default="")
    field: Mapped[str | None] = mapped_column(String(40))
    district: Mapped[str | None] = mapped_column(String(10))
    contact_email: Mapped[str] = mapped_column(String(255), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    organisation = relationship("Organisation")


class PartnershipInterest(WorkflowMixin, Base):
    """A business participant's interest in an offer; the consents are recorded by the transitions
    (and their audit entries) and stamped here."""

    __tablename__ = "partnership_interests"
    __table_args__ = (state_check(INTEREST_STATES),)

    offer_id: Mapped[int] = mapped_column(ForeignKey("partnership_offers.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)  # the business participant
    company: Mapped[str] = mapped_column(String(255))
    message: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text, default="")
    contact_email: Mapped[str] = mapped_column(String(255), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    org_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    business_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    offer = relationship("PartnershipOffer")

    @property
    def organisation_id(self) -> int:
        """The offering organisation (the notifications' ORGANISATION audience)."""
        return self.offer.organisation_id
