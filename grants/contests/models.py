"""A contest: its announcement (R-ANN-CONTENT), parameters (R-ANN-PARAMS) and call type."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import Base
from grants.core.i18n import _
from grants.core.permissions import grantor_column_is
from grants.core.types import Money, Percent, UTCDateTime
from grants.registry.models import Department, Grantor
from grants.workflows.base import WorkflowMixin


CONTEST_STATES = {
    "planned": _("planowany"),
    "draft": _("w przygotowaniu"),
    "published": _("ogłoszony"),
    "closed": _("nabór zamknięty"),
    "formal_review": _("ocena formalna"),
    "evaluation": _("ocena merytoryczna"),
    "decided": _("rozstrzygnięty"),
    "concluded": _("zakończony"),
    "cancelled": _("unieważniony"),
}


class Contest(WorkflowMixin, Base, states=CONTEST_STATES,
              constraints=(CheckConstraint("form IN ('support', 'entrustment')", name="form_valid"),
                           # the public list's order, walked by key (grants.core.keyset, issue 20)
                           Index("ix_contests_deadline_id", "deadline", "id"),
                           # open calls, nearest deadline first (the homes' section, the portals)
                           Index("ix_contests_state_deadline", "state", "deadline", "id"),
                           # the calendar's next planned announcements and results days (issue 20)
                           Index("ix_contests_planned_announcement_id", "planned_announcement", "id"),
                           Index("ix_contests_decision_by_id", "decision_by", "id"))):
    __tablename__ = "contests"

    grantor_id: Mapped[int] = mapped_column(ForeignKey("grantors.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    call_type: Mapped[str] = mapped_column(String(40), default="standard")
    call_params: Mapped[dict] = mapped_column(JSON, default=dict)
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    # R-ANN-CONTENT
    task_type: Mapped[str] = mapped_column(Text, default="")
    field: Mapped[str | None] = mapped_column(String(40))  # sphere of public benefit
    form: Mapped[str] = mapped_column(String(20), default="support")  # R-ANN-FORM
    budget: Mapped[Decimal | None] = mapped_column(Money())
    grant_rules: Mapped[str] = mapped_column(Text, default="")
    task_conditions: Mapped[str] = mapped_column(Text, default="")
    procedure: Mapped[str] = mapped_column(Text, default="")
    previous_tasks: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_by: Mapped[date | None] = mapped_column(Date)
    planned_announcement: Mapped[date | None] = mapped_column(Date)
    # R-ANN-PARAMS
    min_grant: Mapped[Decimal | None] = mapped_column(Money())
    max_grant: Mapped[Decimal | None] = mapped_column(Money())
    min_own_total_pct: Mapped[Decimal] = mapped_column(Percent(), default=Decimal("0"))
    min_own_financial_pct: Mapped[Decimal] = mapped_column(Percent(), default=Decimal("0"))
    min_own_nonfinancial_pct: Mapped[Decimal] = mapped_column(Percent(), default=Decimal("0"))
    own_tolerance_pp: Mapped[Decimal] = mapped_column(Percent(), default=Decimal("5"))
    max_admin_pct: Mapped[Decimal | None] = mapped_column(Percent())
    shift_pct: Mapped[Decimal] = mapped_column(Percent(), default=Decimal("10"))
    eligible_categories: Mapped[list] = mapped_column(JSON, default=list)
    ineligible_categories: Mapped[list] = mapped_column(JSON, default=list)
    task_start: Mapped[date | None] = mapped_column(Date)
    task_end: Mapped[date | None] = mapped_column(Date)
    formal_checklist: Mapped[list] = mapped_column(JSON, default=list)
    criteria: Mapped[list] = mapped_column(JSON, default=list)
    pass_threshold: Mapped[Decimal | None] = mapped_column(Percent())  # points, two places
    half_points: Mapped[bool] = mapped_column(Boolean, default=False)
    correction_days: Mapped[int] = mapped_column(Integer, default=7)
    tranche_pattern: Mapped[str] = mapped_column(String(200), default="")
    attachments_allowed: Mapped[bool] = mapped_column(Boolean, default=True)
    # lifecycle
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    announcement: Mapped[dict | None] = mapped_column(JSON)  # frozen at publication
    announcement_hash: Mapped[str | None] = mapped_column(String(64))
    results_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cloned_from_id: Mapped[int | None] = mapped_column(ForeignKey("contests.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    department: Mapped[Department | None] = relationship()
    grantor: Mapped[Grantor] = relationship()

    @property
    def is_public(self) -> bool:
        return self.state != "draft"  # planned contests are public: the calendar shows them

    @property
    def accepting_offers(self) -> bool:
        return self.state == "published"


def grantor_contests(user):
    """The ids of the contests of the user's authority, for a `visible()` query (issue 22)."""
    return select(Contest.id).where(grantor_column_is(Contest.grantor_id, user))
