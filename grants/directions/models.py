from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import Base, IdKey
from grants.core.i18n import _
from grants.core.types import Money, UTCDateTime
from grants.workflows.base import WorkflowMixin


DIRECTION_STATES = {
    "draft": _("szkic"), "submitted": _("zgłoszony"), "under_review": _("rozpatrywany"),
    "accepted": _("przyjęty"), "rejected": _("odrzucony"), "merged": _("połączony z innym"),
    "withdrawn": _("wycofany"),
}


class Direction(WorkflowMixin, Base, states=DIRECTION_STATES):
    __tablename__ = "directions"

    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))  # acting for an NGO
    stakeholder_type: Mapped[str] = mapped_column(String(20))  # ngo, business, resident, school, city_unit (S1)
    title: Mapped[str] = mapped_column(String(255))
    problem: Mapped[str] = mapped_column(Text, default="")
    target_group: Mapped[str] = mapped_column(Text, default="")
    proposed_task: Mapped[str] = mapped_column(Text, default="")
    estimated_funds: Mapped[Decimal | None] = mapped_column(Money())
    field: Mapped[str | None] = mapped_column(String(40))
    district: Mapped[str | None] = mapped_column(String(10))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("directions.id"))
    hidden_reason: Mapped[str | None] = mapped_column(Text)  # moderation
    planned_contest_id: Mapped[int | None] = mapped_column(ForeignKey("contests.id"))
    # a successful innovation pilot recommended for scale-up (S9): the pilot's agreement
    scale_up_agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"), unique=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    consultation = relationship("Consultation")
    author = relationship("User")
    organisation = relationship("Organisation")


class DirectionSupport(IdKey, Base):
    """One support per person (S7)."""

    __tablename__ = "direction_supports"
    __table_args__ = (UniqueConstraint("direction_id", "user_id", name="direction_user"),)

    direction_id: Mapped[int] = mapped_column(ForeignKey("directions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DirectionComment(IdKey, Base):
    __tablename__ = "direction_comments"

    direction_id: Mapped[int] = mapped_column(ForeignKey("directions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    user = relationship("User")
