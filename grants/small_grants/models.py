from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import Base, IdKey
from grants.core.i18n import _
from grants.core.types import Money, UTCDateTime
from grants.registry.models import OfferOutsideContest
from grants.workflows.base import WorkflowMixin


SMALL_GRANT_STATES = {
    "submitted": _("złożona"), "published": _("opublikowana (uwagi)"), "comments_closed": _("uwagi zamknięte"),
    "awarded": _("dotacja przyznana"), "refused": _("odmowa"), "withdrawn": _("wycofana"),
}


class SmallGrant(OfferOutsideContest, WorkflowMixin, Base, states=SMALL_GRANT_STATES):
    __tablename__ = "small_grants"

    amount: Mapped[Decimal] = mapped_column(Money())
    task_start: Mapped[date] = mapped_column(Date)
    task_end: Mapped[date] = mapped_column(Date)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    publish_due: Mapped[date] = mapped_column(Date)  # R-19A-PUBLISH: 7 working days from receipt
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    comments_close_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation = relationship("Organisation")

    @property
    def is_public(self) -> bool:
        return self.state in ("published", "comments_closed", "awarded", "refused")


class SmallGrantComment(IdKey, Base):
    """Anyone may comment while the offer is published (R-19A-PUBLISH)."""

    __tablename__ = "small_grant_comments"

    small_grant_id: Mapped[int] = mapped_column(ForeignKey("small_grants.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author_name: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
