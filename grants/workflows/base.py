"""The workflow engine: workflows declared once as data, bound to SQLAlchemy rows through
`transitions`, performed through one entry point (`apply_transition`).

A declaration lists states, transitions with the roles allowed, an object-level relation check,
guards that return a reason, side effects, and time-driven transitions with their due moment.
The `transitions.Machine` is built once per workflow and its moves read from it once into a
table (`Workflow.moves`): firing a transition looks its destination up (binding the row to the
machine would add trigger methods to the model class namespace).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, ClassVar, Iterable

from pydantic import ValidationError
from sqlalchemy import (CheckConstraint, Integer, String, and_, bindparam, cast, event, func, insert, inspect,
                        literal_column, select, true, update)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Mapped, Session, declared_attr, defer, joinedload, mapped_column
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError
from transitions import Machine

from grants.core import audit, clock, db, outbox, validation_messages
from grants.core.direct import direct, parameters
from grants.core.db import IdKey
from grants.core.errors import nul_fields
from grants.core.i18n import LazyText, _
from grants.core.permissions import has_role
from grants.core.types import UTCDateTime

from .errors import (
    GuardRefused,
    InvalidPayload,
    MalformedPayload,
    TransitionForbidden,
    TransitionNotAvailable,
    UnknownTransition,
    WorkflowError,
    stale,
)

MALFORMED = object()  # a request body that is not JSON: refused only after the checks before it

SYSTEM = "system"  # the actor of time-driven transitions

#: called with (session, workflow, transition, obj, before, ctx) after each performed transition,
#: inside its transaction (e.g. grants.notifications writes who is told); see `on_transition`
_transition_hooks: list[Callable] = []


def on_transition(hook: Callable) -> Callable:
    """Registers a hook run in the transaction of every performed transition (once per hook).

    A hook that reads before it writes may say what it reads: `hook.reads(wf, t, obj, before)` a
    SELECT and its parameters (or None), the SELECT built once and kept (the engine keeps the
    statement it makes of it by identity); on PostgreSQL the engine sends it with the transition's write statement (the
    snapshot from before that statement's own writes: everything flushed earlier is seen) and calls
    the hook with `rows=` its result rows; without `rows` the hook reads for itself."""
    if hook not in _transition_hooks:
        _transition_hooks.append(hook)
    return hook


@dataclass(frozen=True)
class Reason:
    """Why a transition is refused: shown on a greyed-out button and returned by the API."""

    message: LazyText | str
    rule: str | None = None

    @property
    def text(self) -> str:
        msg = str(self.message)
        return f"{self.rule}: {msg}" if self.rule else msg


@dataclass
class Context:
    """What guards and effects receive. `payload` holds the values as the transition's payload model
    validated them (dates as dates, numbers as numbers); `payload_json` the same values in their JSON
    form, which the audit entry keeps (and an effect storing them in a JSON column uses)."""
    session: Session
    actor: Any
    payload: dict
    now: datetime
    changes: dict = field(default_factory=dict)
    payload_json: dict = field(default_factory=dict)
    #: plain rows an effect adds, as (table, column values): inserted with the transition's own
    #: write (on PostgreSQL in its one statement), not through the unit of work; for rows nothing
    #: in the transaction reads back as objects (a frozen revision)
    rows: list = field(default_factory=list)
    #: what a check worked out and an effect of the same transition reads again (a parsed form)
    memo: dict = field(default_factory=dict)


Guard = Callable[[Any, Context], "Reason | None"]
Effect = Callable[[Any, Context], None]


@dataclass(frozen=True)
class Transition:
    name: str
    source: tuple[str, ...]
    dest: str
    label: LazyText
    roles: frozenset[str] = frozenset()
    # object-level: may this actor act on this object? True/False, or a Reason when it refuses
    relation: Callable[[Any, Any], "bool | Reason"] | None = None
    guards: tuple[Guard, ...] = ()
    effects: tuple[Effect, ...] = ()
    payload: type | None = None  # a pydantic model validating the payload
    when: Callable[[Any], datetime | None] | None = None  # time-driven: the moment it becomes due
    rule: str | None = None

    @property
    def automatic(self) -> bool:
        return self.when is not None


def transition(name: str, source: str | Iterable[str], dest: str, label: LazyText, *,
               roles: Iterable[str] = (), **kw) -> Transition:
    src = (source,) if isinstance(source, str) else tuple(source)
    return Transition(name=name, source=src, dest=dest, label=label, roles=frozenset(roles), **kw)


class Workflow:
    def __init__(self, name: str, object_type: str, states: dict[str, LazyText], initial: str,
                 transitions: list[Transition]):
        self.name, self.object_type, self.initial = name, object_type, initial
        self.states = states
        self.transitions = transitions
        self.by_name = {t.name: t for t in transitions}
        unknown = {s for t in transitions for s in (*t.source, t.dest)} - set(states)
        if unknown or initial not in states:
            raise ValueError(f"{name}: undeclared states {unknown or initial}")
        self.machine = Machine(
            model=None, states=list(states), initial=initial, auto_transitions=False,
            model_attribute="state",
            transitions=[{"trigger": t.name, "source": list(t.source), "dest": t.dest} for t in transitions])
        # the machine's moves as a table, read once: its transitions have no conditions or
        # callbacks, so firing one is this lookup (binding a model to the machine on every call,
        # under a lock shared by a process's threads, cost more than the rest of the checks)
        self.moves = {(source, event_name): moves[0].dest
                      for event_name, event in self.machine.events.items()
                      for source, moves in event.transitions.items()}

    def fire(self, state: str, name: str) -> str:
        dest = self.moves.get((state, name))
        if dest is None:
            raise TransitionNotAvailable(name)
        return dest

    def next_check(self, obj) -> datetime | None:
        """The earliest moment a time-driven transition from the current state becomes due."""
        moments = [t.when(obj) for t in self.transitions if t.automatic and obj.state in t.source]
        moments = [m for m in moments if m is not None]
        return min(moments) if moments else None

    def state_label(self, state: str) -> str:
        return str(self.states.get(state, state))

    def check_constraint(self) -> CheckConstraint:
        return state_check(self.states)


def state_check(states: Iterable[str]) -> CheckConstraint:
    """The CHECK constraint of a workflow model's state column: its model declares the states (with
    their labels) and the declaration reuses them, so a model needs no declaration to build its table."""
    return CheckConstraint("state IN (%s)" % ", ".join(f"'{s}'" for s in states), name="state_valid")


class WorkflowMixin(IdKey):
    """Columns every workflow object has. `version` is the optimistic lock counter.

    A model names its states (and any further table constraints) in its class line:
    `class Offer(WorkflowMixin, Base, states=OFFER_STATES, constraints=(...,))`; they become the
    table's `state_valid` CHECK constraint and the rest of `__table_args__`."""

    __workflow__: ClassVar[Workflow]  # set by registry.bind in the workflow's declaration module
    #: relationships (dotted paths) the transitions' checks read, loaded by the engine's locking
    #: re-read in the same statement (each would otherwise be a round trip of its own)
    __lock_loads__: ClassVar[tuple[str, ...]] = ()
    #: True: transitions may first be tried without the row lock (apply_transition), on the row
    #: read plainly or, when the session holds it loaded, as loaded (`_as_loaded`). Only for a
    #: model whose row nobody locks without changing it or appending to its audit chain (the write
    #: then sees every such change); a lock taken only to serialise (a payment's on its agreement,
    #: set_amounts' on the contest, an event's booking) would go unseen
    __plain_read__: ClassVar[bool] = False

    def __init_subclass__(cls, states: Iterable[str] | None = None, constraints: tuple = (), **kw) -> None:
        if states is not None:
            cls.__table_args__ = (state_check(states), *constraints)
        super().__init_subclass__(**kw)

    state: Mapped[str] = mapped_column(String(30), index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}

    @property
    def workflow_id(self) -> str:
        return str(self.id)

    @property
    def state_label(self) -> str:
        return self.__workflow__.state_label(self.state)


def _permission_reason(t: Transition, obj, actor) -> Reason | None:
    if t.automatic:
        return Reason(_("Wykonywane automatycznie przez system w wyznaczonym terminie."))
    if actor is None or not has_role(actor, *t.roles):
        return Reason(_("Twoja rola nie pozwala na tę czynność."))
    if t.relation is not None:
        related = t.relation(obj, actor)
        if isinstance(related, Reason):  # a relation may say why it refuses
            return related
        if not related:
            return Reason(_("Nie możesz wykonać tej czynności na tym obiekcie."))
    return None


def _guard_reason(t: Transition, obj, ctx: Context) -> Reason | None:
    for guard in t.guards:
        reason = guard(obj, ctx)
        if reason is not None:
            return reason
    return None


def may_ever(t: Transition, obj, actor) -> bool:
    """Whether `actor` is someone who performs `t` on `obj` at all (their role, and a relation that
    does not simply say no), whatever the state and guards say now. Pages show only these: others'
    actions are not the reader's business; a relation that gives a reason (a member who is not on
    the board) is shown with that reason."""
    if t.automatic or actor is None or not has_role(actor, *t.roles):
        return False
    if t.relation is not None:
        related = t.relation(obj, actor)
        return isinstance(related, Reason) or bool(related)
    return True


def available_transitions(session: Session, obj, actor) -> list[dict]:
    """For every transition from the current state: name, label, allowed, reason when not, and
    `yours` (grants.workflows.base.may_ever: the actor is one who performs it)."""
    wf: Workflow = obj.__workflow__
    ctx = Context(session=session, actor=actor, payload={}, now=clock.now())
    out = []
    for t in wf.transitions:
        if obj.state not in t.source:
            continue
        reason = _permission_reason(t, obj, actor)
        if reason is None:
            reason = _guard_reason(t, obj, ctx)
        out.append({"name": t.name, "label": t.label, "allowed": reason is None,
                    "reason": reason.text if reason else None, "rule": reason.rule if reason else None,
                    "message": str(reason.message) if reason else None,
                    "automatic": t.automatic, "has_payload": t.payload is not None,
                    "yours": may_ever(t, obj, actor)})
    return out


def _validate_payload(t: Transition, payload) -> tuple[dict, dict]:
    """The payload validated by the transition's model: (typed values, their JSON form)."""
    if payload is MALFORMED:
        raise MalformedPayload(_("Treść żądania nie jest poprawnym JSON-em."))
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        raise InvalidPayload(_("Nieprawidłowe dane czynności."),
                             [{"field": "payload", "message": "must be a JSON object"}])
    nul = [str(k) for k in nul_fields(payload)]
    if nul:  # PostgreSQL refuses NUL in text: a 422 here, not a 500 at the flush
        raise InvalidPayload(_("Nieprawidłowe dane czynności."),
                             [{"field": k, "message": "must not contain the NUL character"} for k in nul])
    if t.payload is None:
        if payload:
            raise InvalidPayload(_("Ta czynność nie przyjmuje danych."),
                                 [{"field": k, "message": "unexpected field"} for k in sorted(payload)])
        return payload, payload
    try:
        validated = t.payload.model_validate(payload)
    except ValidationError as e:
        errors = [{"field": x["field"] or "payload", "message": x["message"]} for x in validation_messages.errors_of(e)]
        raise InvalidPayload(_("Nieprawidłowe dane czynności."), errors) from None
    return validated.model_dump(), validated.model_dump(mode="json")


def _version(value) -> int | None:
    """An If-Match value as a version; anything unreadable matches no version (a 409, not a 500)."""
    try:
        return int(str(value).strip().strip('"'))
    except ValueError:
        return None


#: true while the transaction has written nothing (PostgreSQL assigns a transaction id at its first write)
_CLEAN = func.pg_current_xact_id_if_assigned().is_(None).label("clean")

_LOCK_STATEMENTS: dict[tuple[type, str, bool], Any] = {}


def _lock_statement(model, wf: Workflow, locking: bool = True):
    """Built once per model and mode (building it costs more CPU than running it). Not locking:
    the same row and head read plainly, with whether the transaction has written yet."""
    key = (model, wf.object_type, locking)
    q = _LOCK_STATEMENTS.get(key)
    if q is None:
        pk = bindparam("lock_pk")
        snap = model.__table__.alias("snapshot")  # an alias: not correlated to the locked row
        seen = select(snap.c.version).where(snap.c.id == pk).scalar_subquery().label("seen_version")
        q = (select(model, *audit.head_columns(wf.object_type, bindparam("lock_audit_id")), seen if locking else _CLEAN)
             .where(model.id == pk).execution_options(populate_existing=True)
             .options(*_joined_loads(model)))
        if locking:
            q = q.with_for_update(of=model)
        _LOCK_STATEMENTS[key] = q
    return q


@functools.cache
def _joined_loads(model) -> tuple:
    """The loader options of a model's `__lock_loads__`, built once (building costs more than using)."""
    return tuple(_joined(model, path) for path in getattr(model, "__lock_loads__", ()))


def _joined(model, path: str):
    """joinedload along a dotted path of relationship names ("partners.organisation"), without the
    columns no transition of the model reads of the related rows (`__lock_defers__`: {path: column
    names}): long texts and frozen documents were most of what a submission read and decoded."""
    names = path.split(".")
    option = joinedload(getattr(model, names[0]))
    cls = getattr(model, names[0]).property.mapper.class_
    for name in names[1:]:
        option = option.joinedload(getattr(cls, name))
        cls = getattr(cls, name).property.mapper.class_
    deferred = getattr(model, "__lock_defers__", {}).get(path, ())
    if deferred:
        option = option.options(*(defer(getattr(cls, c)) for c in deferred))
    return option


_CORE_LOCKS: dict[tuple[type, str, bool], tuple] = {}


def _core_lock_statement(model, wf: Workflow, locking: bool = True) -> tuple:
    """The re-read as a Core statement of the row's columns (no ORM loading: a third of the CPU of
    a transition), with the attribute each column fills. Built once per model and mode."""
    key = (model, wf.object_type, locking)
    found = _CORE_LOCKS.get(key)
    if found is None:
        table = model.__table__
        mapper = inspect(model)
        attrs = [(prop.key, prop.columns[0]) for prop in mapper.column_attrs
                 if len(prop.columns) == 1 and prop.columns[0].table is table]
        pk = bindparam("lock_pk")
        snap = table.alias("snapshot")  # an alias: not correlated to the locked row
        seen = select(snap.c.version).where(snap.c.id == pk).scalar_subquery().label("seen_version")
        q = (select(*(c for _k, c in attrs), *audit.head_columns(wf.object_type, bindparam("lock_audit_id")),
                    seen if locking else _CLEAN)
             .where(table.c.id == pk))
        if locking:
            q = q.with_for_update(of=table)
        found = _CORE_LOCKS[key] = (q, tuple(k for k, _c in attrs), tuple(r.key for r in mapper.relationships))
    return found


def _read(session: Session, obj, wf: Workflow, locking: bool):
    """PostgreSQL: re-read the row (the checks see its current values) and the object's audit
    chain head in one round trip; returns (head, clean).

    Locking (`FOR UPDATE`): no one can change the row under the checks. The head is trusted only
    when the row did not change while the statement waited for the lock (the version its own
    snapshot saw equals the one it locked); otherwise audit.record reads it again. An append that
    left the row unchanged is not seen here: `_write` finds it when the entry's seq is taken.

    Not locking: row and head come from one snapshot, and `clean` says whether the transaction
    has written anything yet; the write then proves nothing moved since (see `_write`)."""
    state = inspect(obj)
    pk = state.identity[0]  # (and the chain's id, workflow_id, from it: after a rollback nothing is loaded again)
    if not type(obj).__lock_loads__ and state.session is session and state.persistent:
        q, keys, relationships = _core_lock_statement(type(obj), wf, locking)
        if session.autoflush:  # as the ORM's query would: changes made before are written first
            session.flush()
        rows = direct(q, session.bind.dialect).rows(session, {"lock_pk": pk, "lock_audit_id": str(pk)})
        if not rows:
            session.refresh(obj, with_for_update=True)  # gone: the plain way says so
            return audit.UNKNOWN, False
        row = rows[0]
        # what the ORM's populate_existing does: the row's values as loaded (a pending change to
        # a column is dropped), relationships loaded before read again when asked
        for k, value in zip(keys, row):
            set_committed_value(obj, k, value)
        stale = [k for k in relationships if k in state.dict]
        if stale:
            session.expire(obj, stale)
        seq, hash_, last = row[-3:]
        if not locking:
            return (seq, hash_), last
        return ((seq, hash_) if last == obj.version else audit.UNKNOWN), False
    else:
        row = session.execute(_lock_statement(type(obj), wf, locking),
                              {"lock_pk": pk, "lock_audit_id": str(pk)}).unique().one_or_none()
        if row is None or row[0] is not obj:
            session.refresh(obj, with_for_update=True)  # gone, or not this session's object: the plain way
            return audit.UNKNOWN, False
    if not locking:
        return (row.audit_head_seq, row.audit_head_hash), row.clean
    if row.seen_version != obj.version:
        return audit.UNKNOWN, False
    return (row.audit_head_seq, row.audit_head_hash), False


def _as_loaded(session: Session, obj, wf: Workflow, connection) -> bool:
    """May the plain attempt check the row as the session holds it, without reading it again? When
    all its columns are loaded and nothing of the transaction would be lost by a rollback (no
    change pending, no statement that wrote or locked): the write's version check then proves those
    values current, and reads the chain's head itself (audit.IN_SQL). Relationships loaded before
    are read again when asked, as after `_read`; a model whose checks read relationships
    (`__lock_loads__`) only when `load_for_transition` loaded them in this very transaction."""
    model = type(obj)
    if session.new or session.dirty or session.deleted:
        return False
    state = inspect(obj)
    if state.session is not session or not state.persistent:
        return False
    if model.__lock_loads__:
        loaded_in = session.info.get(_CHECKS_LOADED, {}).get(state.identity_key)
        if loaded_in is None or loaded_in is not session.get_transaction():
            return False
    _q, keys, relationships = _core_lock_statement(model, wf, False)
    loaded = state.dict
    if any(k not in loaded for k in keys):
        return False
    if db.wrote(connection):
        return False
    if not model.__lock_loads__:
        stale = [k for k in relationships if k in loaded]
        if stale:
            session.expire(obj, stale)
    return True


_CHECKS_LOADED = "grants.checks_loaded"  # session.info: identity key -> the transaction it was loaded in


def load_for_transition(session: Session, statement, params: dict | None = None):
    """The object `statement` finds (a SELECT of one workflow model, the caller's visibility
    applied; `params`: values of its named parameters), loaded as the engine's own read would: its
    values as the database now holds them and the relationships its transitions' checks read
    (`__lock_loads__`) in the same statement. A transition on it in this transaction then checks
    it as loaded, without reading it again (`_as_loaded`). None when the statement finds nothing."""
    model = statement.column_descriptions[0]["entity"]
    loads = getattr(model, "__lock_loads__", ())
    q = _loading(model, statement)
    obj = session.scalars(q, params).unique().first()
    if obj is not None and loads:
        session.info.setdefault(_CHECKS_LOADED, {})[inspect(obj).identity_key] = session.get_transaction()
    return obj


_LOADINGS: dict[tuple, tuple] = {}  # (model, the ids of the WHERE's criteria) -> (statement, its loading one)


def _loading(model, statement):
    """`statement` with the loads of `__lock_loads__`, refreshing what the session holds. Building it
    anew for each request, SQLAlchemy then keyed the new statement again, a third of the load's CPU
    (issue 20); a statement equal to one seen before (SQLAlchemy's own comparison, values included;
    quick when `visible()` hands out the same criteria objects, as the offers' does for one caller)
    gets that one's loading statement back. The ids only find the candidate: `compare` decides."""
    criteria = statement.whereclause
    key = (model, tuple(map(id, getattr(criteria, "clauses", (criteria,)))))
    seen = _LOADINGS.get(key)
    if seen is not None and statement.compare(seen[0]):
        return seen[1]
    q = statement.options(*_joined_loads(model)).execution_options(populate_existing=True)
    if len(_LOADINGS) >= 2048:  # statements of callers whose criteria are built per call come and go
        _LOADINGS.clear()
    _LOADINGS[key] = (statement, q)
    return q


@event.listens_for(Session, "after_transaction_end")
def _forget_checks_loaded(session: Session, transaction) -> None:
    if transaction.parent is None:  # the session's transaction (a savepoint's end changes nothing loaded)
        session.info.pop(_CHECKS_LOADED, None)


def _event(wf: Workflow, name: str, obj, before: str, ctx: Context) -> tuple[str, dict]:
    """The outbox event of a performed transition: (topic, payload)."""
    return f"{wf.name}.{name}", {"object_type": wf.object_type, "id": obj.workflow_id, "from": before,
                                 "to": obj.state, "actor_id": getattr(ctx.actor, "id", None)}


_WRITE_STATEMENTS: dict[tuple, Any] = {}


def _head_in_sql(entries, audit_keys: tuple[str, ...], moved):
    """The entry's row for `_write_statement` when the chain's head is read in the statement: after
    the UPDATE has locked the row (`moved`), seq and prev_hash from `audit_heads` and the hash of
    the content `audit.entry_values` split around them (head=IN_SQL)."""
    heads = audit.AuditHead.__table__
    given = parameters(entries, ("object_type", "object_id", *audit_keys), "a__")
    object_type, object_id = given["object_type"], given["object_id"]
    # the constants written into the statement, not bound: each bound value is converted on every call
    seq = func.coalesce(heads.c.seq, literal_column("0")) + literal_column("1")
    quote = literal_column("'\"'", String())
    text_ = (bindparam("a__hash_before", type_=String()) + func.coalesce(quote + heads.c.hash + quote,
                                                                         literal_column("'null'", String()))
             + bindparam("a__hash_between", type_=String()) + cast(seq, String())
             + bindparam("a__hash_after", type_=String()))
    hash_ = func.encode(func.sha256(func.convert_to(text_, literal_column("'UTF8'"))), literal_column("'hex'"),
                        type_=String())
    values = [given[k] for k in audit_keys]
    joined = moved.outerjoin(heads, and_(heads.c.object_type == object_type, heads.c.object_id == object_id))
    return [*audit_keys, "seq", "prev_hash", "hash"], select(*values, seq, heads.c.hash, hash_).select_from(joined)


def _write_statement(table, columns: tuple[str, ...], audit_keys: tuple[str, ...], event_keys: tuple[str, ...],
                     extra: tuple = (), update_first: bool = False, head_in_sql: bool = False):
    """One PostgreSQL statement: the audit entry, the outbox row and the version-checked UPDATE of
    the row's changed `columns` (none: the row is already written), as data-modifying CTEs. The
    entry is inserted only when its seq is still free, and the other two only when it was: a head
    gone stale while waiting for the row lock then changes nothing and is told by `audited` = 0.
    `update_first` (the row not locked before): the UPDATE takes the row's lock first and the entry
    follows only when it matched the version, so the statement never holds a seq while it waits for
    a row lock (another writer holding that lock may be about to take the same seq: a deadlock);
    `audited` = 0 with a `version` then means the chain moved and the transaction must not commit.
    Built once per table and set of columns (building costs more CPU than running it). Parameter
    names carry a "x__" prefix no column has: a parameter named like a column of the updated table
    (the outbox's "event_" + "id" against event_registrations.event_id) would be taken for its value."""
    update_first = update_first and bool(columns)
    head_in_sql = head_in_sql and update_first
    key = (table, columns, audit_keys, event_keys, extra, update_first, head_in_sql)
    q = _WRITE_STATEMENTS.get(key)
    if q is None:
        entries, events = audit.AuditEntry.__table__, outbox.OutboxEvent.__table__

        def moving(*also):  # the version-checked UPDATE of the changed columns
            return (update(table).where(table.c.id == bindparam("r__pk"), table.c.version == bindparam("r__version"),
                                        *also)
                    .values(parameters(table, columns, "r__"))
                    .values(version=bindparam("r__new_version")).returning(table.c.version).cte("moved"))

        if head_in_sql:
            moved = moving()
            entry = (pg_insert(entries).from_select(*_head_in_sql(entries, audit_keys, moved))
                     .on_conflict_do_nothing(constraint="object_seq")
                     .returning(entries.c.object_type, entries.c.seq, entries.c.hash).cte("a__row"))
        elif update_first:
            moved = moving()
            entry = (pg_insert(entries).from_select(
                list(audit_keys), select(*parameters(entries, audit_keys, "a__").values())
                .select_from(moved)).on_conflict_do_nothing(constraint="object_seq")
                .returning(entries.c.object_type).cte("a__row"))
        else:
            entry = (pg_insert(entries).values(parameters(entries, audit_keys, "a__"))
                     .on_conflict_do_nothing(constraint="object_seq").returning(entries.c.object_type).cte("a__row"))
        event = (insert(events).from_select(
            list(event_keys), select(*parameters(events, event_keys, "e__").values())
            .select_from(entry)).returning(events.c.id).cte("e__row"))
        audited = select(func.count()).select_from(entry).scalar_subquery().label("audited")
        # an effect's plain rows (`Context.rows`): inserted only with the entry, like the outbox row
        added = tuple(insert(target).from_select(
            list(keys), select(*parameters(target, keys, f"x{i}__").values()).select_from(entry))
            .returning(target.c[keys[0]]).cte(f"x{i}__row") for i, (target, keys) in enumerate(extra))
        if head_in_sql:
            q = ((audited, select(moved.c.version).scalar_subquery().label("version"),
                  select(entry.c.seq).scalar_subquery().label("seq"), select(entry.c.hash).scalar_subquery().label("hash")),
                 (moved, entry, event, *added))
        elif update_first:
            q = ((audited, select(moved.c.version).scalar_subquery().label("version")), (moved, entry, event, *added))
        elif columns:
            moved = moving(select(entry.c.object_type).exists())
            q = ((audited, select(moved.c.version).scalar_subquery().label("version")), (entry, event, *added, moved))
        else:
            q = ((audited, select(func.count()).select_from(event).scalar_subquery().label("version")),
                 (entry, event, *added))
        q = (select(*q[0]).add_cte(*q[1]), *q)
        _WRITE_STATEMENTS[key] = q
    return q


def _with_reads(written, read):
    """The write statement that also returns a hook's read (see `on_transition`): one row per row
    read (or one with NULLs when it reads none) after the columns `audited` and `version`."""
    q, columns, ctes = written
    if read is None:
        return q
    key = (id(q), id(read))
    kept = _READ_STATEMENTS.get(key)
    if kept is not None and kept[0] is q and kept[1] is read:  # a read built once (same people for every object)
        return kept[2]
    r = read.subquery("hook_rows")
    one = select(literal_column("1").label("one")).subquery("one")
    composed = select(*columns, *r.c).select_from(one.outerjoin(r, true())).add_cte(*ctes)
    if len(_READ_STATEMENTS) > 256:  # reads built per object come and go: keep the cache small
        _READ_STATEMENTS.clear()
    _READ_STATEMENTS[key] = (q, read, composed)
    return composed


_READ_STATEMENTS: dict[tuple[int, int], tuple] = {}


def _pending_columns(session: Session, obj) -> dict[str, str] | None:
    """The row's changed columns (column name: attribute) when the row is all the session has to
    write and only its plain columns changed (the engine then writes it in its own statement);
    None otherwise."""
    state = inspect(obj)
    changed = state.committed_state
    if session.new or session.deleted or any(o is not obj for o in session.dirty):
        return None
    attrs = state.mapper.column_attrs
    if any(k not in attrs or k == "version" or len(attrs[k].columns) != 1 for k in changed):
        return None  # a relationship changed (the unit of work orders that), or the version itself
    return {attrs[k].columns[0].key: k for k in changed}


class _Moved(Exception):
    """The plain (not locking) attempt cannot stand: the row or its audit chain moved, the
    transaction had written before it, a check or effect would write or lock, or a refusal is to
    be given under the lock. The transition is done again under the row lock; `rollback`: the
    attempt's write reached the database and is rolled back (the transaction had written nothing
    else); otherwise nothing reached it and only the attempt's unflushed changes are dropped
    (`_forget_attempt`), so the caller's objects stay as loaded."""

    def __init__(self, rollback: bool = False, forget: bool = True):
        super().__init__()
        self.rollback, self.forget = rollback, forget


def _forget_attempt(session: Session) -> None:
    """Drops what a plain attempt changed in the session and never flushed: objects it added are
    expunged, objects it changed are expired (read again when asked). An object it deleted cannot
    be brought back so cheaply: then the transaction, which has written nothing, is rolled back."""
    if session.deleted:
        session.rollback()
        return
    for o in list(session.new):
        session.expunge(o)
    for o in list(session.dirty):
        session.expire(o)


def _write(session: Session, obj, wf: Workflow, name: str, ctx: Context, changes: dict, data: dict, head,
           now: datetime, before: str, read=None, read_params: dict | None = None, *, locked: bool = True
           ) -> list | None:
    """PostgreSQL: the row's UPDATE (version-checked), its audit entry (chained on the head read
    with the row) and the outbox event in one round trip. When other rows wait to be written
    (an effect's), the unit of work writes them and the row first; the audit and outbox rows then
    follow in one statement. `read`: a hook's SELECT sent with it (its rows are returned).
    Not `locked` (the row and head were read plainly, or the row is checked as loaded and `head` is
    audit.IN_SQL: the statement reads the head once its UPDATE holds the row lock): a version or a
    seq taken since raises `_Moved`."""
    columns = _pending_columns(session, obj)
    connection = session.connection()
    if not locked:
        if columns is None:  # other rows to write: their locks are taken after the row's, under its lock
            raise _Moved(rollback=False)
        connection.info.pop(db.READING_ONLY, None)
    if columns is None:
        session.flush()  # a concurrent change raises StaleDataError here
        columns = {}
    if head is audit.IN_SQL and not columns:  # no UPDATE to take the row lock before the head is read
        raise _Moved(rollback=False)
    event = outbox.event_values(session, *_event(wf, name, obj, before, ctx))
    table = type(obj).__table__
    for _attempt in range(2):
        entry = audit.entry_values(session, wf.object_type, obj.workflow_id, name, ctx.actor, changes=changes,
                                   payload=data, head=head, at=now)
        params = {"a__" + k: v for k, v in entry.items()}
        params.update(("e__" + k, v) for k, v in event.items())
        if columns:
            params.update(("r__" + c, getattr(obj, attr)) for c, attr in columns.items())
            params.update(r__pk=inspect(obj).identity[0], r__version=obj.version, r__new_version=obj.version + 1)
        extra = []
        for i, (target, values) in enumerate(ctx.rows):
            extra.append((target, tuple(values)))
            params.update((f"x{i}__" + k, v) for k, v in values.items())
        if read_params:
            params.update(read_params)  # named "aud__...": no prefix of the write's own
        in_sql = audit.HASH_PARTS[0] in entry  # head=IN_SQL: the statement reads the head and hashes
        written = _write_statement(table, tuple(sorted(columns)), tuple(k for k in entry if k not in audit.HASH_PARTS),
                                   tuple(event), tuple(extra), update_first=not locked, head_in_sql=in_sql)
        result = direct(_with_reads(written, read), session.bind.dialect).rows(session, params, connection)
        audited, version = result[0][:2]
        if not locked and not (audited and (version is not None or not columns)):
            raise _Moved(rollback=True)  # nothing of it may be committed
        if audited:
            if in_sql:
                audit.note_head(session, wf.object_type, obj.workflow_id, *result[0][2:4])
            break
        # Another transaction appended to the chain without changing the row (an issued document, a
        # booked return) while this one waited for the lock: the head read in the lock's snapshot is
        # stale. Nothing was written; the lock is held now, so the head read again is the last one.
        audit.forget_head(session, wf.object_type, obj.workflow_id)
        head = audit.UNKNOWN
    else:
        raise RuntimeError(f"audit chain of {wf.object_type} {obj.workflow_id} moved under the row lock")
    if columns and version is None:
        raise StaleDataError(f"{table.name} {obj.workflow_id}: version {obj.version} changed")
    if columns:  # what the row now holds, as if the unit of work had written it: nothing left to flush
        set_committed_value(obj, "version", obj.version + 1)
        state = inspect(obj)
        state._commit_all(state.dict, session.identity_map)  # only the columns just written had changed
    if ctx.rows:  # a collection of the row loaded before does not have them: read again when asked
        _expire_collections(session, obj, {target for target, _values in ctx.rows})
    if read is not None:
        width = len(written[1])  # the write's own columns come first
        return [tuple(r[width:]) for r in result if any(v is not None for v in r[width:])]
    return None


def _expire_collections(session: Session, obj, tables: set) -> None:
    state = inspect(obj)
    keys = [r.key for r in state.mapper.relationships if r.mapper.local_table in tables and r.key in state.dict]
    if keys:
        session.expire(obj, keys)


def apply_transition(session: Session, obj, name: str, actor, payload: dict | None = None,
                     expected_version: int | None = None, *, commit: bool = True,
                     received_at: datetime | None = None):
    """Performs transition `name` for `actor`: lock or version-check the row, check permission and
    guards, fire the machine, run the side effects, append the audit entry, queue the outbox
    event, commit. Anything failing rolls the whole change back. `received_at` is the business time
    the request arrived (a submission counts when received, not when processed)."""
    pg = session.bind.dialect.name == "postgresql"
    # PostgreSQL: first without the row lock, when nothing of the transaction would be lost by
    # doing it again (it has written nothing yet): the write proves the row and its chain did not
    # move since they were read, and a lock taken and then updated costs the database twice an
    # UPDATE. Otherwise, or when something did move, under the row lock.
    if pg and type(obj).__plain_read__ and not session.in_nested_transaction():
        try:
            return _perform(session, obj, name, actor, payload, expected_version, commit, received_at, plain=True)
        except _Moved as moved:
            transaction = session.get_transaction()
            if moved.rollback or (transaction is not None and not transaction.is_active):
                session.rollback()  # only this attempt's own write (or a flush the attempt refused)
            elif moved.forget:
                _forget_attempt(session)
    return _perform(session, obj, name, actor, payload, expected_version, commit, received_at, plain=False)


def _perform(session: Session, obj, name: str, actor, payload, expected_version, commit: bool,
             received_at: datetime | None, *, plain: bool):
    """apply_transition's work; `plain` (PostgreSQL only): the row read without its lock, and
    `_Moved` raised when the attempt cannot stand (see `_Moved`)."""
    wf: Workflow = obj.__workflow__
    pg = session.bind.dialect.name == "postgresql"
    reading = None
    written = False  # the plain attempt's write was sent: what fails after it is rolled back
    try:
        head = audit.UNKNOWN
        connection = session.connection() if plain else None
        if plain and _as_loaded(session, obj, wf, connection):
            head = audit.IN_SQL
            reading = db.reading_only(connection)  # until the one write (`_write`)
        elif pg:
            head, clean = _read(session, obj, wf, locking=not plain)
            if plain:
                if not clean or db.wrote(connection) or session.new or session.dirty or session.deleted:
                    # the transaction wrote or locked before (an advisory lock assigns no transaction
                    # id: `clean` misses it), or the caller holds changes not yet flushed (under
                    # no_autoflush): the attempt could not be undone without touching them
                    raise _Moved(forget=False)
                reading = db.reading_only(connection)  # until the one write (`_write`)
        t = wf.by_name.get(name)
        if t is None:
            raise UnknownTransition(_("Nieznana czynność: %(name)s.", name=name),
                                    available=[x["name"] for x in available_transitions(session, obj, actor)])
        if obj.state not in t.source:
            raise TransitionNotAvailable(
                _("Czynność „%(name)s” nie jest dostępna w stanie „%(state)s”.", name=name, state=obj.state_label),
                available=[x["name"] for x in available_transitions(session, obj, actor)])
        if actor is not SYSTEM:
            reason = _permission_reason(t, obj, actor)
            if reason is not None:
                raise TransitionForbidden(reason.text)
        if expected_version is not None and _version(expected_version) != obj.version:
            raise stale(obj.version)
        values, data = _validate_payload(t, payload)
        now = received_at or clock.now()
        ctx = Context(session=session, actor=None if actor is SYSTEM else actor, payload=values, now=now,
                      payload_json=data)
        reason = _guard_reason(t, obj, ctx)
        if reason is not None:
            raise GuardRefused(reason)
        before = obj.state
        obj.state = wf.fire(before, name)
        for effect in t.effects:
            effect(obj, ctx)
        obj.next_check_at = wf.next_check(obj)
        changes = {"state": [before, obj.state], **ctx.changes}
        read_by = read_rows = None  # the one hook whose read rides on the write statement
        if pg:
            for hook in _transition_hooks:
                reads = getattr(hook, "reads", None)
                read = reads(wf, t, obj, before) if reads is not None else None
                if read is not None:
                    read_by = hook
                    break
            else:
                read = None
            written = plain
            read_rows = _write(session, obj, wf, name, ctx, changes, data, head, now, before, *(read or (None, {})),
                               locked=not plain)
        else:
            # the version-checked UPDATE now, so that a concurrent change (no row lock here)
            # raises StaleDataError here, not in the caller's later commit
            session.flush()
            for target, values in ctx.rows:
                session.execute(insert(target).values(values))
            if ctx.rows:
                _expire_collections(session, obj, {target for target, _values in ctx.rows})
            audit.record(session, wf.object_type, obj.workflow_id, name, ctx.actor, changes=changes, payload=data,
                         at=now)
            outbox.emit(session, *_event(wf, name, obj, before, ctx))
        for hook in _transition_hooks:
            if hook is read_by:
                hook(session, wf, t, obj, before, ctx, rows=read_rows)
            else:
                hook(session, wf, t, obj, before, ctx)
        if commit:
            session.commit()
        return obj
    except _Moved:
        raise
    except db.WouldWrite:
        # a check or effect that writes or locks runs under the row lock, taken first as always
        # (never before it: the reverse of every locking transition's order, a deadlock)
        raise _Moved from None
    except StaleDataError:
        session.rollback()
        current = session.get(type(obj), obj.id)
        raise stale(current.version if current else 0) from None
    except Exception as e:
        if plain and isinstance(e, WorkflowError):
            # a refusal read from a row that may have moved is given again under the lock (what a
            # locking caller hears: "already paid", not the guard's "over the grant")
            raise _Moved(rollback=written) from None
        session.rollback()
        raise
    finally:
        if reading is not None:
            reading.pop(db.READING_ONLY, None)


def record_change(session: Session, obj, action: str, actor, changes: dict, payload: dict | None = None,
                  at: datetime | None = None) -> None:
    """Audit + outbox for an edit that is not a transition (e.g. PATCH), in the caller's transaction;
    `at` is the business time of the edit when it is not now."""
    wf: Workflow = obj.__workflow__
    audit.record(session, wf.object_type, obj.workflow_id, action, actor, changes=changes, payload=payload, at=at)
    outbox.emit(session, f"{wf.name}.{action}", {"object_type": wf.object_type, "id": obj.workflow_id,
                                                "actor_id": getattr(actor, "id", None)})


def update_fields(session: Session, obj, actor, values: dict, action: str = "update") -> dict:
    """An edit that is not a transition: sets on `obj` those of `values` that differ and, when any
    did, records it (record_change). Returns the changes, {field: [before, after]}."""
    changes = {}
    for k, v in values.items():
        if getattr(obj, k) != v:
            changes[k] = [getattr(obj, k), v]
            setattr(obj, k, v)
    if changes:
        session.flush()
        record_change(session, obj, action, actor, changes)
    return changes
