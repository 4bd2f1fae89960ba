"""The only place that writes issued documents (R-DOC-ISSUED): once per (kind, object, ref), the
PDF stored under its SHA-256 and the hash appended to the object's audit chain in the same
transaction. Asking again returns the document issued first; it is never regenerated."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from grants.core import audit, clock

from .models import IssuedDocument
from .storage import sha256


def find(session: Session, kind: str, object_type: str, object_id, ref: str = "") -> IssuedDocument | None:
    return session.scalar(select(IssuedDocument).where(
        IssuedDocument.kind == kind, IssuedDocument.object_type == object_type,
        IssuedDocument.object_id == str(object_id), IssuedDocument.ref == str(ref)))


def by_hash(session: Session, digest: str) -> IssuedDocument | None:
    return session.scalar(select(IssuedDocument).where(IssuedDocument.sha256 == digest))


def by_subject(session: Session, digest: str) -> list[IssuedDocument]:
    return list(session.scalars(select(IssuedDocument).where(IssuedDocument.subject_hash == digest)
                                .order_by(IssuedDocument.id)))


def of_object(session: Session, object_type: str, object_ids) -> list[IssuedDocument]:
    ids = [str(i) for i in object_ids]
    return list(session.scalars(select(IssuedDocument).where(
        IssuedDocument.object_type == object_type, IssuedDocument.object_id.in_(ids)).order_by(IssuedDocument.id)))


def issue(session: Session, store, *, kind: str, model, object_type: str, object_id, ref: str = "",
          number: str, title: str, make_pdf, subject_hash: str | None = None, actor=None) -> IssuedDocument:
    """Issue the document once. `make_pdf()` is called only when it was not issued yet. Commits."""
    existing = find(session, kind, object_type, object_id, ref)
    if existing is not None:
        return existing
    data = make_pdf()
    key = store.put(data)
    audit.lock_object(session, model, object_id)
    existing = find(session, kind, object_type, object_id, ref)  # issued meanwhile, under the lock
    if existing is not None:
        session.rollback()
        return existing
    digest = sha256(data)
    same = by_hash(session, digest)
    if same is not None:  # the very bytes were issued before (a statement unchanged since): that document stands
        audit.record(session, object_type, object_id, "document_issued", actor,
                     payload={"document_id": same.id, "kind": kind, "ref": str(ref), "number": same.number,
                              "sha256": same.sha256, "size": same.size})
        session.commit()
        return same
    doc = IssuedDocument(kind=kind, object_type=object_type, object_id=str(object_id), ref=str(ref), number=number,
                         title=str(title)[:255], sha256=digest, subject_hash=subject_hash, size=len(data),
                         storage_key=key, issued_at=clock.now())
    session.add(doc)
    session.flush()
    audit.record(session, object_type, object_id, "document_issued", actor,
                 payload={"document_id": doc.id, "kind": kind, "ref": str(ref), "number": number,
                          "sha256": doc.sha256, "size": doc.size})
    try:
        session.commit()
    except IntegrityError:  # SQLite, a concurrent issue: the first one stands
        session.rollback()
        return find(session, kind, object_type, object_id, ref)
    return doc
