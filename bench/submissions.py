"""Benchmark: offer submissions per second through the HTTP API (gunicorn, several workers,
PostgreSQL), beside a bare endpoint of the same server that inserts one row.

    .venv/bin/python -m bench.submissions [--clients 50] [--offers 4] [--workers 4] [--threads 8]

A fresh database is created, migrated with `grants db upgrade`, seeded with one published
contest and one organisation + applicant + API token per client, and dropped at the end.
gunicorn serves the app (gthread workers, GRANTS_BACKGROUND_THREADS=0, GRANTS_BENCH_ENDPOINT=1)
on a free local port. Each client (a thread with its own keep-alive connection) creates its
drafts (POST /api/v1/offers, PATCH the complete content), then all clients submit at once
(POST /api/v1/offers/<id>/transitions/submit): only the submit calls are timed. Then the same
clients call POST /_bench/insert as many times. Printed: requests per second, p50 and p99.
Target (issue 20): submissions at least half the bare rate, their p99 within twice the bare p99, at 50
clients. Also printed: the machine's CPU per request in each phase, by process group (the server, the
database, this client), read from /proc: what the submission costs beside the bare insert.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

from bench.server import DEFAULT_SERVER, ROOT, BenchServer, Client, cpu_by_group, cpu_used, percentile, run_phase


def _seed(url: str, clients: int) -> tuple[int, list[tuple[int, str]], dict]:
    """One published contest; per client an organisation, an applicant and an API token."""
    sys.path.insert(0, str(ROOT))
    from grants.core import db
    db.init_engine(url, pool_size=2, max_overflow=0)
    import grants.models  # noqa: F401
    from tests.factories import make_contest, make_user
    from tests.offers_load import bulk
    s = db.session()
    officer = make_user(s, "officer")
    contest = make_contest(s, officer)
    org_ids = bulk.organisations(s, clients)
    people = bulk.applicants(s, org_ids)
    s.commit()
    from tests.factories import offer_content
    content = offer_content(contest)
    cid = contest.id
    db.session.remove()
    db.get_engine().dispose()
    return cid, [(org, tok) for org, (_uid, tok) in zip(org_ids, people)], content


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--offers", type=int, default=4, help="submissions per client")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--threads", type=int, default=8, help="gthread threads per worker")
    ap.add_argument("--server", default=DEFAULT_SERVER)
    ap.add_argument("--keep-db", action="store_true")
    ap.add_argument("--port", type=int, default=0, help="the server's port (default: a free one)")
    args = ap.parse_args(argv)

    srv = BenchServer(args.server, keep_db=args.keep_db)
    # the seeding below runs in this process, on the same database and instance as the server
    os.environ.update({k: srv.env[k] for k in ("GRANTS_DATABASE_URL", "GRANTS_ENV", "GRANTS_INSTANCE_PATH",
                                               "GRANTS_SECRET_KEY", "GRANTS_BACKGROUND_THREADS")})
    try:
        srv.prepare(["db", "upgrade"])
        contest_id, clients, content = _seed(srv.url, args.clients)
        port = srv.start(args.workers, args.threads, args.port)

        def submit_work(i, barrier, lat, err):
            org_id, token = clients[i]
            c = Client(port, token)
            ids = []
            for _ in range(args.offers):
                st, body = c.call("POST", "/api/v1/offers", {"contest_id": str(contest_id),
                                                              "organisation_id": str(org_id)})
                if st != 201:
                    err.append(f"create {st}: {body}")
                    continue
                st, body = c.call("PATCH", f"/api/v1/offers/{body['id']}", content)
                if st != 200 or body.get("problems"):
                    err.append(f"patch {st}: {body.get('problems') or body}")
                    continue
                ids.append(body["id"])
            barrier.wait()
            for oid in ids:
                t = time.perf_counter()
                st, body = c.call("POST", f"/api/v1/offers/{oid}/transitions/submit", {},
                                  {"Idempotency-Key": f"submit-{oid}"})
                lat.append(time.perf_counter() - t)
                if st != 200 or not body.get("receipt"):
                    err.append(f"submit {st}: {body}")

        def bare_work(i, barrier, lat, err):
            c = Client(port)
            c.call("POST", "/_bench/insert")  # connect first, like the submit clients
            barrier.wait()
            for _ in range(args.offers):
                t = time.perf_counter()
                st, _body = c.call("POST", "/_bench/insert")
                lat.append(time.perf_counter() - t)
                if st != 201:
                    err.append(f"bare {st}")

        results, cpu = {}, {}
        for label, work in (("bare insert", bare_work), ("offer submit", submit_work), ("bare insert ", bare_work)):
            before: list[dict] = []
            wall, lat, errors = run_phase(args.clients, work, lambda: before.append(cpu_by_group(srv.process.pid)))
            after = cpu_by_group(srv.process.pid)
            if errors:
                print(f"{label}: {len(errors)} errors, first: {errors[0]}", file=sys.stderr)
            results[label] = (len(lat) / wall, percentile(lat, 50) * 1000, percentile(lat, 99) * 1000, len(lat))
            if before and after and lat:
                cpu[label] = {k: 1000 * v / len(lat) for k, v in cpu_used(before[0], after).items()}
        print(f"\n{args.clients} clients, {args.offers} requests each; gunicorn {args.workers} workers x "
              f"{args.threads} threads (gthread); PostgreSQL; {os.cpu_count()} CPUs")
        print(f"{'':14} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'n':>6}")
        for label, (rate, p50, p99, n) in results.items():
            print(f"{label:14} {rate:8.1f} {p50:8.1f} {p99:8.1f} {n:6d}")
        if cpu:  # where the machine's CPU went, per request (the target is a ratio of what is left)
            print(f"\nCPU ms per request  {'app':>8} {'database':>9} {'client':>8} {'other':>7}")
            for label, c in cpu.items():
                print(f"{label:18} {c['app']:8.2f} {c['database']:9.2f} {c['client']:8.2f} {c['other']:7.2f}")
        bare = max(results["bare insert"], results["bare insert "])  # the faster bare phase: its rate and p99
        sub = results["offer submit"]
        ok = sub[0] >= bare[0] / 2 and sub[2] <= 2 * bare[2]
        print(f"submit/bare = {sub[0] / bare[0]:.2f} (target >= 0.50), submit p99 / bare p99 = "
              f"{sub[2] / bare[2]:.1f} (target <= 2.0): {'met' if ok else 'NOT met'}")
        return 0
    finally:
        srv.stop()


if __name__ == "__main__":
    raise SystemExit(main())
