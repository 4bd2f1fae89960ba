"""Issued documents (R-DOC-ISSUED): generated once at a transition, stored, never regenerated."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from grants.core.db import Base, IdKey
from grants.core.types import UTCDateTime


class IssuedDocument(IdKey, Base):
    """One issued PDF. `ref` tells apart documents of the same kind for one object (the offer's
    revision number for a confirmation). `subject_hash` is the hash the document certifies (the
    offer's frozen content for a confirmation), so its QR code can point at it."""

    __tablename__ = "issued_documents"
    __table_args__ = (UniqueConstraint("kind", "object_type", "object_id", "ref", name="issued_document_once"),)

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


class AttachmentRule(IdKey, Base):
    """Per contest: an attachment kind the officer allows or requires, with its size limit."""

    __tablename__ = "attachment_rules"
    __table_args__ = (UniqueConstraint("contest_id", "kind", name="attachment_rule_kind"),)

    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    max_bytes: Mapped[int] = mapped_column(Integer)


class Attachment(IdKey, Base):
    """A file attached to an offer or a report, stored under its SHA-256 (the name is only shown).
    `signature` holds the verification of a signed confirmation (PAdES), when one was made."""

    __tablename__ = "attachments"

    owner_type: Mapped[str] = mapped_column(String(20))  # offer, report
    owner_id: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(30))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(255))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signature: Mapped[dict | None] = mapped_column(JSON)


class DocumentJob(Base):
    """A large PDF made in the background for one person: the page polls its progress and offers
    the download when it is done."""

    __tablename__ = "document_jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="queued")  # queued, running, done, failed
    progress: Mapped[int] = mapped_column(Integer, default=0)
    step: Mapped[str] = mapped_column(String(100), default="")
    storage_key: Mapped[str | None] = mapped_column(String(255))
    sha256: Mapped[str | None] = mapped_column(String(64))
    pages: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
