"""Profile of an offer's submission in-process (Flask test client, no HTTP), on a fresh PostgreSQL
database seeded as bench/submissions.py seeds it: where a submit's milliseconds go, function by
function, and how many statements it sends.

    .venv/bin/python -m bench.profile_submit [--offers 60] [--per-caller 1] [--profile none|pyinstrument|cprofile]

Each offer is created and completed through the API, ten are submitted to warm up, the rest are
timed (and profiled when asked). The database is dropped at the end. `--per-caller N`: each
organisation submits N offers in a row (its later submits reuse the load statement built for it,
as an officer's transitions do; a deadline hour is closer to 1).
"""
from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import tempfile
import time
import uuid

from bench.server import DEFAULT_SERVER, admin, cpu_by_group, cpu_used


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--offers", type=int, default=60)
    ap.add_argument("--per-caller", type=int, default=1,
                    help="offers each organisation submits (a caller's later submits reuse its load statement)")
    ap.add_argument("--profile", choices=("none", "pyinstrument", "cprofile"), default="none")
    ap.add_argument("--sort", default="cumulative", help="cprofile: pstats sort key (cumulative, tottime)")
    ap.add_argument("--server", default=DEFAULT_SERVER)
    args = ap.parse_args(argv)
    name = f"grants_bench_{uuid.uuid4().hex[:10]}"
    admin(args.server, f'CREATE DATABASE "{name}"')
    url = f"{args.server}/{name}"
    os.environ.update(GRANTS_DATABASE_URL=url, GRANTS_ENV="development", GRANTS_INSTANCE_PATH=tempfile.mkdtemp(),
                      GRANTS_SECRET_KEY="bench-" + "x" * 40, GRANTS_BACKGROUND_THREADS="0",
                      GRANTS_BENCH_ENDPOINT="1")
    try:
        subprocess.run([sys.executable, "-c", "from grants.cli import main; main()", "db", "upgrade"], check=True,
                       capture_output=True)
        from bench.submissions import _seed
        per = max(args.per_caller, 1)
        contest_id, clients, content = _seed(url, max(-(-args.offers // per), -(-11 // per)))
        from sqlalchemy import event

        from grants import create_app
        from grants.core import db
        app = create_app({"RATELIMIT_ENABLED": False})
        client = app.test_client()
        offers = []
        for org, token in [c for c in clients for _ in range(per)]:
            h = {"Authorization": f"Bearer {token}", "Accept-Language": "pl"}
            r = client.post("/api/v1/offers", json={"contest_id": str(contest_id), "organisation_id": str(org)},
                            headers=h)
            assert r.status_code == 201, r.get_json()
            oid = r.get_json()["id"]
            r = client.patch(f"/api/v1/offers/{oid}", json=content, headers=h)
            assert r.status_code == 200 and not r.get_json().get("problems"), r.get_json()
            offers.append((oid, h))
        statements = [0]
        event.listen(db.get_engine(), "before_cursor_execute",
                     lambda *a, **k: statements.__setitem__(0, statements[0] + 1))

        def submit(oid, h):
            r = client.post(f"/api/v1/offers/{oid}/transitions/submit", json={},
                            headers={**h, "Idempotency-Key": f"submit-{oid}"})
            assert r.status_code == 200, r.get_json()

        for oid, h in offers[:10]:
            submit(oid, h)
        gc.collect()  # as a gunicorn worker does (grants/gunicorn_config.py): what is loaded is not scanned again
        gc.freeze()
        timed = offers[10:]
        statements[0] = 0
        profiler = None
        if args.profile == "pyinstrument":
            from pyinstrument import Profiler
            profiler = Profiler(interval=0.0002)
            profiler.start()
        elif args.profile == "cprofile":
            import cProfile
            profiler = cProfile.Profile(time.process_time)  # CPU: what a busy server runs out of
            profiler.enable()
        wall, cpu, database = _measured(lambda: [submit(oid, h) for oid, h in timed])
        if args.profile == "pyinstrument":
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False, show_all=False))
        elif args.profile == "cprofile":
            import pstats
            profiler.disable()
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(45)
        n = len(timed)
        print(_line(f"{n} submits", n, wall, cpu, database)
              + f", {statements[0] / n:.1f} statements (and COMMIT)" + (" (profiled)" if profiler else ""))
        if profiler is None:  # the floor beside it: the bare insert endpoint, as many times
            def bare():
                assert client.post("/_bench/insert").status_code == 201

            for _ in range(10):
                bare()
            print(_line(f"{n} bare inserts", n, *_measured(lambda: [bare() for _ in range(n)])))
        db.session.remove()
        db.get_engine().dispose()
        return 0
    finally:
        admin(args.server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _measured(run) -> tuple[float, float, float]:
    """Seconds of wall time, of this process's CPU and of the database's CPU that `run()` takes."""
    machine = cpu_by_group(None)
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall, cpu, cpu_used(machine, cpu_by_group(None)).get("database", 0.0)


def _line(label: str, n: int, wall: float, cpu: float, database: float) -> str:
    return (f"{label}: {1000 * wall / n:.2f} ms each, {1000 * cpu / n:.2f} ms of it this process's CPU, "
            f"{1000 * database / n:.2f} ms the database's")


if __name__ == "__main__":
    raise SystemExit(main())
