"""Imports into the one registry (S3): the only place an import changes registry data.

`create` stores the uploaded file as an import run (a department's list first waits for its column
mapping); `run` (the dramatiq job in grants.registry.tasks) reads the rows, decides each one's
outcome against the registry, and — unless it is a dry run — applies them in batches, committing
the progress counters (rows read, matched, new, conflicts, errors) after each batch so the page
shows a progress bar. Outcomes:

- `error`: an invalid identifier, a missing name, an unreadable date...: reported with its row
  number and reason, nothing changed;
- `matched`: same KRS, NIP or REGON (or, for a row without any, a name and address scoring
  matching.STRONG): the row becomes a source of that record, which only gets its blank fields filled;
- `new`: a new record (it needs a KRS or NIP, as one typed by hand);
- `conflict`: identifiers pointing at two records, or a name and address like another record's
  without contradicting identifiers: the pair is queued for officers (merge or "different").

A re-run of the same file finds every source record by its key and changes nothing (idempotent)."""
from __future__ import annotations

import gc
import os
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session

from grants.core import audit, clock
from grants.core.i18n import _
from grants.core.permissions import ADMIN, OFFICER, PermissionDenied, has_role

from . import matching, sources
from .identifiers import IdentifierError, normalise_krs
from .import_models import (DEPARTMENT, KRS, KRS_API, REGON, DuplicateCandidate, OrganisationSource,
                            RegistryImport)
from .krs_api import KrsClient, KrsUnavailable, configured_url
from .models import Department, Organisation

MAX_BYTES = 50 * 1024 * 1024
BATCH = 2500
#: fields an import may fill when the record has them blank
FILLABLE = ("krs", "nip", "regon", "address", "email", "district", "phone")
OUTCOMES = {"error": _("błąd"), "matched": _("dopasowana"), "new": _("nowa"), "conflict": _("konflikt")}


class ImportError_(ValueError):
    pass


def create(session: Session, actor, kind: str, filename: str, content: bytes, *, dry_run: bool = True,
           department_id: int | None = None, mapping: dict | None = None) -> RegistryImport:
    if not has_role(actor, OFFICER, ADMIN):
        raise PermissionDenied()
    if kind not in (KRS, KRS_API, REGON, DEPARTMENT):
        raise ImportError_(str(_("Nieznany rodzaj importu.")))
    if not content:
        raise ImportError_(str(_("Plik jest pusty.")))
    if len(content) > MAX_BYTES:
        raise ImportError_(str(_("Plik jest za duży (do 50 MB).")))
    if kind == KRS_API and not configured_url():
        raise ImportError_(str(_("Pobieranie z API KRS nie jest skonfigurowane (GRANTS_KRS_API_URL).")))
    if kind == DEPARTMENT:
        department_id = department_id or getattr(actor, "department_id", None)
        if department_id is None or session.get(Department, department_id) is None:
            raise ImportError_(str(_("Wybierz wydział, którego to lista.")))
        try:
            header, _rows = sources.table(content, filename)
        except Exception:  # noqa: BLE001 - any unreadable spreadsheet
            raise ImportError_(str(_("Nie udało się odczytać arkusza (CSV albo XLSX)."))) from None
        if not header:
            raise ImportError_(str(_("Arkusz nie ma wiersza nagłówka.")))
    imp = RegistryImport(kind=kind, filename=(filename or "")[:255], content=content, dry_run=dry_run,
                         department_id=department_id if kind == DEPARTMENT else None,
                         mapping=mapping or {}, created_by_id=getattr(actor, "id", None),
                         created_at=clock.real_now(),
                         status="mapping" if kind == DEPARTMENT and not mapping else "queued")
    session.add(imp)
    session.flush()
    return imp


def set_mapping(session: Session, actor, imp: RegistryImport, mapping: dict, dry_run: bool) -> RegistryImport:
    if not has_role(actor, OFFICER, ADMIN):
        raise PermissionDenied()
    header, _rows = sources.table(imp.content, imp.filename)
    clean = {k: v for k, v in mapping.items() if k in sources.MAPPABLE and v in header}
    if "name" not in clean:
        raise ImportError_(str(_("Wskaż kolumnę z nazwą organizacji.")))
    if imp.status not in ("mapping", "done", "failed"):
        raise ImportError_(str(_("Import już trwa.")))
    imp.mapping, imp.dry_run, imp.status = clean, dry_run, "queued"
    return imp


def again(session: Session, actor, imp: RegistryImport, dry_run: bool) -> RegistryImport:
    """The same file once more (after a dry run: for real)."""
    if not has_role(actor, OFFICER, ADMIN):
        raise PermissionDenied()
    if imp.status in ("queued", "running"):
        raise ImportError_(str(_("Import już trwa.")))
    imp.dry_run, imp.status, imp.message = dry_run, "queued", ""
    imp.rows_read = imp.matched = imp.new = imp.conflicts = imp.errors = imp.rows_total = 0
    imp.report, imp.finished_at = [], None
    return imp


# --- reading -------------------------------------------------------------------------------------

def _label(session: Session, imp: RegistryImport) -> str:
    if imp.kind == DEPARTMENT:
        dept = session.get(Department, imp.department_id)
        return dept.code if dept else "?"
    return "REGON" if imp.kind == REGON else "KRS"


def read_rows(imp: RegistryImport, client: KrsClient | None = None) -> list[sources.SourceRow]:
    if imp.kind == KRS:
        return list(sources.read_krs(imp.content, imp.filename))
    if imp.kind == REGON:
        return list(sources.read_regon(imp.content, imp.filename))
    if imp.kind == DEPARTMENT:
        rows = list(sources.read_department(imp.content, imp.filename, imp.mapping, ""))
        for row in rows:
            email = row.values.get("email")
            if row.error is None and email:
                try:
                    row.values["email"] = validate_email(email, check_deliverability=False).normalized
                except EmailNotValidError:
                    row.error = str(_("Nieprawidłowy adres e-mail: %(value)s", value=email))
        return rows
    client = client or KrsClient(configured_url())
    rows = []
    numbers = [n.strip() for n in imp.content.decode("utf-8", errors="replace").replace(",", "\n").splitlines()]
    for i, raw in enumerate((n for n in numbers if n), start=1):
        try:
            krs = normalise_krs(raw)
        except IdentifierError as e:
            rows.append(sources.SourceRow(i, key=raw, error=str(e.message)))
            continue
        try:
            doc = client.extract(krs)
        except KrsUnavailable as e:
            rows.append(sources.SourceRow(i, key=krs, error=str(_("API KRS nie odpowiada (%(error)s).", error=str(e)))))
            continue
        if doc is None:
            rows.append(sources.SourceRow(i, key=krs, error=str(_("Nie ma w KRS podmiotu o numerze %(krs)s.", krs=krs))))
            continue
        rows.append(sources.krs_row(i, doc))
    return rows


# --- deciding ------------------------------------------------------------------------------------

@dataclass
class Registry:
    """What the decisions need to know of the registry, loaded once with a few queries."""
    by_id: dict = field(default_factory=lambda: defaultdict(dict))  # "krs"/"nip"/"regon" → value → org id
    info: dict = field(default_factory=dict)  # org id → (name, address, krs, nip, regon)
    blocks: dict = field(default_factory=lambda: defaultdict(set))
    # records not yet in `blocks` (org → name): only a row without a KRS searches it, so it is built
    # when the first one comes (a KRS import never needs it)
    unblocked: dict = field(default_factory=dict)
    # the same blocks holding only records without a KRS: a row with a KRS can only be a record
    # without one (two different KRS numbers are two organisations)
    blocks_nokrs: dict = field(default_factory=lambda: defaultdict(set))
    sources: dict = field(default_factory=dict)  # (kind, label, key) → (source id, org id, data)
    pairs: set = field(default_factory=set)

    @classmethod
    def load(cls, session: Session, kind: str, label: str) -> "Registry":
        reg = cls()
        q = select(Organisation.id, Organisation.name, Organisation.address, Organisation.krs, Organisation.nip,
                   Organisation.regon).where(Organisation.merged_into_id.is_(None))
        for oid, name, address, krs, nip, regon in session.execute(q):
            reg.add(oid, name, address, krs, nip, regon)
        q = select(OrganisationSource.id, OrganisationSource.source_key, OrganisationSource.organisation_id,
                   OrganisationSource.data).where(OrganisationSource.kind == kind, OrganisationSource.label == label)
        for sid, key, oid, data in session.execute(q):
            reg.sources[key] = (sid, oid, data)
        reg.pairs = {tuple(p) for p in session.execute(select(DuplicateCandidate.first_id, DuplicateCandidate.second_id))}
        return reg

    def add(self, oid, name, address, krs, nip, regon) -> None:
        self.info[oid] = (name, address or "", krs, nip, regon)
        for k, v in (("krs", krs), ("nip", nip), ("regon", regon)):
            if v:
                self.by_id[k].setdefault(v, oid)
        self.unblocked[oid] = name
        if not krs:
            for key in matching.block_keys(name):
                self.blocks_nokrs[key].add(oid)

    def all_blocks(self) -> dict:
        for oid, name in self.unblocked.items():
            for key in matching.block_keys(name):
                self.blocks[key].add(oid)
        self.unblocked.clear()
        return self.blocks

    def by_identifiers(self, values: dict) -> list:
        found = []
        for k in ("krs", "nip", "regon"):
            oid = self.by_id[k].get(values.get(k)) if values.get(k) else None
            if oid is not None and oid not in found:
                found.append(oid)
        return found

    def similar(self, values: dict) -> list[tuple[int, object]]:
        """(score, org id) of records scoring at least matching.CANDIDATE whose identifiers do not
        contradict the row's (two different KRS numbers are two organisations), best first."""
        seen, out = set(), []
        vk, vn, vr = values.get("krs"), values.get("nip"), values.get("regon")
        name_v, address_v = values.get("name", ""), values.get("address", "")
        info = self.info
        blocks = self.blocks_nokrs if vk else self.all_blocks()
        if not blocks:  # e.g. a row with a KRS while every record has one
            return []
        for key in matching.block_keys(name_v):
            block = blocks.get(key, ())
            if len(block) > matching.MAX_BLOCK:
                continue
            for oid in block:
                if oid in seen:
                    continue
                seen.add(oid)
                name, address, krs, nip, regon = info[oid]
                if (vk and krs and vk != krs) or (vn and nip and vn != nip) or (vr and regon and vr != regon):
                    continue
                s = matching.score(name_v, address_v, name, address, floor=matching.CANDIDATE)
                if s >= matching.CANDIDATE:
                    out.append((s, oid))
        return sorted(out, key=lambda p: (-p[0], str(p[1])))


@dataclass
class Decision:
    row: sources.SourceRow
    outcome: str
    org: object = None  # an org id, or a NewOrg placeholder
    reason: str = ""
    others: list = field(default_factory=list)  # (score, org) queued as candidates with `org`
    source_changed: bool = False


class NewOrg:
    """A record this import creates; its id is known once inserted."""
    __slots__ = ("values", "id")

    def __init__(self, values):
        self.values, self.id = values, None

    def __str__(self):
        return f"new:{self.values.get('krs') or self.values.get('nip')}"


def _source_data(row: sources.SourceRow) -> dict:
    return {k: v for k, v in row.values.items() if v not in (None, "", [])}


def decide(reg: Registry, row: sources.SourceRow) -> Decision:
    if row.error:
        return Decision(row, "error", reason=row.error)
    v = row.values
    known = reg.sources.get(row.key)
    if known is not None:  # this source record was imported before
        sid, oid, data = known
        return Decision(row, "matched", oid, source_changed=data != _source_data(row))
    ids = reg.by_identifiers(v)
    if len(ids) > 1:
        return Decision(row, "conflict", ids[0], str(_("Identyfikatory wskazują różne organizacje w rejestrze.")),
                        others=[(100, o) for o in ids[1:]])
    if ids:
        _name, _address, *known_ids = reg.info[ids[0]]
        if any(v.get(k) and other and v[k] != other for k, other in zip(("krs", "nip", "regon"), known_ids)):
            return Decision(row, "conflict", None, str(_(
                "Identyfikatory sprzeczne z rekordem „%(name)s” (np. ten sam REGON, inny KRS): do wyjaśnienia.",
                name=_name)))
        return Decision(row, "matched", ids[0], source_changed=True)
    similar = reg.similar(v)
    if not (v.get("krs") or v.get("nip")):
        if similar and similar[0][0] >= matching.STRONG:
            return Decision(row, "matched", similar[0][1], source_changed=True)
        if similar:
            name = reg.info[similar[0][1]][0]
            return Decision(row, "conflict", None, str(_(
                "Bez KRS i NIP, podobna do „%(name)s” (%(score)s%%): uzupełnij KRS albo NIP.",
                name=name, score=similar[0][0])))
        return Decision(row, "error", reason=str(_("Brak KRS i NIP, a w rejestrze nie ma takiej organizacji.")))
    new = NewOrg(v)
    reg.add(new, v["name"], v.get("address", ""), v.get("krs"), v.get("nip"), v.get("regon"))
    if similar:
        return Decision(row, "conflict", new, str(_("Nowa, podobna do organizacji już w rejestrze: do przejrzenia.")),
                        others=similar[:3])
    return Decision(row, "new", new)


# --- applying ------------------------------------------------------------------------------------

def _bulk_insert(session: Session, model, rows: list[dict]) -> None:
    """Inserts `rows` (dicts with the same keys, every value given: no Python-side defaults here).
    On PostgreSQL through COPY in the session's transaction: one stream instead of a statement per
    row, which is most of an import's time otherwise; elsewhere an executemany. Values go through the
    columns' own bind processing (JSON, UTC datetimes), as an INSERT's would."""
    if not rows:
        return
    if session.bind.dialect.name != "postgresql":
        session.execute(insert(model), rows)
        return
    dialect, table = session.bind.dialect, model.__table__
    cols = list(rows[0])
    procs = [table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in cols]
    conn = session.connection().connection.driver_connection
    names = ", ".join(dialect.identifier_preparer.quote(c) for c in cols)
    with conn.cursor() as cur, cur.copy(f"COPY {dialect.identifier_preparer.format_table(table)} ({names}) FROM STDIN") as copy:
        for r in rows:
            copy.write_row([r[c] if p is None or r[c] is None else p(r[c]) for c, p in zip(cols, procs)])


def _insert_organisations(session: Session, rows: list[dict]) -> list[int]:
    """Inserts new records, returning their ids in order; without RETURNING, which is several times
    slower on PostgreSQL (insertmanyvalues) than COPY."""
    if session.bind.dialect.name == "postgresql":
        # the ids drawn from the table's sequence in one query, then given to COPY
        ids = list(session.scalars(text("SELECT nextval(pg_get_serial_sequence('organisations', 'id')) "
                                        "FROM generate_series(1, :n)"), {"n": len(rows)}))
        _bulk_insert(session, Organisation, [{"id": i, **r} for i, r in zip(ids, rows)])
        return ids
    # elsewhere an executemany, then the ids by the unique identifiers every new record has (KRS or NIP)
    _bulk_insert(session, Organisation, rows)
    krs_ids = dict(session.execute(select(Organisation.krs, Organisation.id).where(
        Organisation.krs.in_([r["krs"] for r in rows if r["krs"]]))).all()) if any(r["krs"] for r in rows) else {}
    nip_ids = dict(session.execute(select(Organisation.nip, Organisation.id).where(
        Organisation.nip.in_([r["nip"] for r in rows if not r["krs"]]))).all()) if any(not r["krs"] for r in rows) else {}
    return [krs_ids[r["krs"]] if r["krs"] else nip_ids[r["nip"]] for r in rows]


def _org_id(x):
    return x.id if isinstance(x, NewOrg) else x


def _apply(session: Session, imp: RegistryImport, kind: str, label: str, reg: Registry,
           decisions: list[Decision], now) -> list[int]:
    created = [d.org for d in decisions if isinstance(d.org, NewOrg) and d.org.id is None]
    seen, fresh = set(), []
    for n in created:
        if id(n) not in seen:
            seen.add(id(n))
            fresh.append(n)
    if fresh:
        rows = [{"name": n.values["name"], "legal_form": n.values.get("legal_form") or "other",
                 "krs": n.values.get("krs"), "nip": n.values.get("nip"), "regon": n.values.get("regon"),
                 "fields": n.values.get("fields") or [], "district": n.values.get("district"),
                 "address": n.values.get("address") or "", "email": n.values.get("email") or "",
                 "phone": n.values.get("phone") or "", "description": "", "created_at": now} for n in fresh]
        ids = _insert_organisations(session, rows)
        for n, oid in zip(fresh, ids):
            n.id = oid
            name, address, krs, nip, regon = reg.info.pop(n)
            reg.info[oid] = (name, address, krs, nip, regon)
            for k, val in (("krs", krs), ("nip", nip), ("regon", regon)):
                if val and reg.by_id[k].get(val) is n:
                    reg.by_id[k][val] = oid
            indexed = n not in reg.unblocked
            if not indexed:
                reg.unblocked[oid] = reg.unblocked.pop(n)
            if indexed or not krs:
                for key in matching.block_keys(name):
                    for blocks in (reg.blocks, reg.blocks_nokrs):
                        if n in blocks.get(key, ()):
                            blocks[key].discard(n)
                            blocks[key].add(oid)
    new_sources, changed_sources, fills = [], [], {}
    for d in decisions:
        if d.outcome == "error" or d.org is None:
            continue
        oid = _org_id(d.org)
        data = _source_data(d.row)
        known = reg.sources.get(d.row.key)
        if known is None:
            new_sources.append({"organisation_id": oid, "kind": kind, "label": label, "source_key": d.row.key,
                                "as_of": d.row.values.get("as_of"), "data": data, "import_id": imp.id,
                                "updated_at": now})
            reg.sources[d.row.key] = (None, oid, data)
        elif d.source_changed and known[0] is not None:
            changed_sources.append({"sid": known[0], "data": data, "as_of": d.row.values.get("as_of")})
            reg.sources[d.row.key] = (known[0], known[1], data)
        if d.outcome == "matched" and d.source_changed and not isinstance(d.org, NewOrg):
            fills.setdefault(oid, {}).update({k: v for k, v in d.row.values.items() if k in FILLABLE and v})
    _bulk_insert(session, OrganisationSource, new_sources)
    for c in changed_sources:
        session.execute(update(OrganisationSource).where(OrganisationSource.id == c["sid"])
                        .values(data=c["data"], as_of=c["as_of"], import_id=imp.id, updated_at=now))
    if fills:
        for org in session.scalars(select(Organisation).where(Organisation.id.in_(list(fills)))):
            changes = {}
            for k, v in fills[org.id].items():
                if getattr(org, k):
                    continue
                if k in ("krs", "nip", "regon") and reg.by_id[k].get(v) not in (None, org.id):
                    continue  # held by another record: the pair is for officers, not for an import
                changes[k] = [None, v]
                setattr(org, k, v)
                if k in ("krs", "nip", "regon"):
                    reg.by_id[k][v] = org.id
            if changes:
                session.flush()
                audit.record(session, "organisation", org.id, "import_update", None, changes=changes,
                             payload={"import": imp.id})
    pairs = []
    for d in decisions:
        if d.org is None:
            continue
        for s, other in d.others:
            a, b = sorted((_org_id(d.org), _org_id(other)))
            if a != b and (a, b) not in reg.pairs:
                reg.pairs.add((a, b))
                pairs.append({"first_id": a, "second_id": b, "score": s, "reason": d.reason[:255],
                              "status": "open", "created_at": now})
    if pairs:
        session.execute(insert(DuplicateCandidate), pairs)
    return [n.id for n in fresh]


def _report_row(d: Decision) -> list:
    oid = _org_id(d.org) if d.org is not None else None
    return [d.row.number, d.outcome, oid, d.row.values.get("name", ""), d.reason]


@contextmanager
def _collector_paused(pause: bool = True):
    """The cycle collector paused while an import builds its rows, decisions and registry maps:
    hundreds of thousands of long-lived objects it would otherwise scan again and again, finding
    nothing (they are freed by reference counting), a fifth of the import's time. Restored after,
    and left alone if someone else had paused it."""
    paused = pause and gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def run(session: Session, import_id: int, client: KrsClient | None = None, batch: int = BATCH) -> RegistryImport:
    """The job's body: reads, decides and (unless a dry run) applies, committing after each batch."""
    imp = session.get(RegistryImport, import_id)
    if imp is None or imp.status not in ("queued", "running"):
        return imp
    imp.status, imp.message = "running", ""
    session.commit()
    try:
        with _collector_paused(imp.kind != KRS_API):  # not while fetching over HTTP (slow, not busy)
            rows = read_rows(imp, client)
    except Exception as e:  # noqa: BLE001 - an unreadable file is the import's outcome, not a crash
        session.rollback()
        imp.status, imp.message, imp.finished_at = "failed", str(_("Nie udało się odczytać pliku: %(error)s",
                                                                   error=type(e).__name__)), clock.real_now()
        session.commit()
        return imp
    kind = DEPARTMENT if imp.kind == DEPARTMENT else (REGON if imp.kind == REGON else KRS)
    label = _label(session, imp)
    with _collector_paused():
        reg = Registry.load(session, kind, label)
    imp.rows_total = len(rows)
    report, created = [], []
    counts = dict(rows_read=0, matched=0, new=0, conflicts=0, errors=0)
    now = clock.real_now()
    with _collector_paused():
        for start in range(0, len(rows), batch):
            decisions = [decide(reg, r) for r in rows[start:start + batch]]
            if not imp.dry_run:
                created += _apply(session, imp, kind, label, reg, decisions, now)
            for d in decisions:
                counts["rows_read"] += 1
                counts[{"matched": "matched", "new": "new", "conflict": "conflicts", "error": "errors"}[d.outcome]] += 1
                report.append(_report_row(d))
            for k, v in counts.items():
                setattr(imp, k, v)
            session.commit()
    imp.report = report
    imp.status, imp.finished_at = "done", clock.real_now()
    if not imp.dry_run:
        audit.record(session, "registry_import", imp.id, "apply", None,
                     payload={"kind": imp.kind, "file": imp.filename, **counts, "created": created})
    session.commit()
    return imp


def report_rows(imp: RegistryImport) -> list[list]:
    return [[n, str(OUTCOMES.get(o, o)), oid or "", name, reason] for n, o, oid, name, reason in imp.report or []]


def krs_api_enabled() -> bool:
    return bool(os.environ.get("GRANTS_KRS_API_URL"))
