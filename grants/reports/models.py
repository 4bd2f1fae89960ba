from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import Base
from grants.core.types import UTCDateTime
from grants.workflows.base import WorkflowMixin
from grants.workflows.registry import register
from grants.workflows.report import REPORT


@register
class Report(WorkflowMixin, Base):
    __tablename__ = "reports"
    __workflow__ = REPORT
    __table_args__ = (REPORT.check_constraint(), CheckConstraint("kind IN ('final', 'partial')", name="kind_valid"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    due_on: Mapped[date] = mapped_column(Date)
    demanded_on: Mapped[date | None] = mapped_column(Date)  # partial reports: when the officer asked
    content: Mapped[dict] = mapped_column(JSON, default=dict)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    correction_due: Mapped[date | None] = mapped_column(Date)
    review_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    agreement = relationship("Agreement")
