"""Profile of the public reads bench/reads.py measures, in-process (Flask test client, no HTTP),
so the cost of each page is seen function by function: where its milliseconds go, and how many
queries it sends.

    .venv/bin/python -m bench.profile_reads [--requests 50] [--top 25] [--paths /contests/,/calendar]
    .venv/bin/python -m bench.profile_reads --database postgresql+psycopg://…/existing_db

Without --database a fresh PostgreSQL database is created, migrated and seeded with the demo
(as bench/reads.py does) and dropped at the end. Each path is requested a few times to warm up,
then `--requests` times under cProfile; printed per path: ms per request (with and without the
profiler), queries per request, and the top functions by own time and by cumulative time.
Visitors' requests, without a token: the pages' ETag path runs as it does for a reverse proxy.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench.server import admin as _admin

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
# the CLI of this checkout (the venv's `grants` script runs whichever checkout was installed editable)
GRANTS_CLI = [sys.executable, "-c", "from grants.cli import main; main()"]
PATHS = ["/healthz", "/_bench/contests", "/contests/", "/contests/{contest}", "/calendar", "/api/v1/contests", "/kraj/"]


def _profile(url: str, paths: list[str], requests: int, top: int) -> None:
    from sqlalchemy import event, select

    from grants import create_app
    from grants.contests.models import Contest
    from grants.core import db

    app = create_app({"TESTING": True, "RATELIMIT_ENABLED": False})
    with app.app_context():
        contest = db.session.scalar(select(Contest.id).where(Contest.state == "published").order_by(Contest.id).limit(1))
        db.session.remove()
    queries = [0]

    @event.listens_for(db.get_engine(), "before_cursor_execute")
    def _count(*_a, **_k):
        queries[0] += 1

    client = app.test_client()
    headers = {"Accept-Language": "pl"}
    for raw in paths:
        path = raw.format(contest=contest)
        for _ in range(5):
            r = client.get(path, headers=headers)
            assert r.status_code == 200, (path, r.status_code)
        t = time.perf_counter()
        for _ in range(requests):
            client.get(path, headers=headers)
        plain = (time.perf_counter() - t) / requests * 1000
        queries[0] = 0
        prof = cProfile.Profile()
        t = time.perf_counter()
        prof.enable()
        for _ in range(requests):
            client.get(path, headers=headers)
        prof.disable()
        profiled = (time.perf_counter() - t) / requests * 1000
        print(f"\n==== {path}: {plain:.2f} ms a request ({profiled:.2f} ms profiled), "
              f"{queries[0] / requests:.1f} queries a request")
        for key in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(prof, stream=out).strip_dirs().sort_stats(key).print_stats(top)
            text = out.getvalue()
            print(text[text.find("   ncalls"):].rstrip())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--requests", type=int, default=50)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--paths", default=",".join(PATHS))
    ap.add_argument("--database", default="", help="an existing database with the demo (kept)")
    ap.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    args = ap.parse_args(argv)
    paths = [p for p in args.paths.split(",") if p]
    if args.database:
        os.environ.update(GRANTS_DATABASE_URL=args.database, GRANTS_BACKGROUND_THREADS="0", GRANTS_BENCH_ENDPOINT="1")
        _profile(args.database, paths, args.requests, args.top)
        return 0
    name = f"grants_profile_{uuid.uuid4().hex[:8]}"
    url = f"{args.server}/{name}"
    tmp = Path(tempfile.mkdtemp(prefix="grants-profile-"))
    env = {**os.environ, "GRANTS_DATABASE_URL": url, "GRANTS_ENV": "development",
           "GRANTS_INSTANCE_PATH": str(tmp / "instance"), "GRANTS_SECRET_KEY": "profile-" + uuid.uuid4().hex,
           "GRANTS_BACKGROUND_THREADS": "0", "GRANTS_BENCH_ENDPOINT": "1"}
    env.pop("GRANTS_BROKER_URL", None)
    _admin(args.server, f'CREATE DATABASE "{name}"')
    try:
        for cmd in (["db", "upgrade"], ["demo"]):
            subprocess.run([*GRANTS_CLI, *cmd], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        os.environ.update({k: v for k, v in env.items() if k.startswith("GRANTS_")})
        _profile(url, paths, args.requests, args.top)
    finally:
        _admin(args.server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
