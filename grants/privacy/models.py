"""Requests for deletion of personal data (art. 17 RODO), kept as the record of how each was answered."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import Base, IdKey
from grants.core.types import UTCDateTime

STATES = ("requested", "done", "refused")


class DeletionRequest(IdKey, Base):
    __tablename__ = "deletion_requests"
    __table_args__ = (CheckConstraint("state IN ('requested', 'done', 'refused')", name="state_valid"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="requested")
    reason: Mapped[str] = mapped_column(Text, default="")  # the person's own words, optional
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # what is kept and until when: [{"kind", "id", "label", "until"}] (privacy.retention.kept_documents)
    kept: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")  # the admin's answer (the reason of a refusal)

    user = relationship("User", foreign_keys=[user_id])
