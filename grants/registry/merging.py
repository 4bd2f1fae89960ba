"""Merging two records of one organisation (S3): every reference moves to the kept record, the
merged one stays as a redirect (`merged_into_id`), and the merge is audited on both chains.

The references are found from the metadata (every foreign key to organisations.id), so a table
added later is moved without anyone remembering it here. A merge is refused while the two have
open offers in one contest (one of them would have to be withdrawn first)."""
from __future__ import annotations

from sqlalchemy import and_, delete, select, update
from sqlalchemy.orm import Session

from grants.core import audit, clock
from grants.core.db import Base
from grants.core.i18n import _
from grants.core.permissions import ADMIN, OFFICER, PermissionDenied, has_role
from grants.offers.models import Offer

from .import_models import DuplicateCandidate
from .models import BOARD, Membership, Organisation
from .operations import EDITABLE, RegistryError, can_edit

#: references that are not the organisation's data: the redirect itself and the review queue
NOT_MOVED = {("organisations", "merged_into_id"), ("duplicate_candidates", "first_id"),
             ("duplicate_candidates", "second_id")}
#: offer states that are over (an offer in one of them does not block a merge)
CLOSED_OFFER_STATES = ("formally_rejected", "not_selected", "declined", "withdrawn")


def references() -> list[tuple[str, str]]:
    """(table, column) of every foreign key pointing at organisations.id, from the metadata."""
    out = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == "organisations" and fk.column.name == "id":
                out.append((table.name, fk.parent.name))
    return sorted(out)


def blocking_contests(session: Session, keep_id: int, gone_id: int) -> list[int]:
    a, b = Offer.__table__.alias("a"), Offer.__table__.alias("b")
    q = (select(a.c.contest_id).distinct()
         .join(b, and_(a.c.contest_id == b.c.contest_id, b.c.organisation_id == gone_id))
         .where(a.c.organisation_id == keep_id, a.c.state.not_in(CLOSED_OFFER_STATES),
                b.c.state.not_in(CLOSED_OFFER_STATES)))
    return list(session.scalars(q))


def merge(session: Session, actor, keep: Organisation, gone: Organisation,
          candidate: DuplicateCandidate | None = None) -> Organisation:
    # a merge moves one record's members onto the other: the staff relation to both, as for editing
    # a record (an officer merges records their department works with, or ones nobody acts for)
    if not has_role(actor, OFFICER, ADMIN) or not (can_edit(session, actor, keep) and can_edit(session, actor, gone)):
        raise PermissionDenied()
    if keep.id == gone.id or keep.merged_into_id or gone.merged_into_id:
        raise RegistryError([{"field": "merge", "message": str(_("Tych rekordów nie można połączyć."))}])
    contests = blocking_contests(session, keep.id, gone.id)
    if contests:
        raise RegistryError([{"field": "merge", "message": str(_(
            "Obie organizacje mają otwarte oferty w tym samym konkursie (nr %(ids)s): najpierw wycofaj jedną.",
            ids=", ".join(map(str, contests))))}])
    audit.lock_object(session, Organisation, keep.id)
    audit.lock_object(session, Organisation, gone.id)
    snapshot = {k: getattr(gone, k) for k in EDITABLE}
    # one membership per person: the gone record's duplicate goes, keeping the stronger role
    for m in session.scalars(select(Membership).where(Membership.organisation_id == gone.id)).all():
        mine = session.scalar(select(Membership).where(Membership.organisation_id == keep.id,
                                                       Membership.user_id == m.user_id))
        if mine is not None:
            if m.role == BOARD:
                mine.role = BOARD
            session.delete(m)
    session.flush()
    moved = {}
    for table_name, column in references():
        if (table_name, column) in NOT_MOVED:
            continue
        table = Base.metadata.tables[table_name]
        n = session.execute(update(table).where(table.c[column] == gone.id).values({column: keep.id})).rowcount
        if n:
            moved[f"{table_name}.{column}"] = n
    # identifiers and blank fields: the kept record gets what only the gone one had
    filled = {}
    unique_ids = {k: getattr(gone, k) for k in ("krs", "nip")}
    gone.krs = gone.nip = None
    session.flush()
    for k in EDITABLE:
        if k in ("name", "legal_form", "description"):
            continue
        value = unique_ids.get(k, getattr(gone, k)) if k in unique_ids else getattr(gone, k)
        if value and not getattr(keep, k):
            setattr(keep, k, value)
            filled[k] = value
        elif k == "fields" and value:
            merged = list(dict.fromkeys((keep.fields or []) + value))
            if merged != keep.fields:
                keep.fields, filled[k] = merged, merged
    gone.merged_into_id = keep.id
    session.flush()
    for c in session.scalars(select(DuplicateCandidate).where(
            (DuplicateCandidate.first_id.in_((keep.id, gone.id))) & (DuplicateCandidate.second_id.in_((keep.id, gone.id))))):
        c.status, c.decided_by_id, c.decided_at = "merged", getattr(actor, "id", None), clock.real_now()
    session.execute(delete(DuplicateCandidate).where(
        DuplicateCandidate.status == "open",
        (DuplicateCandidate.first_id == gone.id) | (DuplicateCandidate.second_id == gone.id)))
    audit.record(session, "organisation", keep.id, "merge_in", actor, changes=filled,
                 payload={"merged": gone.id, "moved": moved})
    audit.record(session, "organisation", gone.id, "merged_into", actor, changes={"merged_into_id": [None, keep.id]},
                 payload={"kept": keep.id, "record": snapshot, "moved": moved})
    return keep


def mark_different(session: Session, actor, candidate: DuplicateCandidate) -> DuplicateCandidate:
    if not has_role(actor, OFFICER, ADMIN):
        raise PermissionDenied()
    if candidate.status != "open":
        raise RegistryError([{"field": "status", "message": str(_("Ta para została już rozpatrzona."))}])
    candidate.status, candidate.decided_by_id, candidate.decided_at = "different", getattr(actor, "id", None), clock.real_now()
    session.flush()
    audit.record(session, "organisation", candidate.first_id, "not_duplicate", actor,
                 payload={"other": candidate.second_id, "score": candidate.score})
    return candidate


def resolve(session: Session, org: Organisation) -> Organisation:
    """The record a merged one redirects to (following a chain of merges)."""
    seen = set()
    while org.merged_into_id and org.id not in seen:
        seen.add(org.id)
        org = session.get(Organisation, org.merged_into_id)
    return org
