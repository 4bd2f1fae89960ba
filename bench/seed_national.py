"""National-size data (issue 20, issue 22): a PostgreSQL database migrated to head, filled by COPY.

    .venv/bin/python -m bench.seed_national --scale 0.01 [--db grants_national_1] [--server postgresql://postgres@127.0.0.1:5432]

At --scale 1.0: 300 grantors (code, name, TERYT; 3 departments, 6 officers and an admin each),
40,000 organisations (each with a board member), 50,000 contests, 1,000,000 offers with their
revisions, 5,000,000 audit entries; 0.1 and 0.01 build 10 % and 1 % of each (at least 2 grantors).
The database is dropped and created again.

Rows are what the app writes: states and paths from the workflow declarations (an offer in a
decided contest was created, edited, submitted, accepted formally, selected…), offers only in
contests past publication, numbers and receipts as `freeze_submission` makes them, and each
object's audit chain computed here the way `grants.core.audit.entry_values` computes it (canonical
JSON, SHA-256 over the previous hash), its head written to audit_heads: `grants audit verify`
passes on the result. Triggers (foreign keys' and the audit head's) are off during the COPY
(`session_replication_role = replica`, superuser): ids are assigned here, so the references are
valid by construction, and the script checks them with anti-joins at the end.

Every user's password is PASSWORD below; bench/national_reads.py signs in as `officer1@g0001.example`
and `member1@ngo.example`.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import psycopg

from grants.accounts.passwords import hash_password
from grants.calltypes import get as get_call_type
from grants.core import canonical
from grants.core.audit import content_hash
from grants.core.db import Base
from grants.core.types import UTCDateTime, _Hundredths
from grants.demo import _offer_content
from grants import models  # noqa: F401  (every table in Base.metadata)
from grants.registry.authorities import VOIVODESHIPS
from grants.registry.dictionaries import DISTRICTS, FIELDS, LEGAL_FORMS

PASSWORD = "Quiet-Orchard-Lamp-7421"
UTC = timezone.utc
NOW = datetime.now(UTC).replace(microsecond=0)
THIS_YEAR = NOW.year
FULL = {"grantors": 300, "organisations": 40_000, "contests": 50_000, "offers": 1_000_000, "audit": 5_000_000}


def sizes(scale: float) -> dict:
    n = {k: max(1, round(v * scale)) for k, v in FULL.items()}
    n["grantors"] = max(2, n["grantors"])
    n["organisations"] = max(200, n["organisations"])
    return n


# --- COPY text format --------------------------------------------------------------------------

def _esc(s: str) -> str:
    if "\\" in s or "\t" in s or "\n" in s or "\r" in s:
        s = s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return s


def _converter(col):
    t = col.type
    if isinstance(t, _Hundredths):
        return lambda v: str(int(v * 100))
    if isinstance(t, UTCDateTime):
        return lambda v: v.isoformat()
    if t.__class__.__name__ == "JSON":
        return lambda v: _esc(v if isinstance(v, str) else canonical.dumps(v))
    if t.__class__.__name__ == "Boolean":
        return lambda v: "t" if v else "f"
    if t.__class__.__name__ == "Date":
        return lambda v: v.isoformat()
    if t.__class__.__name__ in ("Integer", "BigInteger"):
        return str
    return lambda v: _esc(str(v))


class Copy:
    """One table's COPY: `columns` given per row, the rest of the table's columns with a Python
    default filled from it (what the ORM would insert), the others left to the server."""

    def __init__(self, conn, table: str, columns: list[str], buffer_rows: int = 5000):
        t = Base.metadata.tables[table]
        self.table, self.given = table, list(columns)
        self.defaults = []
        for c in t.columns:
            if c.name in self.given or c.default is None:
                continue
            d = c.default
            value = d.arg if d.is_scalar else d.arg(None) if d.is_callable else None
            if value is not None or d.is_scalar:
                self.defaults.append((c.name, value))
        names = self.given + [n for n, _v in self.defaults]
        conv = {c.name: _converter(c) for c in t.columns}
        self.conv = [conv[n] for n in self.given]
        tail = "".join("\t" + ("\\N" if v is None else conv[n](v)) for n, v in self.defaults)
        self.tail = tail + "\n"
        self.cur = conn.cursor()
        self.cm = self.cur.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN")
        self.copy = self.cm.__enter__()
        self.buf: list[str] = []
        self.rows = 0
        self.buffer_rows = buffer_rows

    def row(self, *values) -> None:
        self.buf.append("\t".join("\\N" if v is None else f(v) for f, v in zip(self.conv, values)) + self.tail)
        self.rows += 1
        if len(self.buf) >= self.buffer_rows:
            self.flush()

    def flush(self) -> None:
        if self.buf:
            self.copy.write("".join(self.buf).encode())
            self.buf = []

    def close(self) -> int:
        self.flush()
        self.cm.__exit__(None, None, None)
        return self.rows


# --- audit chains ------------------------------------------------------------------------------

class Audit:
    """Appends entries to objects' chains as `grants.core.audit.entry_values` does, into one COPY of
    audit_entries; each chain's head goes to audit_heads at the end."""

    COLS = ["id", "object_type", "object_id", "seq", "action", "actor_id", "actor_label", "clock_at",
            "recorded_at", "changes", "payload", "request_id", "prev_hash", "hash"]

    def __init__(self, conn, heads_conn):
        self.copy = Copy(conn, "audit_entries", self.COLS, buffer_rows=20000)
        self.heads = Copy(heads_conn, "audit_heads", ["object_type", "object_id", "seq", "hash", "entry_id"])
        self.next_id = 1

    def chain(self, object_type: str, object_id: int, steps) -> None:
        """`steps`: (action, actor_id, actor_label, at, changes dict) in order."""
        oid = str(object_id)
        prev, seq = None, 0
        for action, actor_id, label, at, changes in steps:
            seq += 1
            ch = canonical.dumps(changes)
            values = {"object_type": object_type, "object_id": oid, "seq": seq, "action": action,
                      "actor_id": actor_id, "actor_label": label, "clock_at": at, "recorded_at": at,
                      "changes": ch, "payload": "{}", "request_id": None, "prev_hash": prev}
            h = content_hash(values)
            self.copy.row(self.next_id, object_type, oid, seq, action, actor_id, label, at, at, ch, "{}", None,
                          prev, h)
            prev = h
            self.next_id += 1
        if seq:
            self.heads.row(object_type, oid, seq, prev, self.next_id - 1)

    def close(self) -> tuple[int, int]:
        return self.copy.close(), self.heads.close()


# --- the data ----------------------------------------------------------------------------------

CONTEST_PATH = ["publish", "close", "start_formal_review", "start_evaluation", "decide", "conclude"]
CONTEST_AFTER = {"publish": "published", "close": "closed", "start_formal_review": "formal_review",
                 "start_evaluation": "evaluation", "decide": "decided", "conclude": "concluded"}
OFFER_PATHS = {  # the transitions (OFFER in grants/workflows/offer.py) that lead from draft to each state
    "draft": [], "submitted": ["submit"], "withdrawn": ["submit", "withdraw"],
    "needs_correction": ["submit", "request_correction"],
    "eligible": ["submit", "accept_formally"], "formally_rejected": ["submit", "reject_formally"],
    "selected": ["submit", "accept_formally", "select"], "not_selected": ["submit", "accept_formally", "not_select"],
    "ready_for_agreement": ["submit", "accept_formally", "select", "confirm"],
    "update_required": ["submit", "accept_formally", "select", "require_update"],
    "declined": ["submit", "accept_formally", "select", "decline"],
}
OFFER_AFTER = {"submit": "submitted", "withdraw": "withdrawn", "request_correction": "needs_correction",
               "resubmit": "submitted", "accept_formally": "eligible", "reject_formally": "formally_rejected",
               "select": "selected", "not_select": "not_selected", "confirm": "ready_for_agreement",
               "require_update": "update_required", "submit_update": "ready_for_agreement", "decline": "declined"}
# which offer states a contest's state allows, with weights
OFFERS_IN = {
    "published": {"draft": 45, "submitted": 50, "withdrawn": 5},
    "closed": {"draft": 10, "submitted": 85, "withdrawn": 5},
    "formal_review": {"submitted": 40, "needs_correction": 20, "eligible": 30, "formally_rejected": 10},
    "evaluation": {"eligible": 85, "formally_rejected": 15},
    "decided": {"selected": 10, "not_selected": 35, "ready_for_agreement": 30, "update_required": 10,
                "formally_rejected": 10, "declined": 5},
    "concluded": {"not_selected": 40, "ready_for_agreement": 45, "formally_rejected": 10, "declined": 5},
    "cancelled": {"draft": 20, "submitted": 70, "withdrawn": 10},
}


def _contest_state(rnd: random.Random, year: int) -> str:
    if year < THIS_YEAR:
        table = {"concluded": 85, "decided": 10, "cancelled": 5}
    elif year == THIS_YEAR:
        table = {"published": 15, "closed": 10, "formal_review": 10, "evaluation": 15, "decided": 40,
                 "concluded": 5, "cancelled": 5}
    else:
        table = {"planned": 30, "draft": 30, "published": 40}
    return rnd.choices(list(table), list(table.values()))[0]


def _nip(rnd: random.Random, used: set) -> str:
    while True:
        d = [rnd.randint(1, 9)] + [rnd.randint(0, 9) for _ in range(8)]
        check = sum(w * x for w, x in zip((6, 5, 7, 2, 3, 4, 5, 6, 7), d)) % 11
        if check < 10:
            s = "".join(map(str, d)) + str(check)
            if s not in used:
                used.add(s)
                return s


def _connect(url: str):
    conn = psycopg.connect(url)
    conn.execute("SET session_replication_role = replica")  # no FK or audit-head triggers while loading
    conn.execute("SET synchronous_commit = off")
    return conn


def _create_database(server: str, name: str) -> str:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{name}"')
    url = f"{server}/{name}"
    env = dict(os.environ, GRANTS_DATABASE_URL=url.replace("postgresql://", "postgresql+psycopg://", 1))
    subprocess.run([str(Path(sys.executable).parent / "grants"), "db", "upgrade"], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    return url


def seed(url: str, scale: float, seed_value: int = 20) -> dict:
    n = sizes(scale)
    rnd = random.Random(seed_value)
    pw = hash_password(PASSWORD)
    fields = list(FIELDS)
    districts = list(DISTRICTS)
    forms = list(LEGAL_FORMS)
    voivs = list(VOIVODESHIPS)
    conns = [_connect(url) for _ in range(6)]
    main = conns[0]
    counts: dict[str, int] = {}
    audit = Audit(conns[1], conns[2])

    # grantors, departments, staff
    grantors = Copy(main, "grantors", ["id", "code", "name", "office_name", "address", "teryt", "colour"])
    g_depts: dict[int, list[int]] = {}
    dept_officers: dict[int, list[int]] = {}
    dept_rows = []
    for g in range(1, n["grantors"] + 1):
        teryt = f"{rnd.choice(voivs)}{rnd.randint(1, 30):02d}{rnd.randint(1, 15):02d}{rnd.choice('123')}"
        grantors.row(g, f"G{g:04d}", f"Gmina nr {g}", f"Urząd Gminy nr {g}", f"ul. Rynek {g}, 00-{g:03d} Gmina",
                     teryt, "#1d4f91")
        g_depts[g] = []
        for d in range(3):
            did = (g - 1) * 3 + d + 1
            g_depts[g].append(did)
            dept_rows.append((did, g, f"G{g:04d}-W{d + 1}", f"Wydział {d + 1} gminy nr {g}",
                              fields[(g + d) % len(fields):(g + d) % len(fields) + 3]))
    counts["grantors"] = grantors.close()
    departments = Copy(main, "departments", ["id", "grantor_id", "code", "name", "fields"])
    for r in dept_rows:
        departments.row(*r)
    counts["departments"] = departments.close()

    users = Copy(main, "users", ["id", "email", "full_name", "password_hash", "active", "department_id",
                                 "grantor_id", "created_at", "email_confirmed_at"])
    roles = Copy(conns[3], "user_roles", ["id", "user_id", "role"])
    uid = 0
    role_id = 0
    emails = {None: "system"}

    def user(email, name, dept, grantor, role):
        nonlocal uid, role_id
        uid += 1
        role_id += 1
        at = NOW - timedelta(days=800)
        users.row(uid, email, name, pw, True, dept, grantor, at, at)
        emails[uid] = email
        roles.row(role_id, uid, role)
        return uid

    for g, depts in g_depts.items():
        user(f"admin@g{g:04d}.example", f"Administrator gminy {g}", None, g, "admin")
        for i, d in enumerate(depts):
            dept_officers[d] = [user(f"officer{2 * i + k + 1}@g{g:04d}.example", f"Urzędnik {2 * i + k + 1} gminy {g}",
                                     d, g, "officer") for k in range(2)]

    # organisations, each with a board member
    orgs = Copy(conns[4], "organisations", ["id", "name", "legal_form", "krs", "nip", "regon", "fields", "district",
                                            "address", "email", "phone", "description", "created_at"])
    members = Copy(conns[5], "memberships", ["id", "user_id", "organisation_id", "function", "role"])
    used_nip: set = set()
    org_member: dict[int, int] = {}
    org_summary: dict[int, str] = {}
    words = ["Stowarzyszenie", "Fundacja", "Towarzystwo", "Klub", "Związek"]
    topics = ["Przyjaciół Dzieci", "Kultury Lokalnej", "Aktywnych Seniorów", "Ekologiczne Zielony Świat",
              "Sportowy Orlik", "Pomocy Sąsiedzkiej", "Historii Regionu", "Żeglarskie Fala", "Muzyczne Forte",
              "Teatralne Kurtyna", "Zdrowia Psychicznego", "Rowerowe Szprycha"]
    for o in range(1, n["organisations"] + 1):
        name = f"{words[o % len(words)]} {topics[(o * 7) % len(topics)]} nr {o}"
        krs, nip = f"{o:010d}", _nip(rnd, used_nip)
        regon = f"{rnd.randint(10**8, 10**9 - 1)}"
        created = NOW - timedelta(days=rnd.randint(400, 3000))
        address = f"ul. Długa {o % 200 + 1}, 30-{o % 1000:03d} Kraków"
        orgs.row(o, name, forms[o % len(forms)], krs, nip, regon, [fields[o % len(fields)]],
                 districts[o % len(districts)], address, f"biuro{o}@ngo.example", "+48 12 000 00 00",
                 "Organizacja pożytku publicznego działająca lokalnie.", created)
        m = user(f"member{o}@ngo.example", f"Członek zarządu {o}", None, None, "applicant")
        members.row(o, m, o, "Prezes", "board")
        org_member[o] = m
        org_summary[o] = canonical.dumps({"address": address, "id": o, "krs": krs, "legal_form": forms[o % len(forms)],
                                          "name": name, "nip": nip, "regon": regon})
        audit.chain("organisation", o, [("create", m, f"member{o}@ngo.example", created,
                                         {"name": name, "krs": krs, "nip": nip})])
    counts["organisations"] = orgs.close()
    counts["memberships"] = members.close()
    counts["users"] = users.close()
    counts["user_roles"] = roles.close()
    for c in conns[3:6]:
        c.commit()

    # contests
    ct = get_call_type("standard")
    criteria = canonical.dumps(ct.default_criteria("support"))
    checklist = canonical.dumps(ct.default_checklist())
    contests = Copy(main, "contests", ["id", "grantor_id", "department_id", "year", "title", "task_type", "field",
                                       "form", "budget", "deadline", "decision_by", "min_grant", "max_grant",
                                       "task_start", "task_end", "criteria", "formal_checklist", "published_at",
                                       "announcement", "announcement_hash", "results_published_at", "cancel_reason",
                                       "cancelled_at", "created_by_id", "created_at", "state", "version",
                                       "next_check_at"])
    contest_info = []  # (id, state, year, deadline, officer, title) of contests that take offers
    years = list(range(THIS_YEAR - 6, THIS_YEAR + 2))
    per_grantor = n["contests"] / n["grantors"]
    for c in range(1, n["contests"] + 1):
        g = min(n["grantors"], int((c - 1) / per_grantor) + 1)
        dept = rnd.choice(g_depts[g])
        officer = dept_officers[dept][c % 2]
        year = rnd.choices(years, [1, 1, 1, 1, 1, 2, 3, 2])[0]
        state = _contest_state(rnd, year)
        field = fields[c % len(fields)]
        title = f"{['Wspieranie', 'Upowszechnianie', 'Ochrona', 'Promocja'][c % 4]}: {FIELDS[field]} w roku {year} (nr {c})"
        created = datetime(year - 1, 10, 1, 9, tzinfo=UTC) + timedelta(minutes=c % 50000)
        if state == "published":
            deadline = NOW + timedelta(days=rnd.randint(3, 60), hours=rnd.randint(0, 23))
        else:
            deadline = datetime(year - 1, 11, 1, 15, tzinfo=UTC) + timedelta(days=rnd.randint(0, 60))
        created = min(created, deadline - timedelta(days=40))
        path = [] if state in ("planned", "draft") else (
            CONTEST_PATH[:CONTEST_PATH.index("close") + rnd.randint(0, 1)] if state == "cancelled"
            else CONTEST_PATH[:CONTEST_PATH.index(next(k for k, v in CONTEST_AFTER.items() if v == state)) + 1])
        published = created + timedelta(days=5) if path else None
        steps = [("create", officer, emails[officer], created, {"title": [None, title]})]
        if state == "draft" and rnd.random() < 0.5:  # planned in the programme first, then prepared
            steps.append(("prepare", officer, emails[officer], created + timedelta(days=1),
                          {"state": ["planned", "draft"]}))
        at, before = published, "draft"
        for i, t in enumerate(path):
            at = published if i == 0 else max(at + timedelta(days=3), deadline if t == "close" else at)
            steps.append((t, officer if t != "close" else None, emails[officer] if t != "close" else "system",
                          at, {"state": [before, CONTEST_AFTER[t]]}))
            before = CONTEST_AFTER[t]
        if state == "cancelled":
            at = at + timedelta(days=2)
            steps.append(("cancel", officer, emails[officer], at, {"state": [before, "cancelled"]}))
        announcement = {"title": title, "year": year, "field": field} if path else None
        decided = state in ("decided", "concluded")
        contests.row(c, g, dept, year, title, f"{title}: realizacja zadania publicznego", field, "support",
                     Decimal(rnd.randint(50, 2000) * 1000), deadline, (deadline + timedelta(days=30)).date(),
                     Decimal("5000"), Decimal("60000"), date(year, 1, 1), date(year, 12, 31), criteria, checklist,
                     published, announcement,
                     hashlib.sha256(canonical.dumps(announcement).encode()).hexdigest() if announcement else None,
                     steps[-1][3] if decided else None, "Brak środków w budżecie." if state == "cancelled" else None,
                     at if state == "cancelled" else None, officer, created, state, len(steps),
                     deadline if state == "published" else None)
        audit.chain("contest", c, steps)
        if state in OFFERS_IN:
            contest_info.append((c, state, year, deadline, officer, title))
    counts["contests"] = contests.close()
    main.commit()

    # offers: spread over the contests that take them; audit entries up to the target by draft edits
    offers = Copy(main, "offers", ["id", "contest_id", "organisation_id", "title", "content", "requested_grant",
                                   "total_cost", "proposed_grant", "awarded_grant", "number", "submitted_at",
                                   "receipt", "revision_count", "formal_checks", "deficiencies", "correction_due_at",
                                   "rejection_reasons", "withdraw_reason", "created_by_id", "created_at",
                                   "updated_at", "state", "version"])
    revisions = Copy(conns[3], "offer_revisions", ["id", "offer_id", "number", "kind", "content", "content_hash",
                                                   "received_at", "created_by_id"])
    grants_ = ["12000.00", "18500.00", "25000.00", "40000.00"]
    templates = {}
    for i, gr in enumerate(grants_):
        tc = SimpleNamespace(year=THIS_YEAR, task_type="Realizacja zadania publicznego")
        to = SimpleNamespace(address="ul. Długa 1, 30-001 Kraków", email="biuro@ngo.example",
                             phone="+48 12 000 00 00", name="Stowarzyszenie Przykładowe", district="1")
        content = _offer_content(tc, to, i, gr)
        total = sum(Decimal(x["unit_cost"]) * Decimal(x["units"]) for x in content["costs"])
        templates[i] = (canonical.dumps(content), content["task"]["title"], Decimal(gr), total)
    per_contest = n["offers"] / max(1, len(contest_info))
    # how many entries the paths give, to spread the rest as draft edits
    rev_id = 0
    offer_id = 0
    lengths = 0
    plan = []
    for idx, info in enumerate(contest_info):
        k = int((idx + 1) * per_contest) - int(idx * per_contest)
        weights = OFFERS_IN[info[1]]
        states = rnd.choices(list(weights), list(weights.values()), k=k)
        corrected = [s in ("eligible", "selected", "not_selected", "ready_for_agreement", "update_required",
                           "declined", "formally_rejected") and rnd.random() < 0.15 for s in states]
        plan.append((info, states, corrected))
        lengths += sum(1 + len(OFFER_PATHS[s]) + (2 if c else 0) for s, c in zip(states, corrected))
    base = audit.next_id - 1 + lengths
    extra = max(0, n["audit"] - base)
    total_offers = sum(len(p[1]) for p in plan)
    for (c, cstate, year, deadline, officer, ctitle), states, corrected in plan:
        for s, corr in zip(states, corrected):
            offer_id += 1
            org = rnd.randint(1, n["organisations"])
            member = org_member[org]
            label = f"member{org}@ngo.example"
            tpl_i = offer_id % len(templates)
            content, title, grant, total = templates[tpl_i]
            horizon = min(deadline, NOW)
            created = horizon - timedelta(days=rnd.randint(5, 30), minutes=rnd.randint(0, 1440))
            submit_at = horizon - timedelta(minutes=rnd.randint(1, 2000))
            edits = extra // total_offers + (1 if offer_id <= extra % total_offers else 0)
            steps = [("create", member, label, created, {"contest_id": c, "organisation_id": org})]
            for e in range(edits):
                steps.append(("update", member, label, created + (submit_at - created) * (e + 1) / (edits + 1),
                              {"content": "task"}))
            at = steps[-1][3]
            path = list(OFFER_PATHS[s])
            if corr:
                path[1:1] = ["request_correction", "resubmit"]
            before = "draft"
            submitted_at = None
            rev_steps = []
            for t in path:
                if t == "submit":
                    at = submitted_at = submit_at
                else:
                    at = at + timedelta(days=rnd.randint(1, 10)) if t not in ("accept_formally", "reject_formally",
                                                                               "request_correction") \
                        else max(at, deadline) + timedelta(days=rnd.randint(1, 5))
                applicant = t in ("submit", "resubmit", "withdraw", "decline", "submit_update")
                who, who_label = (member, label) if applicant else (officer, emails[officer])
                changes = {"state": [before, OFFER_AFTER[t]]}
                if t in ("submit", "resubmit", "submit_update"):
                    rev_steps.append(({"submit": "submission", "resubmit": "correction",
                                       "submit_update": "update"}[t], at))
                steps.append((t, who, who_label, at, changes))
                before = OFFER_AFTER[t]
            number = f"{year}/{c:04d}/{offer_id:05d}" if submitted_at else None
            receipt = None
            frozen_hash = None
            if rev_steps:
                frozen = ('{"applicants":[' + org_summary[org] + '],"content":' + content
                          + ',"contest":{"announcement_sha256":null,"id":' + str(c) + ',"title":'
                          + json.dumps(ctitle, ensure_ascii=False) + "}}")
                frozen_hash = hashlib.sha256(frozen.encode()).hexdigest()
                for r_no, (kind, r_at) in enumerate(rev_steps, 1):
                    rev_id += 1
                    revisions.row(rev_id, offer_id, r_no, kind, frozen, frozen_hash, r_at, member)
                kind, r_at = rev_steps[-1]
                receipt = {"number": number, "revision": len(rev_steps), "kind": kind,
                           "received_at": canonical.jsonable(r_at), "sha256": frozen_hash}
            awarded = grant if s in ("selected", "ready_for_agreement", "declined") else (
                (grant * Decimal("0.8")).quantize(Decimal("0.01")) if s == "update_required" else None)
            offers.row(offer_id, c, org, title, content, grant if submitted_at else None,
                       total if submitted_at else None, awarded, awarded, number, submitted_at, receipt,
                       len(rev_steps), {}, [{"item": "Brak podpisu", "note": ""}] if s == "needs_correction" else None,
                       (at + timedelta(days=7)) if s == "needs_correction" else None,
                       "Oferta niekompletna." if s == "formally_rejected" else None,
                       "Rezygnacja." if s in ("withdrawn", "declined") else None, member, created, at, s, len(steps))
            audit.chain("offer", offer_id, steps)
    counts["offers"] = offers.close()
    counts["offer_revisions"] = revisions.close()
    counts["audit_entries"], counts["audit_heads"] = audit.close()
    for c in conns:
        c.commit()
    for table in ("grantors", "departments", "users", "user_roles", "organisations", "memberships", "contests",
                  "offers", "offer_revisions", "audit_entries"):
        main.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    main.commit()
    for c in conns:
        c.close()
    return counts


ORPHANS = [  # (what, query counting rows whose reference does not exist): all must be 0
    ("departments.grantor_id", "SELECT count(*) FROM departments d WHERE NOT EXISTS (SELECT 1 FROM grantors g WHERE g.id = d.grantor_id)"),
    ("users.department_id", "SELECT count(*) FROM users u WHERE u.department_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM departments d WHERE d.id = u.department_id)"),
    ("memberships.user_id", "SELECT count(*) FROM memberships m WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = m.user_id)"),
    ("contests.department_id", "SELECT count(*) FROM contests c WHERE NOT EXISTS (SELECT 1 FROM departments d WHERE d.id = c.department_id AND d.grantor_id = c.grantor_id)"),
    ("offers.contest_id", "SELECT count(*) FROM offers o WHERE NOT EXISTS (SELECT 1 FROM contests c WHERE c.id = o.contest_id)"),
    ("offers.organisation_id", "SELECT count(*) FROM offers o WHERE NOT EXISTS (SELECT 1 FROM organisations g WHERE g.id = o.organisation_id)"),
    ("offer_revisions.offer_id", "SELECT count(*) FROM offer_revisions r WHERE NOT EXISTS (SELECT 1 FROM offers o WHERE o.id = r.offer_id)"),
    ("audit_heads without entry", "SELECT count(*) FROM audit_heads h WHERE NOT EXISTS (SELECT 1 FROM audit_entries e WHERE e.id = h.entry_id AND e.hash = h.hash)"),
]


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=float, default=0.01)
    p.add_argument("--db", default=None, help="database name (default grants_national_<percent>)")
    p.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    p.add_argument("--no-check", action="store_true", help="skip the foreign-key anti-joins")
    a = p.parse_args(argv)
    name = a.db or f"grants_national_{a.scale * 100:g}".replace(".", "_")
    t0 = time.perf_counter()
    url = _create_database(a.server, name)
    t1 = time.perf_counter()
    counts = seed(url, a.scale)
    t2 = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("VACUUM ANALYZE")
        t3 = time.perf_counter()
        orphans = {} if a.no_check else {what: c.execute(q).fetchone()[0] for what, q in ORPHANS}
    t4 = time.perf_counter()
    print(f"database {name} at scale {a.scale:g}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    print(f"  create+migrate {t1 - t0:.1f} s, generate+COPY {t2 - t1:.1f} s, VACUUM ANALYZE {t3 - t2:.1f} s, "
          f"reference checks {t4 - t3:.1f} s, total {t4 - t0:.1f} s")
    if orphans:
        bad = {k: v for k, v in orphans.items() if v}
        print("  references: " + ("all valid" if not bad else f"BROKEN {bad}"))
        if bad:
            sys.exit(1)


if __name__ == "__main__":
    main()
