from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from grants.core.db import Base, IdKey
from grants.core.types import UTCDateTime


class Programme(IdKey, Base):
    __tablename__ = "programmes"
    __table_args__ = (UniqueConstraint("grantor_id", "year", name="grantor_year"),)

    grantor_id: Mapped[int] = mapped_column(ForeignKey("grantors.id"))  # each authority its programme (issue 22)
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(255))
    priorities: Mapped[str] = mapped_column(Text, default="")
    planned_funds: Mapped[dict] = mapped_column(JSON, default=dict)  # field of public benefit -> "amount"
    commission_rules: Mapped[str] = mapped_column(Text, default="")
    adopted_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
