from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import Base
from grants.core.i18n import _
from grants.core.types import Money, UTCDateTime
from grants.workflows.base import WorkflowMixin, state_check


INITIATIVE_STATES = {
    "submitted": _("złożona"), "under_assessment": _("w ocenie"), "expedient": _("celowa"),
    "not_expedient": _("niecelowa"), "withdrawn": _("wycofana"),
}


class Initiative(WorkflowMixin, Base):
    __tablename__ = "initiatives"
    __table_args__ = (state_check(INITIATIVE_STATES),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    grantor_id: Mapped[int] = mapped_column(ForeignKey("grantors.id"), index=True)  # the authority (issue 22)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    field: Mapped[str | None] = mapped_column(String(40))
    estimated_cost: Mapped[Decimal | None] = mapped_column(Money())
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    assessment_due: Mapped[date] = mapped_column(Date)  # R-ART12-MONTH
    assessment_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    planned_contest_id: Mapped[int | None] = mapped_column(ForeignKey("contests.id"))

    organisation = relationship("Organisation")
    planned_contest = relationship("Contest")
