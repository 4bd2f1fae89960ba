"""Issued documents (R-DOC-ISSUED): generated once at a transition, stored, never regenerated."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from grants.core.db import Base
from grants.core.types import UTCDateTime


class IssuedDocument(Base):
    """One issued PDF. `ref` tells apart documents of the same kind for one object (the offer's
    revision number for a confirmation). `subject_hash` is the hash the document certifies (the
    offer's frozen content for a confirmation), so its QR code can point at it."""

    __tablename__ = "issued_documents"
    __table_args__ = (UniqueConstraint("kind", "object_type", "object_id", "ref", name="issued_document_once"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(40))
    ref: Mapped[str] = mapped_column(String(40), default="")
    number: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    subject_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    storage_key: Mapped[str] = mapped_column(String(255))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
