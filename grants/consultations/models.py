from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import Base
from grants.core.i18n import _
from grants.core.types import UTCDateTime
from grants.registry.models import Department
from grants.workflows.base import WorkflowMixin


CONSULTATION_STATES = {
    "draft": _("szkic"),
    "open": _("otwarte"),
    "closed": _("zamknięte"),
    "reported": _("raport opublikowany"),
}


class Consultation(WorkflowMixin, Base, states=CONSULTATION_STATES):
    __tablename__ = "consultations"
    # who locks a consultation's row changes it or appends to its chain (audit.lock_object): the
    # engine's write sees both (grants.workflows.base)
    __plain_read__ = True

    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    grantor_id: Mapped[int] = mapped_column(ForeignKey("grantors.id"), index=True)  # the authority (issue 22)
    fields: Mapped[list] = mapped_column(JSON, default=list)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    report: Mapped[str] = mapped_column(Text, default="")
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    department: Mapped[Department | None] = relationship()

    @property
    def is_public(self) -> bool:
        return self.state != "draft"
