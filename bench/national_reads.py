"""Reads at national size (issue 20): the same pages and API lists at 1 %, 10 % and 100 % of the
national set built by bench/seed_national.py; the target is 100 %/1 % ≤ 1.5× for each.

    .venv/bin/python -m bench.seed_national --scale 0.01   # and 0.1, 1.0 (databases grants_national_1, _10, _100)
    .venv/bin/python -m bench.national_reads [--requests 15] [--dbs grants_national_1,grants_national_10,grants_national_100]

In-process through the Flask test client (one process per database, so each app binds its own
engine), after three warm-up requests; each figure is the median wall time of one request in ms.
A visitor's page is rendered each time (the copy a web process keeps by ETag is dropped first:
grants.web.public_cache), so the figure is the page's own work on data of that size.
`/healthz` is the floor measured in the same run. The open-data changes feed reads the register the
scheduler fills (grants.opendata.publications): a database whose register is not filled yet gets
its first pass first (once; its time is printed on stderr). Signs in as `officer1@g0001.example` (an officer
of the first authority) and `member1@ngo.example` (board of organisation 1).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
OFFICER, MEMBER = "officer1@g0001.example", "member1@ngo.example"


def _measure(requests: int) -> dict:
    from sqlalchemy import select

    from bench.seed_national import PASSWORD
    from grants import create_app
    from grants.contests.models import Contest
    from grants.core import db
    from grants.opendata import publications, settings
    from grants.web import public_cache

    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "SERVER_NAME": None, "RATELIMIT_ENABLED": False})
    with app.app_context():
        contest_id = db.session.scalar(select(Contest.id).where(Contest.grantor_id == 1, Contest.state == "published")
                                       .order_by(Contest.id).limit(1))
        t0 = time.perf_counter()
        registered = publications.sync_all(db.session(), settings.load())
        if registered:
            print(f"open-data register: {registered} releases in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        db.session.remove()
    anon, member, officer = app.test_client(), app.test_client(), app.test_client()
    for c, email in ((member, MEMBER), (officer, OFFICER)):
        r = c.post("/login", data={"email": email, "password": PASSWORD})
        assert r.status_code == 302, (email, r.status_code)
    r = anon.post("/api/v1/tokens", json={"email": OFFICER, "password": PASSWORD})
    assert r.status_code == 201, r.status_code
    token = {"Authorization": f"Bearer {r.get_json()['token']}"}
    second_page = anon.get("/open-data/changes.json").get_json()["links"]["next"]
    cases = [
        ("/healthz (floor)", anon, "/healthz", {}),
        ("/contests/", anon, "/contests/", {}),
        ("/contests/?q=Ochrona (search)", anon, "/contests/?q=Ochrona", {}),
        ("/organisations/?q=Fundacja (search)", anon, "/organisations/?q=Fundacja", {}),
        ("/contests/<id>", anon, f"/contests/{contest_id}", {}),
        ("NGO member's home /", member, "/", {}),
        ("officer's home /", officer, "/", {}),
        ("GET /api/v1/contests", anon, "/api/v1/contests", {}),
        ("GET /api/v1/offers (officer)", anon, "/api/v1/offers", token),
        ("/open-data/changes.json", anon, "/open-data/changes.json", {}),
        ("/open-data/changes.json?since=", anon, second_page, {}),
    ]
    out = {}
    for name, client, url, headers in cases:
        times = []
        for i in range(requests + 3):
            public_cache.forget_pages()  # each visitor's page rendered, not the copy kept of it
            t0 = time.perf_counter()
            r = client.get(url, headers=headers)
            dt = time.perf_counter() - t0
            if r.status_code != 200:
                raise SystemExit(f"{url}: {r.status_code}")
            if i >= 3:
                times.append(dt * 1000)
        out[name] = statistics.median(times)
    return out


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dbs", default="grants_national_1,grants_national_10,grants_national_100")
    p.add_argument("--requests", type=int, default=15)
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.child:
        print(json.dumps(_measure(a.requests)))
        return
    results = {}
    for name in a.dbs.split(","):
        env = dict(os.environ, GRANTS_DATABASE_URL=f"{SERVER}/{name}", GRANTS_BACKGROUND_THREADS="0")
        r = subprocess.run([sys.executable, "-m", "bench.national_reads", "--child", "--requests", str(a.requests)],
                           env=env, capture_output=True, text=True)
        if r.returncode:
            print(r.stderr[-3000:])
            sys.exit(f"{name}: failed")
        results[name] = json.loads(r.stdout.strip().splitlines()[-1])
        for line in r.stderr.splitlines():
            if line.startswith("open-data register:"):
                print(f"{name}: {line}")
    names = a.dbs.split(",")
    first, last = names[0], names[-1]
    print(f"median ms per request ({a.requests} requests after 3 warm-ups), in-process test client")
    print(f"{'page':40}" + "".join(f"{n:>22}" for n in names) + f"{'ratio last/first':>18}")
    for page in results[first]:
        row = "".join(f"{results[n][page]:>22.1f}" for n in names)
        ratio = results[last][page] / results[first][page]
        print(f"{page:40}{row}{ratio:>17.2f}×" + ("" if ratio <= 1.5 else "  over 1.5×"))


if __name__ == "__main__":
    main()
