"""Commissions, their members, impartiality declarations and score cards."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from grants.core.db import Base, IdKey
from grants.core.i18n import _
from grants.core.types import UTCDateTime
from grants.workflows.base import WorkflowMixin

KINDS = ("city", "ngo", "expert")  # city representative, NGO nominee, expert (advisory vote, R-COM-EXPERT)

# KPA art. 24 grounds for excluding an official, as declared by members (R-COM-IMPARTIAL)
GROUNDS = ("own_interest", "family", "household", "representation", "subordination", "earlier_involvement", "other")


COMMISSION_STATES = {
    "forming": _("skład w przygotowaniu"),
    "declarations": _("oświadczenia o bezstronności"),
    "scoring": _("ocena ofert"),
    "closed": _("ocena zamknięta"),
    "approved": _("protokół zatwierdzony"),
}


class Commission(WorkflowMixin, Base, states=COMMISSION_STATES):
    __tablename__ = "commissions"

    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id"), unique=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    without_ngo_reason: Mapped[str | None] = mapped_column(String(40))
    close_reason: Mapped[str | None] = mapped_column(Text)
    protocol: Mapped[dict | None] = mapped_column(JSON)
    protocol_hash: Mapped[str | None] = mapped_column(String(64))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    contest = relationship("Contest")
    members: Mapped[list["CommissionMember"]] = relationship(back_populates="commission", cascade="all, delete-orphan",
                                                              order_by="CommissionMember.id")

    def member_for(self, user) -> "CommissionMember | None":
        uid = getattr(user, "id", None)
        return next((m for m in self.members if m.user_id == uid), None)


class CommissionMember(IdKey, Base):
    __tablename__ = "commission_members"
    __table_args__ = (
        UniqueConstraint("commission_id", "user_id", name="commission_user"),
        CheckConstraint("kind IN ('city', 'ngo', 'expert')", name="kind_valid"),
    )

    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    nominating_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    is_chair: Mapped[bool] = mapped_column(Boolean, default=False)
    excluded_reason: Mapped[str | None] = mapped_column(Text)  # R-COM-NGO: excluded from the whole commission
    declined: Mapped[bool] = mapped_column(Boolean, default=False)

    commission: Mapped[Commission] = relationship(back_populates="members")
    user = relationship("User")
    nominating_organisation = relationship("Organisation")

    @property
    def active(self) -> bool:
        return not self.excluded_reason and not self.declined

    @property
    def voting(self) -> bool:
        """Experts have an advisory vote: shown, not counted (R-COM-EXPERT)."""
        return self.active and self.kind in ("city", "ngo")


class Declaration(IdKey, Base):
    """A member's impartiality declaration towards one organisation taking part (R-COM-IMPARTIAL)."""

    __tablename__ = "declarations"
    __table_args__ = (UniqueConstraint("member_id", "organisation_id", name="member_org"),)

    member_id: Mapped[int] = mapped_column(ForeignKey("commission_members.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    conflict: Mapped[bool] = mapped_column(Boolean)
    grounds: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CardColumns(IdKey):
    """A score card's columns, for every kind of submission (reviewers.submissions): one member's
    score and justification per criterion (R-SCORE), a draft until submitted, then final. The
    submission's own column (offer_id, concept_id) is the card class's."""

    scores: Mapped[dict] = mapped_column(JSON, default=dict)  # criterion code -> "7.5"
    justifications: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(10), default="draft")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    @declared_attr
    def commission_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("commissions.id", ondelete="CASCADE"), index=True)

    @declared_attr
    def member_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("commission_members.id", ondelete="CASCADE"), index=True)

    @declared_attr
    def member(cls):
        return relationship("CommissionMember")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}

    @staticmethod
    def constraints(subject: str) -> tuple:
        return (UniqueConstraint("member_id", f"{subject}_id", name=f"member_{subject}"),
                CheckConstraint("state IN ('draft', 'submitted')", name="state_valid"))


class ScoreCard(CardColumns, Base):
    """One member's scores for one offer (R-SCORE)."""

    __tablename__ = "score_cards"
    __table_args__ = CardColumns.constraints("offer")

    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"), index=True)
