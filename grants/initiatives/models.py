from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import Base
from grants.core.i18n import _
from grants.core.types import Money, UTCDateTime
from grants.registry.models import OfferOutsideContest
from grants.workflows.base import WorkflowMixin


INITIATIVE_STATES = {
    "submitted": _("złożona"), "under_assessment": _("w ocenie"), "expedient": _("celowa"),
    "not_expedient": _("niecelowa"), "withdrawn": _("wycofana"),
}


class Initiative(OfferOutsideContest, WorkflowMixin, Base, states=INITIATIVE_STATES):
    __tablename__ = "initiatives"

    estimated_cost: Mapped[Decimal | None] = mapped_column(Money())
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    assessment_due: Mapped[date] = mapped_column(Date)  # R-ART12-MONTH
    assessment_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    planned_contest_id: Mapped[int | None] = mapped_column(ForeignKey("contests.id"))

    organisation = relationship("Organisation")
    planned_contest = relationship("Contest")
