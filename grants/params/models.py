from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from grants.core.db import Base, IdKey


class DatedParameter(IdKey, Base):
    __tablename__ = "dated_parameters"
    __table_args__ = (UniqueConstraint("key", "valid_from", name="key_from"),)

    key: Mapped[str] = mapped_column(String(80), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    value: Mapped[str] = mapped_column(String(200))
