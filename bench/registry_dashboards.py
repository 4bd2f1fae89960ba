"""Benchmark (issue 16): each dashboard page (staff and public) with 1,000 contests and 100,000
offers, against a floor in the same run: its SQL aggregates alone (the same queries, executed and
fetched, without Python, templates or charts).

    .venv/bin/python -m bench.registry_dashboards [--contests 1000] [--offers 100000]

A fresh PostgreSQL database is created, migrated, filled with bulk inserts and dropped at the end.
Target (the issue): each page within 2x its aggregates.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

from bench.server import admin

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = "postgresql+psycopg://postgres@127.0.0.1:5432"


def _best(fn, n=5) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--contests", type=int, default=1000)
    ap.add_argument("--offers", type=int, default=100000)
    args = ap.parse_args()
    name = f"grants_bench_dash_{uuid.uuid4().hex[:8]}"
    url = f"{PG}/{name}"
    admin(PG, f'CREATE DATABASE "{name}"')
    import os
    os.environ["GRANTS_DATABASE_URL"] = url
    try:
        from alembic import command
        from sqlalchemy import insert, select, text

        from grants.core import clock, db
        from tests.migrations.support import alembic_config
        command.upgrade(alembic_config(url), "head")
        db.init_engine(url)
        import grants.models  # noqa: F401
        from grants.contests.models import Contest
        from grants.offers.models import Offer
        from grants.registry import dashboard, samples
        from grants.registry.models import Department, Grantor, Organisation

        s = db.session()
        g = Grantor(code="KRK", name="Gmina Miejska Kraków")
        s.add(g)
        s.flush()
        depts = [Department(grantor_id=g.id, code=f"W{i:02d}", name=f"Wydział {i}", fields=[]) for i in range(12)]
        s.add_all(depts)
        s.flush()
        now = clock.real_now()
        rng = random.Random(16)
        orgs = samples.organisations(2000)
        s.execute(insert(Organisation), [{"name": o["name"], "legal_form": "foundation", "krs": o["krs"], "nip": o["nip"],
                                          "regon": o["regon"], "fields": [], "address": "", "email": "", "phone": "",
                                          "description": "", "created_at": now} for o in orgs])
        org_ids = list(s.scalars(select(Organisation.id)))
        states = ["draft", "published", "closed", "evaluation", "decided", "concluded"]
        s.execute(insert(Contest), [{"grantor_id": g.id, "department_id": rng.choice(depts).id, "year": 2024 + i % 3,
                                     "title": f"Konkurs {i}", "state": rng.choice(states), "version": 1,
                                     "budget": Decimal(rng.randint(10, 500) * 1000), "created_at": now}
                                    for i in range(args.contests)])
        contest_ids = list(s.scalars(select(Contest.id)))
        ostates = ["submitted", "selected", "not_selected", "eligible", "ready_for_agreement"]
        for start in range(0, args.offers, 20000):
            s.execute(insert(Offer), [{"contest_id": rng.choice(contest_ids), "organisation_id": rng.choice(org_ids),
                                       "state": rng.choice(ostates), "version": 1, "title": "Oferta",
                                       "awarded_grant": Decimal(rng.randint(0, 50) * 1000), "created_at": now}
                                      for _ in range(min(20000, args.offers - start))])
        s.commit()
        s.execute(text("ANALYZE"))
        s.commit()

        from grants import create_app
        app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False})
        client = app.test_client()

        def aggregates(public):
            """The floor: the page's SQL aggregates executed and fetched, nothing else."""
            def run():
                s = db.session()
                for query, _names in dashboard.queries(s, dashboard.Filters(public=public), clock.today()):
                    s.execute(query).all()
                db.session.remove()
            return run
        print(f"registry dashboards, {args.contests} contests, {args.offers} offers, PostgreSQL "
              "(machine shared and loaded by other sessions); median of 5")
        for label, path, public in (("public", "/dashboards/public", True),):
            assert client.get(path).status_code == 200
            floor = _best(aggregates(public))
            page = _best(lambda: client.get(path))
            print(f"  {label:6} page {page * 1000:7.1f} ms; its SQL aggregates alone {floor * 1000:7.1f} ms "
                  f"= {page / floor:4.2f}x (target <= 2x)")
        # the staff page: same code path with planned and overdue figures (signed-in staff): its view function
        floor = _best(aggregates(False))
        with app.test_request_context("/dashboards/"):
            from grants.registry import dashboard_views
            page = _best(lambda: dashboard_views._page(public=False))
        print(f"  staff  page {page * 1000:7.1f} ms (view function, no login); its SQL aggregates alone "
              f"{floor * 1000:7.1f} ms = {page / floor:4.2f}x (target <= 2x)")
        db.session.remove()
        db.get_engine().dispose()
    finally:
        admin(PG, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
