"""Benchmark: public reads through HTTP (gunicorn, PostgreSQL, the demo's data), beside `/healthz`
and a bare page that runs one query of the contest list's rows, in the same run.

    .venv/bin/python -m bench.reads [--clients 20] [--requests 40] [--workers 4] [--threads 8]

A fresh database is created, migrated and seeded with the demo (`grants db upgrade`, `grants demo`),
and dropped at the end. gunicorn serves the app on a free local port (GRANTS_BENCH_ENDPOINT=1 adds
GET /_bench/contests, the floor: one query, bare HTML). Each of `--clients` threads keeps one
connection and GETs the path `--requests` times; the paths are measured one after another,
`/healthz` first and last (the better of the two is the reference). Printed per path: requests per
second, p50 and p99. Targets (issue 20): `/contests/` and `GET /api/v1/contests` at least 0.5x the
rate of `/healthz`; the contest list within 2x of its bare page.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

from bench.server import DEFAULT_SERVER, BenchServer, Client, percentile, run_phase

PAGE_HEADERS = {"Accept-Language": "pl"}


def _first_contest(url: str) -> int:
    from sqlalchemy import create_engine, text
    eng = create_engine(url)
    try:
        with eng.connect() as c:
            return c.execute(text("SELECT id FROM contests WHERE state = 'published' ORDER BY id LIMIT 1")).scalar_one()
    finally:
        eng.dispose()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=40, help="requests per client and path")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--threads", type=int, default=8, help="gthread threads per worker")
    ap.add_argument("--server", default=DEFAULT_SERVER)
    ap.add_argument("--port", type=int, default=0, help="the server's port (default: a free one)")
    args = ap.parse_args(argv)

    srv = BenchServer(args.server)
    try:
        srv.prepare(["db", "upgrade"], ["demo"])
        contest = _first_contest(srv.url)
        port = srv.start(args.workers, args.threads, args.port)

        paths = ["/healthz", "/_bench/contests", "/contests/", f"/contests/{contest}", "/calendar",
                 "/api/v1/contests", "/kraj/", "/healthz"]
        results = []
        for path in paths:
            def work(i, barrier, lat, err, path=path):
                conn = Client(port, headers=PAGE_HEADERS)
                conn.get(path)  # connected and warm before the clock starts
                barrier.wait()
                for _ in range(args.requests):
                    t = time.perf_counter()
                    st = conn.get(path)
                    lat.append(time.perf_counter() - t)
                    if st != 200:
                        err.append(f"{path}: {st}")
            wall, lat, errors = run_phase(args.clients, work)
            if errors:
                print(f"{path}: {len(errors)} errors, first: {errors[0]}", file=sys.stderr)
            results.append((path, len(lat) / wall, percentile(lat, 50) * 1000, percentile(lat, 99) * 1000))
        print(f"\n{args.clients} clients x {args.requests} requests per path; gunicorn {args.workers} workers x "
              f"{args.threads} threads (gthread); PostgreSQL, the demo's data; {os.cpu_count()} CPUs")
        print(f"{'path':24} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
        for path, rate, p50, p99 in results:
            print(f"{path:24} {rate:8.1f} {p50:8.1f} {p99:8.1f}")
        rate = {p: r for p, r, _a, _b in results[1:-1]}
        health = max(results[0][1], results[-1][1])
        for path in ("/contests/", "/api/v1/contests"):
            ratio = rate[path] / health
            print(f"{path} / healthz = {ratio:.2f} (target >= 0.50): {'met' if ratio >= 0.5 else 'NOT met'}")
        ratio = rate["/_bench/contests"] / rate["/contests/"]
        print(f"bare list / /contests/ = {ratio:.2f}x (target <= 2): {'met' if ratio <= 2 else 'NOT met'}")
        return 0
    finally:
        srv.stop()


if __name__ == "__main__":
    raise SystemExit(main())
