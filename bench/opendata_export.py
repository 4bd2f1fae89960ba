"""Benchmark (issue 18): the open-data export of 1,000 contests with 100,000 decided offers streams
without loading everything in memory. Builds the data with bulk inserts in a fresh SQLite file (or
GRANTS_DATABASE_URL), then streams the 360Giving package and the OCDS release package to /dev/null
and prints time, peak traced Python memory (tracemalloc) and the size written.

    .venv/bin/python bench/opendata_export.py [contests] [offers_per_contest]
"""
from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

TMP = Path(tempfile.mkdtemp(prefix="grants-bench-opendata-"))
os.environ.setdefault("GRANTS_DATABASE_URL", f"sqlite:///{TMP / 'bench.db'}")
os.environ.setdefault("GRANTS_INSTANCE_PATH", str(TMP / "instance"))
sys.path[0] = str(Path(__file__).resolve().parents[1])  # the repo, not bench/ (bench/transitions.py)

from sqlalchemy import insert  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import grants.models  # noqa: E402,F401
from grants.contests.models import Contest  # noqa: E402
from grants.core import db  # noqa: E402
from grants.core.db import Base  # noqa: E402
from grants.offers.models import Offer  # noqa: E402
from grants.opendata import jsonout, ocds, settings, threesixty  # noqa: E402
from grants.registry.models import Department, Grantor, Organisation  # noqa: E402


def build(engine, contests: int, per: int) -> None:
    Base.metadata.create_all(engine)
    now = datetime(2025, 4, 10, 8, 0, tzinfo=timezone.utc)
    with engine.begin() as c:
        c.execute(insert(Grantor), [{"id": 1, "code": "KRK", "name": "Gmina Miejska Kraków"}])
        c.execute(insert(Department), [{"id": 1, "grantor_id": 1, "code": "WPS", "name": "Wydział Polityki Społecznej"}])
        c.execute(insert(Organisation), [{"id": i, "name": f"Stowarzyszenie {i}", "legal_form": "association",
                                          "krs": f"{i:010d}", "district": "I", "created_at": now}
                                         for i in range(1, 2001)])
        c.execute(insert(Contest), [{"id": k, "grantor_id": 1, "department_id": 1, "year": 2025,
                                     "title": f"Konkurs {k}", "task_type": "Zadanie publiczne", "field": "culture",
                                     "budget": Decimal("1000000.00"), "state": "decided",
                                     "published_at": now - timedelta(days=60), "deadline": now - timedelta(days=30),
                                     "results_published_at": now, "task_start": date(2025, 5, 1),
                                     "task_end": date(2025, 11, 30), "created_at": now - timedelta(days=70)}
                                    for k in range(1, contests + 1)])
        n = 0
        for k in range(1, contests + 1):
            rows = []
            for j in range(per):
                n += 1
                won = j % 3 == 0
                rows.append({"id": n, "contest_id": k, "organisation_id": 1 + n % 2000, "title": f"Zadanie {n}",
                             "state": "selected" if won else "not_selected", "requested_grant": Decimal("15000.00"),
                             "awarded_grant": Decimal("12500.50") if won else None, "number": f"2025/{k}/{j}",
                             "submitted_at": now - timedelta(days=40), "created_at": now - timedelta(days=45)})
            c.execute(insert(Offer), rows)


TRACE = os.environ.get("BENCH_NO_TRACE") != "1"  # tracemalloc slows Python down about twofold


def measure(label: str, chunks) -> None:
    if TRACE:
        tracemalloc.start()
    t = time.perf_counter()
    size = 0
    with open(os.devnull, "w", encoding="utf-8") as out:
        for piece in chunks:
            size += len(piece)
            out.write(piece)
    elapsed = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1] if TRACE else 0
    if TRACE:
        tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{label}: {elapsed:.1f} s, peak traced Python memory {peak / 2**20:.1f} MiB "
          f"(process peak RSS so far {rss:.0f} MiB), {size / 2**20:.1f} MiB written")


def main() -> None:
    contests = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    per = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    engine = db.get_engine() or db.init_engine(os.environ["GRANTS_DATABASE_URL"])
    t = time.perf_counter()
    build(engine, contests, per)
    print(f"built {contests} contests with {contests * per} offers in {time.perf_counter() - t:.1f} s "
          f"({engine.url.get_backend_name()})")
    cfg = settings.load()
    with Session(engine) as s:
        measure("360Giving JSON package", jsonout.package(threesixty.package_header(cfg, "Bench", "Bench"), "grants",
                                                          threesixty.grants(s, cfg)))
    with Session(engine) as s:
        measure("OCDS release package", jsonout.package(ocds.package_header(cfg, "Bench", "http://bench/"),
                                                        "releases", ocds.releases(s, cfg)))


if __name__ == "__main__":
    main()
