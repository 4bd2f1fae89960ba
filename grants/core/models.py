"""Kernel tables: key/value settings (the clock offset lives here) and the tables' change generations."""
from __future__ import annotations

from sqlalchemy import BigInteger, String, Text, select
from sqlalchemy.orm import Session
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base


class AppSetting(Base):
    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class RowGeneration(Base):
    """How many write statements a table has seen: moved by triggers (migration 0025) in the writing
    transaction, so a reader sees a new generation together with the rows it describes. One
    index lookup tells a public page's cache whether any row changed, however large the table."""
    __tablename__ = "row_generations"

    name: Mapped[str] = mapped_column(String(63), primary_key=True)
    generation: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


#: the tables whose every change moves their generation (public pages' validators read them)
GENERATION_TABLES = ("contests", "consultations", "small_grants", "education_events", "departments", "grantors")


def generations(session: Session, *tables: str) -> str:
    """The tables' generations, in the order asked: one statement."""
    found = dict(session.execute(select(RowGeneration.name, RowGeneration.generation)
                                 .where(RowGeneration.name.in_(tables))).all())
    return ".".join(str(found.get(t, 0)) for t in tables)
