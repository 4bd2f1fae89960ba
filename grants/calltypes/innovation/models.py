"""Innovation pilots (S9): stage-1 concepts and their score cards; the pilot agreement's milestones
with go/no-go checkpoints."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import Base, IdKey
from grants.core.i18n import _
from grants.core.types import UTCDateTime
from grants.workflows.base import WorkflowMixin
from reviewers.models import CardColumns


CONCEPT_STATES = {
    "draft": _("szkic"), "submitted": _("złożona"), "shortlisted": _("zakwalifikowana do etapu II"),
    "not_shortlisted": _("niezakwalifikowana"), "withdrawn": _("wycofana"),
}


class Concept(WorkflowMixin, Base, states=CONCEPT_STATES):
    """A concept submitted to a concept call (call type innovation_concept)."""

    __tablename__ = "concepts"

    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(500), default="")
    # problem, novelty, partners [{name, sector, role}], pilot_plan, estimated_budget
    content: Mapped[dict] = mapped_column(JSON, default=dict)
    number: Mapped[str | None] = mapped_column(String(40), unique=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdraw_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    contest = relationship("Contest")
    organisation = relationship("Organisation")

    @property
    def partner_ids(self) -> list[int]:
        """A concept's partners are names, not registered organisations: only its lead declares."""
        return []


class ConceptCard(CardColumns, Base):
    """One commission member's scores for one concept on the pilot criteria (R-SCORE)."""

    __tablename__ = "concept_cards"
    __table_args__ = CardColumns.constraints("concept")

    concept_id: Mapped[int] = mapped_column(ForeignKey("concepts.id", ondelete="CASCADE"), index=True)
    concept = relationship("Concept")


MILESTONE_DECISIONS = ("pending", "go", "no_go")


class Milestone(IdKey, Base):
    """A pilot agreement's milestone: the organisation reports progress, the officer decides go or
    no-go at the checkpoint. A no-go ends the pilot early; it is an outcome, not a misuse."""

    __tablename__ = "milestones"
    __table_args__ = (
        UniqueConstraint("agreement_id", "number", name="milestone_agreement_number"),
        CheckConstraint("decision IN ('pending', 'go', 'no_go')", name="decision_valid"),
    )

    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    success_criteria: Mapped[str] = mapped_column(Text, default="")
    checkpoint_on: Mapped[date] = mapped_column(Date)
    progress: Mapped[str | None] = mapped_column(Text)  # the organisation's account before the checkpoint
    progress_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision: Mapped[str] = mapped_column(String(10), default="pending")
    decision_note: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    agreement = relationship("Agreement")
