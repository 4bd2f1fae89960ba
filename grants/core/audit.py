"""Append-only, hash-chained audit trail (ARCHITECTURE.md "Audit trail").

Each entry's SHA-256 covers its canonical content and the hash of the previous entry of the
same object, so appends contend only where the object's own version lock serialises them.
A checkpoint (seal) hashes the heads of all chains together with the previous seal.

Each chain's head (its newest sequence number and hash) is also kept in `audit_heads`, moved by a
database trigger in the same transaction as each append (migration 0015), so a chain whose newest
entries were deleted behind the application's back no longer reaches its head: `verify` names it
even when no seal has seen those entries yet.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint, event, func, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.elements import BindParameter

from . import canonical, clock
from .context import request_id as _request_id
from .db import Base, IdKey
from .types import UTCDateTime


#: what an entry's hash covers (its own hash and id aside)
CONTENT = ("object_type", "object_id", "seq", "action", "actor_id", "actor_label", "clock_at", "recorded_at",
           "changes", "payload", "request_id", "prev_hash")


class AuditEntry(IdKey, Base):
    __tablename__ = "audit_entries"
    # (type, clock_at): the open-data changes feed finds what was recorded after a moment
    __table_args__ = (UniqueConstraint("object_type", "object_id", "seq", name="object_seq"),
                      Index("ix_audit_entries_type_clock", "object_type", "clock_at"))

    object_type: Mapped[str] = mapped_column(String(50))  # indexed by object_seq's first column
    object_id: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(80))
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_label: Mapped[str] = mapped_column(String(255), default="")
    clock_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    changes: Mapped[str] = mapped_column(Text, default="{}")
    payload: Mapped[str] = mapped_column(Text, default="{}")
    request_id: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    def content(self) -> dict:
        return {k: getattr(self, k) for k in CONTENT}

    def compute_hash(self) -> str:
        return content_hash(self.content())

    @property
    def changes_data(self) -> dict:
        return json.loads(self.changes or "{}")

    @property
    def payload_data(self) -> dict:
        return json.loads(self.payload or "{}")


def content_hash(content: dict) -> str:
    """An entry's hash: SHA-256 of its canonical content (`AuditEntry.content`, the previous hash included)."""
    return hashlib.sha256(canonical.dumps(content).encode()).hexdigest()


class AuditSeal(IdKey, Base):
    __tablename__ = "audit_seals"

    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_entry_id: Mapped[int] = mapped_column(Integer)
    heads: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    @property
    def chains(self) -> int:
        """How many chains the seal covers."""
        return len(json.loads(self.heads))

    def compute_hash(self) -> str:
        body = {"created_at": self.created_at, "last_entry_id": self.last_entry_id,
                "heads": self.heads, "prev_hash": self.prev_hash}
        return hashlib.sha256(canonical.dumps(body).encode()).hexdigest()


class AuditHead(Base):
    """A chain's head: written only by the trigger on inserts into audit_entries (on PostgreSQL a
    SECURITY DEFINER function of the tables' owner; the application's role may only read it)."""
    __tablename__ = "audit_heads"

    object_type: Mapped[str] = mapped_column(String(50), primary_key=True)
    object_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    entry_id: Mapped[int] = mapped_column(Integer)


def _actor_fields(actor) -> tuple[int | None, str]:
    if actor is None:
        return None, "system"
    return getattr(actor, "id", None), getattr(actor, "email", None) or str(actor)


UNKNOWN = object()  # no chain head given: record() reads it
IN_SQL = object()  # the statement inserting the entry reads the head itself (see `_around_head`)
#: what entry_values gives with head=IN_SQL besides columns: the content around prev_hash and seq
HASH_PARTS = ("hash_before", "hash_between", "hash_after")


def head_columns(object_type: str, object_id):
    """The object's chain head (seq, hash) as scalar subqueries, for a caller that reads it in the
    same statement as it locks the object's row (one round trip less per transition)."""
    if not isinstance(object_id, BindParameter):
        object_id = str(object_id)
    where = (AuditHead.object_type == object_type, AuditHead.object_id == object_id)
    return (select(AuditHead.seq).where(*where).scalar_subquery().label("audit_head_seq"),
            select(AuditHead.hash).where(*where).scalar_subquery().label("audit_head_hash"))


def entry_values(session: Session, object_type: str, object_id, action: str, actor=None,
                 changes: dict | None = None, payload: dict | None = None, *, head=UNKNOWN,
                 at: datetime | None = None) -> dict:
    """The next entry of the object's chain as column values (with its hash), the chain's new head
    noted in the session's transaction; the caller inserts it (`record`, or the engine's one
    statement). `at` is the business time of the change when it is not now (a submission counts
    when it was received).

    `head` is the chain's (seq, hash), or (None, None) for no entry yet, when the caller has just
    read it under the object's row lock; IN_SQL when the statement inserting the entry reads it
    (the content then comes in parts, `_around_head`); otherwise it is read here. Entries this
    transaction already appended to the chain take precedence over all three."""
    object_id = str(object_id)
    key = (object_type, object_id)
    written = session.info.get(_HEADS, {})
    content = _content(object_type, object_id, action, actor, changes, payload, at)
    if head is IN_SQL and key not in written:
        return _around_head(content)
    if key in written:
        last_seq, last_hash = written[key]
    elif head is not UNKNOWN:
        last_seq, last_hash = head
    else:
        row = session.execute(
            select(AuditHead.seq, AuditHead.hash)
            .where(AuditHead.object_type == object_type, AuditHead.object_id == object_id)
        ).first()
        last_seq, last_hash = (row.seq, row.hash) if row else (None, None)
    values = {**content, "seq": (last_seq or 0) + 1, "prev_hash": last_hash}
    values["hash"] = content_hash(values)
    note_head(session, object_type, object_id, values["seq"], values["hash"])
    return values


def _content(object_type: str, object_id: str, action: str, actor, changes, payload, at) -> dict:
    """An entry's content but its place in the chain (seq, prev_hash)."""
    actor_id, actor_label = _actor_fields(actor)
    return {"object_type": object_type, "object_id": object_id, "action": action, "actor_id": actor_id,
            "actor_label": actor_label, "clock_at": at or clock.now(), "recorded_at": clock.real_now(),
            "changes": canonical.dumps(changes or {}), "payload": canonical.dumps(payload or {}),
            "request_id": _request_id.get()}


_PREV, _SEQ = '"\ue000prev_hash\ue000"', '"\ue000seq\ue000"'  # placeholders no content holds


def _around_head(content: dict) -> dict:
    """entry_values with head=IN_SQL: the entry's content and, under HASH_PARTS, its canonical JSON
    in three parts around the values of prev_hash and seq; the statement that reads the head hashes
    before || JSON of prev_hash || between || seq || after (grants.workflows.base._head_in_sql)."""
    text = canonical.dumps({**content, "prev_hash": _PREV[1:-1], "seq": _SEQ[1:-1]})
    before, found, rest = text.partition(_PREV)
    between, found_too, after = rest.partition(_SEQ)
    if not (found and found_too):
        raise ValueError("the entry's content does not place prev_hash before seq")
    return {**content, **dict(zip(HASH_PARTS, (before, between, after)))}


def note_head(session: Session, object_type: str, object_id, seq: int, hash_: str) -> None:
    """The chain's head after an entry of this transaction: its next entry follows it."""
    session.info.setdefault(_HEADS, {})[(object_type, str(object_id))] = (seq, hash_)


def record(session: Session, object_type: str, object_id, action: str, actor=None,
           changes: dict | None = None, payload: dict | None = None, *, head=UNKNOWN,
           at: datetime | None = None) -> AuditEntry:
    """Append an entry to the object's chain, in the caller's transaction (see `entry_values`)."""
    entry = AuditEntry(**entry_values(session, object_type, object_id, action, actor, changes, payload,
                                      head=head, at=at))
    session.add(entry)
    return entry


_HEADS = "audit_heads"  # chain heads appended in the session's current transaction


def forget_head(session: Session, object_type: str, object_id) -> None:
    """The next entry of this chain reads its head from the database (one computed here was not written)."""
    session.info.get(_HEADS, {}).pop((object_type, str(object_id)), None)


def lock_object(session: Session, model, object_id) -> None:
    """Appends to an object's chain are serialised by the object's row lock. Code that appends an
    entry without changing the object's row (a support, a comment, a declaration) takes the lock
    here first, or two concurrent appends would both claim the next sequence number."""
    if session.bind.dialect.name == "postgresql":
        session.execute(select(model.id).where(model.id == object_id).with_for_update())


@event.listens_for(Session, "after_transaction_end")
def _forget_heads(session: Session, _transaction) -> None:
    # commit, rollback, close, or a savepoint's end: from here on the database is asked again
    session.info.pop(_HEADS, None)


def history(session: Session, object_type: str, object_id) -> list[AuditEntry]:
    return list(session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == object_type,
                                 AuditEntry.object_id == str(object_id)).order_by(AuditEntry.seq)))


def _heads(session: Session, upto_id: int) -> list[list]:
    last = (select(AuditEntry.object_type, AuditEntry.object_id, func.max(AuditEntry.seq).label("seq"))
            .where(AuditEntry.id <= upto_id).group_by(AuditEntry.object_type, AuditEntry.object_id).subquery())
    rows = session.execute(
        select(AuditEntry.object_type, AuditEntry.object_id, AuditEntry.seq, AuditEntry.hash)
        .join(last, (AuditEntry.object_type == last.c.object_type) & (AuditEntry.object_id == last.c.object_id)
              & (AuditEntry.seq == last.c.seq))
        .order_by(AuditEntry.object_type, AuditEntry.object_id))
    return [[r.object_type, r.object_id, r.seq, r.hash] for r in rows]


def _chain(object_type: str, object_id: str) -> str:
    return f"chain {object_type} {object_id}"


def _missing(first: int, last: int) -> str:
    return f"entry #{first}" if first == last else f"entries #{first}-#{last}"


def head_problems(session: Session, limit: int = 50) -> list[str]:
    """Chains that do not end at their head: newest entries deleted or truncated (the head is
    further than the chain), the newest entry altered, entries without a head or beyond it
    (appended with the head trigger switched off). Each check is one statement, so it reads
    entries and heads from one snapshot (an append commits both together)."""
    problems: list[str] = []
    last = (select(func.max(AuditEntry.seq)).where(AuditEntry.object_type == AuditHead.object_type,
                                                    AuditEntry.object_id == AuditHead.object_id)
            .correlate(AuditHead).scalar_subquery())
    q = (select(AuditHead.object_type, AuditHead.object_id, AuditHead.seq, AuditHead.hash,
                AuditEntry.hash.label("entry_hash"), last.label("last_seq"))
         .outerjoin(AuditEntry, (AuditEntry.object_type == AuditHead.object_type)
                    & (AuditEntry.object_id == AuditHead.object_id) & (AuditEntry.seq == AuditHead.seq))
         .where((AuditEntry.id.is_(None)) | (AuditEntry.hash != AuditHead.hash))
         .order_by(AuditHead.object_type, AuditHead.object_id).limit(limit))
    for r in session.execute(q):
        chain = _chain(r.object_type, r.object_id)
        if r.entry_hash is not None:
            problems.append(f"{chain}: entry #{r.seq} does not match the head's hash")
        elif r.last_seq is None:
            problems.append(f"{chain}: {_missing(1, r.seq)} missing: the head records #{r.seq}, "
                            f"the chain has no entries")
        elif r.last_seq < r.seq:
            problems.append(f"{chain}: {_missing(r.last_seq + 1, r.seq)} missing (deleted or truncated tail): "
                            f"the head records #{r.seq}, the chain ends at #{r.last_seq}")
        else:  # entry #seq gone, later ones present: the walk names the gap too
            problems.append(f"{chain}: entry #{r.seq} recorded by the head is missing")
    tails = (select(AuditEntry.object_type, AuditEntry.object_id, func.max(AuditEntry.seq).label("last_seq"),
                    func.count().label("n"))
             .group_by(AuditEntry.object_type, AuditEntry.object_id).subquery())
    q = (select(tails.c.object_type, tails.c.object_id, tails.c.last_seq, tails.c.n, AuditHead.seq)
         .outerjoin(AuditHead, (AuditHead.object_type == tails.c.object_type)
                    & (AuditHead.object_id == tails.c.object_id))
         .where(AuditHead.seq.is_(None) | (tails.c.last_seq > AuditHead.seq))
         .order_by(tails.c.object_type, tails.c.object_id).limit(limit))
    for r in session.execute(q):
        chain = _chain(r.object_type, r.object_id)
        if r.seq is None:
            problems.append(f"{chain}: no head for its {r.n} entries (up to #{r.last_seq})")
        else:
            problems.append(f"{chain}: {_missing(r.seq + 1, r.last_seq)} beyond the head #{r.seq} "
                            f"(appended without moving the head)")
    return problems[:limit]


class AuditBroken(Exception):
    """The trail does not match its heads: a seal would record the tampered chains."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


_SEAL_LOCK = 0x6772616E7473  # "grants": the advisory lock serialising checkpoints


def checkpoint(session: Session) -> AuditSeal | None:
    """Seal the heads of all chains; nothing new since the last seal → no seal.

    Seals form one chain: concurrent checkpoints (the scheduler and `grants audit seal`) take
    turns on PostgreSQL, so two seals never link to the same predecessor. A chain that does not
    end at its head (a deleted or truncated tail) raises AuditBroken: no seal records it."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SEAL_LOCK})
    last_id = session.scalar(select(func.max(AuditEntry.id)))
    prev = session.scalars(select(AuditSeal).order_by(AuditSeal.id.desc()).limit(1)).first()
    if last_id is None or (prev and prev.last_entry_id >= last_id):
        return None
    problems = head_problems(session)
    if problems:
        raise AuditBroken(problems)
    seal = AuditSeal(created_at=clock.real_now(), last_entry_id=last_id,
                     heads=canonical.dumps(_heads(session, last_id)), prev_hash=prev.hash if prev else None)
    seal.hash = seal.compute_hash()
    session.add(seal)
    return seal


SEALS_ORDER = (AuditSeal.id.desc(),)  # published seals, newest first: the primary key's index, walked by key


def seals_query():
    """The published seals (everyone may read them), for a list in SEALS_ORDER."""
    return select(AuditSeal)


def compare_seals(session: Session, published: list[tuple[int, str]]) -> list[str]:
    """Seals as published earlier (id, hash), e.g. a copy of GET /api/v1/audit/seals kept outside
    the database, against the database's: a rewritten or lost seal is named."""
    ids = [i for i, _h in published]
    stored = {}
    for start in range(0, len(ids), 1000):
        stored.update((r.id, r.hash) for r in session.execute(
            select(AuditSeal.id, AuditSeal.hash).where(AuditSeal.id.in_(ids[start:start + 1000]))))
    problems = []
    for seal_id, h in published:
        if seal_id not in stored:
            problems.append(f"seal {seal_id}: published but missing from the database")
        elif stored[seal_id] != h:
            problems.append(f"seal {seal_id}: the published copy's hash {h} differs from the database's "
                            f"{stored[seal_id]}")
    return problems


@dataclass
class Verification:
    ok: bool
    entries: int
    seals: int
    problem: str = ""  # the problems found, one a line

    @property
    def problems(self) -> list[str]:
        return self.problem.splitlines()


MAX_PROBLEMS = 50


def verify(session: Session) -> Verification:
    """Walk every chain, compare each with its head, walk every seal; report what is broken
    (the first broken link of each chain, chains not ending at their head, the first broken seal)."""
    problems: list[str] = []
    count = 0
    prev_key, prev_seq, prev_hash, broken = None, 0, None, False
    # only the entries a seal names are kept for the seals' check (all 5,000,000 of a national set
    # held 3.6 GB)
    seals = [(s, [tuple(h) for h in json.loads(s.heads)]) for s in session.scalars(select(AuditSeal).order_by(AuditSeal.id))]
    named = {(t, i, n) for _s, heads in seals for t, i, n, _h in heads}
    hashes: dict[tuple[str, str, int], str] = {}
    # plain rows, not objects: the walk of a national set's 5,000,000 entries is mostly this loop
    t = AuditEntry.__table__
    q = select(t.c.id, t.c.hash, *(t.c[k] for k in CONTENT)).order_by(t.c.object_type, t.c.object_id, t.c.seq)
    for e in session.execute(q, execution_options={"yield_per": 5000}).mappings():
        count += 1
        key = (e["object_type"], e["object_id"])
        seq = e["seq"]
        if key != prev_key:
            prev_key, prev_seq, prev_hash, broken = key, 0, None, False
        if (*key, seq) in named:
            hashes[(*key, seq)] = e["hash"]
        problem = None
        if seq != prev_seq + 1:
            problem = "sequence gap after #%s" % prev_seq
        elif e["prev_hash"] != prev_hash:
            problem = "does not link to the previous entry's hash"
        elif content_hash({k: e[k] for k in CONTENT}) != e["hash"]:
            problem = "content does not match its hash"
        if problem and not broken:  # the first broken link of the chain
            problems.append(f"entry {e['id']} ({key[0]} {key[1]} #{seq}): {problem}")
            broken = True
        prev_seq, prev_hash = seq, e["hash"]
    problems.extend(head_problems(session, MAX_PROBLEMS))
    checked = 0
    prev_seal = None
    for s, heads in seals:
        checked += 1
        problem = None
        if s.prev_hash != (prev_seal.hash if prev_seal else None):
            problem = f"seal {s.id}: does not link to the previous seal"
        elif s.compute_hash() != s.hash:
            problem = f"seal {s.id}: content does not match its hash"
        else:
            for object_type, object_id, seq, h in heads:
                if hashes.get((object_type, object_id, seq)) != h:
                    problem = f"seal {s.id}: chain head {object_type} {object_id} #{seq} is missing or altered"
                    break
        if problem:
            problems.append(problem)
            break
        prev_seal = s
    problems = problems[:MAX_PROBLEMS]
    return Verification(not problems, count, checked, "\n".join(problems))
