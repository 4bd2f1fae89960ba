from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import Base
from grants.core.i18n import _
from grants.core.types import UTCDateTime
from grants.workflows.base import WorkflowMixin, state_check

EVENT_KINDS = {"lecture": _("wykład o zmianach w prawie"), "workshop": _("warsztaty"),
               "mobile_point": _("mobilny punkt konsultacyjny")}
EVENT_STATES = {"draft": _("szkic"), "published": _("opublikowane"), "held": _("odbyło się"),
                "cancelled": _("odwołane")}
REGISTRATION_STATES = {"registered": _("zapisany(-a)"), "waitlisted": _("na liście rezerwowej"),
                       "cancelled": _("zrezygnował(-a)"), "attended": _("obecny(-a)"), "absent": _("nieobecny(-a)")}
#: the registrations that hold a place or a place in the queue (one per person and event)
ACTIVE = ("registered", "waitlisted")
SLOT_STATES = {"open": _("wolny"), "booked": _("zarezerwowany"), "held": _("odbyła się"),
               "withdrawn": _("wycofany")}


class EducationEvent(WorkflowMixin, Base):
    __tablename__ = "education_events"
    __table_args__ = (state_check(EVENT_STATES), CheckConstraint("capacity > 0", name="capacity_positive"))

    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    organiser_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    district: Mapped[str | None] = mapped_column(String(10))
    place: Mapped[str] = mapped_column(String(255), default="")
    online_url: Mapped[str | None] = mapped_column(String(500))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    capacity: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def is_public(self) -> bool:
        return self.state != "draft"


class EventRegistration(WorkflowMixin, Base):
    """A person's place at an event, or their place in its waiting list (R-CAPACITY): the queue is
    the order of `registered_at`, then of `id`."""

    __tablename__ = "event_registrations"
    __table_args__ = (state_check(REGISTRATION_STATES),
                      Index("uq_event_registration_active", "event_id", "user_id", unique=True,
                            postgresql_where=text("state IN ('registered', 'waitlisted')"),
                            sqlite_where=text("state IN ('registered', 'waitlisted')")))

    event_id: Mapped[int] = mapped_column(ForeignKey("education_events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    event = relationship("EducationEvent")
    user = relationship("User")

    @property
    def author_id(self) -> int:
        """Who registered (the notifications' AUTHOR audience)."""
        return self.user_id

    @property
    def department_id(self) -> int | None:
        return self.event.department_id


class ConsultationSlot(WorkflowMixin, Base):
    """An individual consultation an officer or an invited expert offers; one organisation books it.
    The booking lives on the slot's own row, so two bookings of one slot cannot exist (R-CAPACITY)."""

    __tablename__ = "consultation_slots"
    __table_args__ = (state_check(SLOT_STATES),)

    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    host_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    host_name: Mapped[str] = mapped_column(String(255), default="")  # an invited expert's name
    topic: Mapped[str] = mapped_column(String(255))
    district: Mapped[str | None] = mapped_column(String(10))
    place: Mapped[str] = mapped_column(String(255), default="")
    online_url: Mapped[str | None] = mapped_column(String(500))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    question: Mapped[str] = mapped_column(Text, default="")
    booked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    organisation = relationship("Organisation")
    host = relationship("User", foreign_keys=[host_id])

    @property
    def author_id(self) -> int:
        """The host (the notifications' AUTHOR audience)."""
        return self.host_id
