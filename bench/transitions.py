"""Benchmark: workflow transitions per second through `apply_transition`, beside bare
version-checked UPDATEs of the same rows, on a fresh PostgreSQL database (created and dropped).

    .venv/bin/python -m bench.transitions [--transitions 10000] [--server postgresql+psycopg://postgres@127.0.0.1:5432]

Each engine transition is what an officer's click costs once the page has loaded the row: check
role, relation, version, payload and guards on the row as loaded (no row lock and no second read:
the write proves nothing moved, else the transition is done again under the lock), fire the
machine, then one statement: the UPDATE with the version check, the chain's head read under the
row lock it took, the audit entry hashed on it, the outbox event; commit. The bare figure is one
`UPDATE consultations SET state=..., version=version+1 WHERE id=:id AND version=:v` committed
per transaction: the floor any engine on this database stands on.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
import uuid
from datetime import timedelta

from sqlalchemy import insert, select, text

from bench.server import admin


def _setup(rows: int):
    from alembic import command

    from grants.accounts.operations import create_user
    from grants.cli import _alembic_config
    from grants.consultations.models import Consultation
    from grants.core import clock, db
    from grants.registry.models import Department, Grantor

    command.upgrade(_alembic_config(), "head")
    s = db.session()
    g = Grantor(code="KRK", name="Gmina Miejska Kraków")
    s.add(Department(grantor=g, code="BIS", name="Wydział BIS"))
    s.flush()
    officer = create_user(s, email="bench@krakow.example", password="Quiet-Orchard-Lamp-7421", roles=["officer"],
                          department_code="BIS", full_name="Bench")
    s.commit()
    now = clock.now()
    s.execute(insert(Consultation), [
        {"title": f"Konsultacja {i}", "description": "", "department_id": officer.department_id,
         "grantor_id": g.id,
         "fields": [], "starts_at": now + timedelta(hours=1), "ends_at": now + timedelta(days=14),
         "report": "", "created_by_id": officer.id, "created_at": now, "state": "draft", "version": 1}
        for i in range(rows)])
    s.commit()
    ids = list(s.scalars(select(Consultation.id).order_by(Consultation.id)))
    db.session.remove()
    return officer.id, ids


CPU = {"engine": 0.0, "bare": 0.0, "hand": 0.0}  # this process's CPU seconds per phase
ROUND_TRIPS = [0]  # statements and commits the engine phase sent
# a plain read of a consultation with its chain head (the engine's, for a row it does not hold loaded)
_LOCK = text("SELECT c.*, h.seq AS head, h.hash AS head_hash FROM consultations c LEFT JOIN audit_heads h "
             "ON h.object_type = 'consultation' AND h.object_id = CAST(c.id AS VARCHAR) WHERE c.id = :id")
_UPDATE = text("UPDATE consultations SET state = state, next_check_at = now(), version = version + 1 "
               "WHERE id = :id AND version = :v")
_AUDIT = text("INSERT INTO audit_entries (object_type, object_id, seq, action, actor_id, actor_label, clock_at, "
              "recorded_at, changes, payload, request_id, prev_hash, hash) VALUES ('consultation', :oid, :seq, "
              ":action, 1, 'bench', now(), now(), '{}', '{}', NULL, :prev, CAST(:h AS VARCHAR)) RETURNING id")
_OUTBOX = text("INSERT INTO outbox_events (id, topic, payload, status, attempts, created_at) "
               "VALUES (:id, 'consultation.bench', '{}', 'done', 0, now())")


def _by_hand(conn, i: int, action: str) -> None:
    """The engine's work as separate statements written by hand (read with the head, UPDATE, audit
    entry, outbox row): what the engine's one statement saves against the obvious way."""
    row = conn.execute(_LOCK, {"id": i}).mappings().one()
    if conn.execute(_UPDATE, {"id": i, "v": row["version"]}).rowcount != 1:
        raise RuntimeError(f"row {i} changed under the benchmark")
    seq = (row["head"] or 0) + 1
    conn.execute(_AUDIT, {"oid": str(i), "seq": seq, "action": "hand-" + action,
                          "prev": row["head_hash"], "h": hashlib.sha256(f"{i}:{seq}".encode()).hexdigest()}).scalar()
    conn.execute(_OUTBOX, {"id": str(uuid.uuid4())})
    conn.commit()


def _run(officer_id: int, ids: list[int], chunk: int, profiler=None, hand=None) -> tuple[int, float, int, float]:
    """Engine and bare phases interleaved chunk by chunk over the same rows, so both see the same
    machine load: engine `open` on a chunk, bare UPDATEs of that chunk, engine `close_early`,
    bare UPDATEs again. Only the transitions and the UPDATEs themselves are timed."""
    from grants.accounts.models import User
    from grants.consultations.models import Consultation
    from grants.core import db
    from grants.workflows.base import apply_transition

    from sqlalchemy import event

    def count(*_args):
        if counting[0]:
            ROUND_TRIPS[0] += 1

    counting = [False]
    event.listen(db.get_engine(), "before_cursor_execute", count)
    event.listen(db.get_engine(), "commit", count)
    s = db.session()
    officer = s.get(User, officer_id)
    officer.role_names  # roles loaded once, as a request's user would be
    s.commit()
    conn = db.get_engine().connect()
    upd = text("UPDATE consultations SET state = :s, version = version + 1 WHERE id = :id AND version = :v")
    n_engine = n_bare = 0
    t_engine = t_bare = 0.0
    try:
        for k in range(0, len(ids), chunk):
            part = ids[k:k + chunk]
            for name, payload, bare_state in (("open", None, "open"), ("close_early", {"reason": "Benchmark"}, "closed")):
                objs = {o.id: o for o in s.scalars(select(Consultation).where(Consultation.id.in_(part))
                                                    .execution_options(populate_existing=True))}
                s.commit()
                if profiler:
                    profiler.start()
                start, cpu = time.perf_counter(), time.process_time()
                counting[0] = True
                for i in part:
                    apply_transition(s, objs[i], name, officer, payload)
                counting[0] = False
                t_engine += time.perf_counter() - start
                CPU["engine"] += time.process_time() - cpu
                if profiler:
                    profiler.stop()
                n_engine += len(part)
                versions = dict(conn.execute(select(Consultation.id, Consultation.version)
                                             .where(Consultation.id.in_(part))).all())
                conn.commit()
                start, cpu = time.perf_counter(), time.process_time()
                for i in part:
                    if conn.execute(upd, {"s": bare_state, "id": i, "v": versions[i]}).rowcount != 1:
                        raise RuntimeError(f"row {i} changed under the benchmark")
                    conn.commit()
                t_bare += time.perf_counter() - start
                CPU["bare"] += time.process_time() - cpu
                n_bare += len(part)
                if hand is not None:
                    start, cpu = time.perf_counter(), time.process_time()
                    for i in part:
                        _by_hand(conn, i, name)
                    hand[1] += time.perf_counter() - start
                    CPU["hand"] += time.process_time() - cpu
                    hand[0] += len(part)
    finally:
        conn.close()
        db.session.remove()
    return n_engine, t_engine, n_bare, t_bare


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--transitions", type=int, default=10_000, help="how many of each (default 10000)")
    p.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    p.add_argument("--chunk", type=int, default=250, help="rows per interleaved engine/bare round")
    p.add_argument("--profile", action="store_true", help="profile the engine phase with pyinstrument")
    p.add_argument("--no-pre-ping", action="store_true",
                   help="engine pool without pre-ping (the app pings each checkout: one round trip per transaction)")
    p.add_argument("--by-hand", action="store_true",
                   help="also time the engine's own statements sent by hand (its floor on this database)")
    args = p.parse_args(argv)
    rows = max(1, args.transitions // 2)  # each row: open, then close_early

    name = f"grants_bench_{uuid.uuid4().hex[:10]}"
    admin(args.server, f'CREATE DATABASE "{name}"')
    os.environ["GRANTS_DATABASE_URL"] = f"{args.server}/{name}"
    os.environ.setdefault("GRANTS_ENV", "development")
    try:
        from grants.core import db
        db.init_engine(os.environ["GRANTS_DATABASE_URL"], **({"pool_pre_ping": False} if args.no_pre_ping else {}))
        officer_id, ids = _setup(rows)
        print(f"database {name}: {len(ids)} consultations, {2 * len(ids)} transitions of each kind")
        prof = None
        if args.profile:
            from pyinstrument import Profiler
            prof = Profiler()
        hand = [0, 0.0] if args.by_hand else None
        n_engine, t_engine, n_bare, t_bare = _run(officer_id, ids, args.chunk, prof, hand)
        if prof:
            print(prof.output_text(unicode=True, color=False, show_all=False))
        e_rate, b_rate = n_engine / t_engine, n_bare / t_bare
        print(f"apply_transition:            {n_engine:6d} in {t_engine:7.2f} s = {e_rate:8.0f} transitions/s "
              f"({1000 * t_engine / n_engine:.2f} ms each, {1000 * CPU['engine'] / n_engine:.2f} ms CPU here)")
        print(f"bare version-checked UPDATE: {n_bare:6d} in {t_bare:7.2f} s = {b_rate:8.0f} updates/s "
              f"({1000 * t_bare / n_bare:.2f} ms each, {1000 * CPU['bare'] / n_bare:.2f} ms CPU here)")
        if hand:
            print(f"engine's statements by hand: {hand[0]:6d} in {hand[1]:7.2f} s = {hand[0] / hand[1]:8.0f} /s "
                  f"({1000 * hand[1] / hand[0]:.2f} ms each, {1000 * CPU['hand'] / hand[0]:.2f} ms CPU here)")
        print(f"engine round trips per transition: {ROUND_TRIPS[0] / n_engine:.2f} (statements and commit; "
              f"the bare UPDATE: 2)")
        print(f"engine / bare: {e_rate / b_rate:.0%}")
        with db.get_engine().connect() as c:
            audit_n = c.execute(text("SELECT count(*) FROM audit_entries WHERE action IN ('open','close_early')")).scalar()
            outbox_n = c.execute(text("SELECT count(*) FROM outbox_events WHERE status = 'pending'")).scalar()
        assert audit_n == n_engine and outbox_n == n_engine, (audit_n, outbox_n)
    finally:
        from grants.core import db
        db.session.remove()
        if db.get_engine() is not None:
            db.get_engine().dispose()
        admin(args.server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
