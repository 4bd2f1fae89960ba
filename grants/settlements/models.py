from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import Base, IdKey
from grants.core.i18n import _
from grants.core.types import Money, UTCDateTime
from grants.workflows.base import WorkflowMixin


SETTLEMENT_STATES = {"open": _("otwarte"), "calculated": _("wyliczone"), "awaiting_return": _("oczekuje na zwrot"),
          "returned": _("zwrócone"), "closed": _("zamknięte")}


class Settlement(WorkflowMixin, Base, states=SETTLEMENT_STATES):
    __tablename__ = "settlements"

    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), unique=True)
    findings: Mapped[list] = mapped_column(JSON, default=list)
    lines: Mapped[list] = mapped_column(JSON, default=list)  # the calculation, explained
    obligations: Mapped[list] = mapped_column(JSON, default=list)  # [{kind, amount, due, start, transferred_on}]
    total_to_return: Mapped[Decimal | None] = mapped_column(Money())
    calculated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    agreement = relationship("Agreement")
    payments: Mapped[list["ReturnPayment"]] = relationship(order_by="ReturnPayment.id", cascade="all, delete-orphan")


class ReturnPayment(IdKey, Base):
    """A return booked by finance (R-SET-PARTIAL splits it between principal and interest)."""

    __tablename__ = "return_payments"

    settlement_id: Mapped[int] = mapped_column(ForeignKey("settlements.id", ondelete="CASCADE"), index=True)
    paid_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money())
    reference: Mapped[str] = mapped_column(String(100), default="")
    booked_at: Mapped[datetime] = mapped_column(UTCDateTime())
