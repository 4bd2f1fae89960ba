"""Benchmark (issue 16): importing N KRS extracts (a JSON-lines dump of the open API's `odpis`)
through the registry import, against a floor in the same run: a bare bulk insert of the same
organisation rows (one executemany INSERT, no parsing, matching, sources or progress).

    .venv/bin/python -m bench.registry_import [--records 20000] [--sqlite]

A fresh PostgreSQL database (or a SQLite file) is created and migrated, and dropped at the end.
Target (the issue): the import within 5x the bare bulk insert.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench.server import admin

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = "postgresql+psycopg://postgres@127.0.0.1:5432"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=20000)
    ap.add_argument("--sqlite", action="store_true")
    args = ap.parse_args()
    name = f"grants_bench_reg_{uuid.uuid4().hex[:8]}"
    tmp = tempfile.mkdtemp()
    url = f"sqlite:///{tmp}/bench.db" if args.sqlite else f"{PG}/{name}"
    if not args.sqlite:
        admin(PG, f'CREATE DATABASE "{name}"')
    try:
        from alembic import command
        from sqlalchemy import delete, func, insert, select

        from grants.core import clock, db
        from tests.migrations.support import alembic_config
        command.upgrade(alembic_config(url), "head")
        db.init_engine(url)
        import grants.models  # noqa: F401
        from grants.registry import imports, samples, sources
        from grants.registry.import_models import OrganisationSource, RegistryImport
        from grants.registry.models import Organisation

        orgs = samples.organisations(args.records)
        content = samples.krs_jsonl(orgs)
        rows = [r.values for r in sources.read_krs(content, "krs.jsonl")]
        s = db.session()
        now = clock.real_now()
        bare = [{"name": v["name"], "legal_form": v["legal_form"], "krs": v["krs"], "nip": v["nip"],
                 "regon": v["regon"], "fields": [], "district": None, "address": v["address"], "email": "",
                 "phone": "", "description": "", "created_at": now} for v in rows]
        t0 = time.perf_counter()
        s.execute(insert(Organisation), bare)
        s.commit()
        floor = time.perf_counter() - t0
        s.execute(delete(Organisation))
        s.commit()

        imp = RegistryImport(kind="krs", filename="krs.jsonl", content=content, dry_run=False, status="queued",
                             created_at=now)
        s.add(imp)
        s.commit()
        t0 = time.perf_counter()
        imp = imports.run(s, imp.id)
        took = time.perf_counter() - t0
        n_orgs = s.scalar(select(func.count()).select_from(Organisation))
        n_src = s.scalar(select(func.count()).select_from(OrganisationSource))
        assert (imp.new, n_orgs, n_src) == (args.records, args.records, args.records), (imp.new, n_orgs, n_src)
        imp2 = RegistryImport(kind="krs", filename="krs.jsonl", content=content, dry_run=False, status="queued",
                              created_at=now)
        s.add(imp2)
        s.commit()
        t0 = time.perf_counter()
        imp2 = imports.run(s, imp2.id)
        rerun = time.perf_counter() - t0
        assert imp2.new == 0 and imp2.matched == args.records
        db_name = "SQLite" if args.sqlite else "PostgreSQL"
        print(f"registry import, {args.records} KRS extracts, {db_name} (machine shared and loaded by other sessions)")
        print(f"  bare bulk insert of the same rows : {floor:7.2f} s")
        print(f"  import (parse, match, insert, sources, progress, audit): {took:7.2f} s  = {took / floor:4.2f}x the floor (target <= 5x)")
        print(f"  re-run of the same file (all matched, nothing changed): {rerun:7.2f} s  = {rerun / floor:4.2f}x")
        db.session.remove()
        db.get_engine().dispose()
    finally:
        if not args.sqlite:
            admin(PG, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
