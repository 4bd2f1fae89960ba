from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import Base, IdKey
from grants.core.i18n import _
from grants.core.types import Money, Percent, UTCDateTime
from grants.workflows.base import WorkflowMixin


AGREEMENT_STATES = {
    "draft": _("projekt"), "signed": _("podpisana"), "in_progress": _("w realizacji"),
    "reporting": _("sprawozdawczość"), "settling": _("rozliczenie"), "closed": _("zamknięta"),
    "terminated": _("rozwiązana"),
}


class Agreement(WorkflowMixin, Base, states=AGREEMENT_STATES):
    __tablename__ = "agreements"

    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"), unique=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    number: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    grant: Mapped[Decimal] = mapped_column(Money())
    task_start: Mapped[date] = mapped_column(Date)
    task_end: Mapped[date] = mapped_column(Date)
    shift_pct: Mapped[Decimal] = mapped_column(Percent())
    own_tolerance_pp: Mapped[Decimal] = mapped_column(Percent())
    iban: Mapped[str] = mapped_column(String(34), default="")
    final_report_due: Mapped[date] = mapped_column(Date)
    content: Mapped[dict] = mapped_column(JSON)  # the (updated) offer's cost estimate and sources (R-AGR-FROM-OFFER)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    signed_by_organisation_on: Mapped[date | None] = mapped_column(Date)
    signed_by_grantor_on: Mapped[date | None] = mapped_column(Date)
    terminated_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    offer = relationship("Offer")
    contest = relationship("Contest")
    organisation = relationship("Organisation")
    tranches: Mapped[list["Tranche"]] = relationship(back_populates="agreement", order_by="Tranche.number",
                                                     cascade="all, delete-orphan")


TRANCHE_STATES = {"scheduled": _("zaplanowana"), "due": _("do wypłaty"), "paid": _("wypłacona"), "withheld": _("wstrzymana")}


class Tranche(WorkflowMixin, Base, states=TRANCHE_STATES,
              constraints=(UniqueConstraint("agreement_id", "number", name="agreement_number"),)):
    __tablename__ = "tranches"

    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Money())
    due_on: Mapped[date | None] = mapped_column(Date)
    condition: Mapped[str | None] = mapped_column(String(500))
    paid_on: Mapped[date | None] = mapped_column(Date)
    paid_amount: Mapped[Decimal | None] = mapped_column(Money())
    transfer_ref: Mapped[str | None] = mapped_column(String(100))
    withheld_reason: Mapped[str | None] = mapped_column(Text)

    agreement: Mapped[Agreement] = relationship(back_populates="tranches")


class Annex(IdKey, Base):
    """A proposed change to an agreement's dates, cost estimate or tranches (R-AGR-FROM-OFFER): approved
    by the officer it becomes the agreement's next version; the previous one is kept for comparison."""

    __tablename__ = "agreement_annexes"
    __table_args__ = (UniqueConstraint("agreement_id", "number", name="agreement_annex"),
                      CheckConstraint("status IN ('proposed', 'approved', 'rejected')",
                                                               name="status_valid"))

    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="proposed")
    reason: Mapped[str] = mapped_column(Text)
    changes: Mapped[dict] = mapped_column(JSON)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(Text)
