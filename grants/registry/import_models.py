"""Where registry records come from (S3): imports of KRS extracts, REGON exports and departments'
lists, each record's sources, and the queue of duplicate candidates officers review."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (JSON, Boolean, CheckConstraint, ForeignKey, Integer, LargeBinary, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column

from grants.core.db import Base, IdKey
from grants.core.types import UTCDateTime

#: kinds of source (and of import)
KRS, KRS_API, REGON, DEPARTMENT = "krs", "krs_api", "regon", "department"
SOURCE_KINDS = (KRS, REGON, DEPARTMENT)
IMPORT_KINDS = (KRS, KRS_API, REGON, DEPARTMENT)
IMPORT_STATUSES = ("mapping", "queued", "running", "done", "failed")
CANDIDATE_STATUSES = ("open", "merged", "different")


class OrganisationSource(IdKey, Base):
    """One source's view of an organisation: a KRS extract (its date), a REGON report, a line of a
    department's list. (kind, label, key) identifies the source record, so a re-run finds it."""

    __tablename__ = "organisation_sources"
    __table_args__ = (UniqueConstraint("kind", "label", "source_key", name="organisation_source_key"),
                      CheckConstraint("kind IN ('krs', 'regon', 'department')", name="organisation_source_kind"))

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    label: Mapped[str] = mapped_column(String(40))  # "KRS", "REGON", a department's code
    source_key: Mapped[str] = mapped_column(String(300))
    as_of: Mapped[str | None] = mapped_column(String(10))  # ISO date of the extract/report
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("registry_imports.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RegistryImport(IdKey, Base):
    """One import run: its file, mapping, progress counters and each row's outcome."""

    __tablename__ = "registry_imports"
    __table_args__ = (CheckConstraint("kind IN ('krs', 'krs_api', 'regon', 'department')", name="registry_import_kind"),
                      CheckConstraint("status IN ('mapping', 'queued', 'running', 'done', 'failed')",
                                      name="registry_import_status"))

    kind: Mapped[str] = mapped_column(String(12))
    filename: Mapped[str] = mapped_column(String(255), default="")
    content: Mapped[bytes] = mapped_column(LargeBinary)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    dry_run: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    matched: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    conflicts: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    report: Mapped[list] = mapped_column(JSON, default=list)
    message: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DuplicateCandidate(IdKey, Base):
    """A pair that may be one organisation; officers merge it or mark it different."""

    __tablename__ = "duplicate_candidates"
    __table_args__ = (UniqueConstraint("first_id", "second_id", name="duplicate_pair"),
                      CheckConstraint("status IN ('open', 'merged', 'different')", name="duplicate_status"))

    first_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    second_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    score: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[str] = mapped_column(String(10), default="open")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
