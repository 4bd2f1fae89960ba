"""Back up a running instance and prove the copy whole (issue 20; docs/deployment.md "Backup").

    .venv/bin/python scripts/backup_restore.py \
        --source postgresql://postgres@127.0.0.1:5432/grants --instance /srv/grants/instance \
        --target-db grants_restore_check --target-instance /tmp/grants-restore [--work DIR] [--drop-target]

1. Backup: `pg_dump -Fc` of the source database, taken in one exported snapshot (the instance keeps
   running: the row counts below are read in that same snapshot, so they are exact); then a tar of
   the instance folder (uploaded and generated files, the secret key), each file's SHA-256 taken from
   the very bytes archived. The database is dumped first: files are only ever added, so every file a
   dumped row names is in the tar.
2. Restore: a NEW database (`CREATE DATABASE`, refused if it exists) filled by `pg_restore`, and the
   tar unpacked into a new folder.
3. Proof: row counts per table equal to the snapshot's; `grants audit verify` run against the copy
   (GRANTS_DATABASE_URL pointing at it: every hash chain and seal); every restored file's hash equal.
Prints the time of each step; exits 1 if any check fails. The dump and tar stay in --work.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

REPO_ROOT = Path(__file__).resolve().parents[1]


def _libpq(url) -> str:
    """A URL pg_dump/pg_restore understand (no "+psycopg" driver part)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _sa(url) -> str:
    return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def _tables(conn) -> list[str]:
    return sorted(inspect(conn).get_table_names())


def _counts(conn) -> dict[str, int]:
    prep = conn.dialect.identifier_preparer
    return {t: conn.execute(text(f"SELECT count(*) FROM {prep.quote(t)}")).scalar() for t in _tables(conn)}


def _versions(source: str) -> str:
    out = subprocess.run(["pg_dump", "--version"], capture_output=True, text=True, check=True).stdout
    client = re.search(r"\d+(\.\d+)*", out).group(0)  # "pg_dump (PostgreSQL) 15.20 (Debian …)"
    eng = create_engine(source)
    try:
        with eng.connect() as c:
            server = c.execute(text("SHOW server_version")).scalar().split()[0]
    finally:
        eng.dispose()
    note = "" if client.split(".")[0] == server.split(".")[0] else \
        " (different major versions: pg_dump must be at least the server's; pg_restore at least the dump's)"
    return f"pg_dump {client}, server {server}{note}"


CACHES = ("opendata/",)  # instance folders the app rebuilds (grants/opendata/downloads.py)


def dump(source: str, instance: Path, work: Path) -> tuple[dict[str, int], dict[str, str], dict]:
    """The dump and the tar in `work`; (row counts in the dump's snapshot, file hashes, timings)."""
    times = {}
    eng = create_engine(source, isolation_level="REPEATABLE READ")
    t0 = time.perf_counter()
    try:
        with eng.connect() as conn:
            # the snapshot pg_dump reads is this transaction's: the counts are of the very same rows
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar()
            counts = _counts(conn)
            subprocess.run(["pg_dump", "-Fc", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                            "-f", str(work / "database.dump"), "-d", _libpq(make_url(source))], check=True)
            conn.rollback()
    finally:
        eng.dispose()
    times["dump"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    hashes = {}
    with tarfile.open(work / "instance.tar.gz", "w:gz") as tar:
        for path in sorted(p for p in instance.rglob("*") if p.is_file() and not p.is_symlink()):
            rel = path.relative_to(instance).as_posix()
            if rel.startswith(CACHES):
                continue  # made again from the database, and replaced while the backup runs
            data = path.read_bytes()  # hashed and archived from the same bytes
            hashes[rel] = hashlib.sha256(data).hexdigest()
            info = tar.gettarinfo(str(path), arcname=rel)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    times["files"] = time.perf_counter() - t0
    return counts, hashes, times


def restore(target: str, target_instance: Path, work: Path, jobs: int) -> dict:
    times = {}
    url = make_url(target)
    admin = create_engine(_sa(url.set(database="postgres")), isolation_level="AUTOCOMMIT")
    t0 = time.perf_counter()
    try:
        with admin.connect() as c:
            if c.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}).scalar():
                raise SystemExit(f"database {url.database!r} exists: restore goes into a NEW database")
            c.execute(text(f'CREATE DATABASE "{url.database}"'))
    finally:
        admin.dispose()
    subprocess.run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--jobs={jobs}",
                    "-d", _libpq(url), str(work / "database.dump")], check=True)
    times["restore"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    if target_instance.exists() and any(target_instance.iterdir()):
        raise SystemExit(f"{target_instance} is not empty: files restore into a new folder")
    target_instance.mkdir(parents=True, exist_ok=True)
    with tarfile.open(work / "instance.tar.gz", "r:gz") as tar:
        tar.extractall(target_instance, filter="data")
    times["unpack"] = time.perf_counter() - t0
    return times


def prove(target: str, target_instance: Path, counts: dict[str, int], hashes: dict[str, str]) -> tuple[list[str], dict]:
    problems, times = [], {}
    t0 = time.perf_counter()
    eng = create_engine(target)
    try:
        with eng.connect() as conn:
            copy = _counts(conn)
    finally:
        eng.dispose()
    for t in sorted(set(counts) | set(copy)):
        if counts.get(t) != copy.get(t):
            problems.append(f"table {t}: {counts.get(t)} rows in the dump's snapshot, {copy.get(t)} in the copy")
    times["counts"] = time.perf_counter() - t0
    # the files as restored, before anything runs on the copy (the app would write a secret key
    # into an instance archived without one)
    t0 = time.perf_counter()
    restored = {p.relative_to(target_instance).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in target_instance.rglob("*") if p.is_file()}
    for rel in sorted(set(hashes) | set(restored)):
        if hashes.get(rel) != restored.get(rel):
            problems.append(f"file {rel}: {hashes.get(rel, 'absent')} archived, {restored.get(rel, 'absent')} restored")
    times["file hashes"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRANTS_")}
    env.update({"GRANTS_DATABASE_URL": target, "GRANTS_INSTANCE_PATH": str(target_instance),
                "GRANTS_ENV": "development", "GRANTS_BACKGROUND_THREADS": "0"})  # nothing runs on the copy
    r = subprocess.run([sys.executable, "-c", "from grants.cli import main; main()", "audit", "verify"],
                       cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    times["audit verify"] = time.perf_counter() - t0
    print(f"  grants audit verify on the copy: {(r.stdout + r.stderr).strip().splitlines()[-1:] or ['(no output)']}")
    if r.returncode != 0:
        problems.append(f"grants audit verify failed on the copy:\n{r.stdout}{r.stderr}")
    return problems, times


def drop(target: str) -> None:
    url = make_url(target)
    admin = create_engine(_sa(url.set(database="postgres")), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    finally:
        admin.dispose()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", default=os.environ.get("GRANTS_DATABASE_URL"), help="the running instance's database URL")
    ap.add_argument("--instance", default=os.environ.get("GRANTS_INSTANCE_PATH"), help="the instance folder")
    ap.add_argument("--target-db", required=True, help="name of the NEW database to restore into (same server)")
    ap.add_argument("--target-url", help="or the full URL of the new database (another server)")
    ap.add_argument("--target-instance", required=True, help="a new folder for the instance's files")
    ap.add_argument("--work", help="where the dump and the tar are kept (default: a new temporary folder)")
    ap.add_argument("--jobs", type=int, default=2, help="pg_restore --jobs")
    ap.add_argument("--drop-target", action="store_true", help="drop the restored database and folder afterwards")
    args = ap.parse_args(argv)
    if not args.source or not args.instance:
        ap.error("--source and --instance (or GRANTS_DATABASE_URL and GRANTS_INSTANCE_PATH) are required")
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            ap.error(f"{tool} not found: install the PostgreSQL client (e.g. apt-get install postgresql-client)")
    source = _sa(make_url(args.source))
    target = _sa(make_url(args.target_url)) if args.target_url else _sa(make_url(source).set(database=args.target_db))
    work = Path(args.work or tempfile.mkdtemp(prefix="grants-backup-"))
    work.mkdir(parents=True, exist_ok=True)
    instance, target_instance = Path(args.instance), Path(args.target_instance)

    print(_versions(source))
    started = time.perf_counter()
    counts, hashes, times = dump(source, instance, work)
    times.update(restore(target, target_instance, work, args.jobs))
    try:
        problems, checks = prove(target, target_instance, counts, hashes)
    finally:
        if args.drop_target:
            drop(target)
            shutil.rmtree(target_instance, ignore_errors=True)
    times.update(checks)
    total = time.perf_counter() - started
    size = sum(p.stat().st_size for p in work.iterdir())
    print(f"  {len(counts)} tables, {sum(counts.values())} rows; {len(hashes)} files; "
          f"dump + tar {size / 1e6:.1f} MB in {work}")
    for name, secs in times.items():
        print(f"  {name:<14} {secs:8.2f} s")
    print(f"  {'total':<14} {total:8.2f} s")
    if problems:
        for p in problems:
            print(f"FAILED: {p}")
        return 1
    print("copy whole: row counts per table equal, audit trail intact, file hashes equal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
