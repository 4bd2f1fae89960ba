from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import Base
from grants.core.i18n import _
from grants.core.types import UTCDateTime
from grants.workflows.base import WorkflowMixin


REPORT_STATES = {
    "draft": _("szkic"), "submitted": _("złożone"), "under_review": _("w ocenie"),
    "needs_correction": _("do poprawy"), "accepted": _("przyjęte"), "rejected": _("odrzucone"),
}


class Report(WorkflowMixin, Base, states=REPORT_STATES,
             constraints=(CheckConstraint("kind IN ('final', 'partial')", name="kind_valid"),)):
    __tablename__ = "reports"

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
