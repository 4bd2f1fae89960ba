"""Benchmark: the whole path of a ~20-page offer's PDF (load the offer, render the template,
WeasyPrint, store under SHA-256, hash) beside WeasyPrint alone on the same HTML, in the same run.

    .venv/bin/python -m bench.pdf_offer [--rounds 5]

Runs on a throw-away SQLite database and instance folder. Target: whole path within 1.25x of
WeasyPrint alone (the rest of the path is small next to the layout of 20 pages).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TMP = Path(tempfile.mkdtemp(prefix="grants-bench-pdf-"))
os.environ.update({"GRANTS_DATABASE_URL": f"sqlite:///{TMP / 'bench.db'}", "GRANTS_INSTANCE_PATH": str(TMP / "instance"),
                   "GRANTS_BACKGROUND_THREADS": "0", "GRANTS_ENV": "development", "GRANTS_SECRET_KEY": "bench"})
os.environ.pop("GRANTS_BROKER_URL", None)


def _offer(session):
    from tests.factories import make_contest, make_org, make_user, offer_content

    from grants.offers import operations as oops
    officer = make_user(session, "officer")
    org = make_org(session)
    ngo = make_user(session, "applicant", org=org)
    contest = make_contest(session, officer)
    content = offer_content(contest)
    long = "Opis działania z uwzględnieniem potrzeb mieszkańców dzielnicy, zażółć gęślą jaźń. " * 6
    content["task"]["actions"] = [{"name": f"Działanie {i}", "description": long, "schedule": "III-XI"}
                                  for i in range(1, 41)]
    content["task"]["results"] = [{"result": f"Rezultat {i}", "planned_value": str(i * 10), "monitoring": long[:120]}
                                  for i in range(1, 31)]
    lines = content["costs"]
    content["costs"] = [{**lines[0], "action_no": 1 + i % 40, "name": f"Pozycja kosztowa {i}", "unit_cost": "10.00",
                         "units": "3"} for i in range(200)] + lines[1:]
    content["profile"]["experience"] = long * 4
    o = oops.create(session, ngo, contest, org.id)
    oops.save_sections(session, o, ngo, content)
    session.commit()
    return o.id


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args()
    from alembic import command

    from grants import create_app
    from grants.cli import _alembic_config
    from grants.core import db
    app = create_app({"TESTING": True})
    command.upgrade(_alembic_config(), "head")
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from grants.documents.kinds import offer_context
    from grants.documents.pdf import html_to_pdf
    from grants.documents.render import render_html
    from grants.documents.storage import sha256, store_for
    from grants.offers.models import Offer, OfferPartner

    with app.app_context():
        oid = _offer(db.session())
        db.session.remove()
        store = store_for(app.instance_path)

        parts: dict[str, list[float]] = {"load": [], "template": [], "store+hash": []}

        def whole() -> tuple[bytes, str]:
            t0 = time.perf_counter()
            s = db.session()
            o = s.scalar(select(Offer).where(Offer.id == oid).options(
                selectinload(Offer.partners).selectinload(OfferPartner.organisation), selectinload(Offer.revisions)))
            ctx = offer_context(o)
            t1 = time.perf_counter()
            html = render_html("offer", ctx, pdf=True)
            t2 = time.perf_counter()
            data = html_to_pdf(html)
            t3 = time.perf_counter()
            key = store.put(data)
            digest = sha256(data)
            assert key == digest
            t4 = time.perf_counter()
            for name, v in (("load", t1 - t0), ("template", t2 - t1), ("store+hash", t4 - t3)):
                parts[name].append(v)
            db.session.remove()
            return data, html

        data, html = whole()  # warm-up: fonts, templates
        html_to_pdf(html)
        pages = _pages(data)
        t_whole, t_alone = [], []
        def timed(fn, into):
            t0 = time.perf_counter()
            fn()
            into.append(time.perf_counter() - t0)

        for k in range(args.rounds):  # interleaved, the order alternating: both see the same load and caches
            pair = [(whole, t_whole), (lambda: html_to_pdf(html), t_alone)]
            for fn, into in (pair if k % 2 == 0 else pair[::-1]):
                timed(fn, into)
    w, a = statistics.median(t_whole), statistics.median(t_alone)
    parts = {k: v[1:] for k, v in parts.items()}  # without the warm-up
    print(f"offer PDF: {pages} pages, {len(data) // 1024} KiB, {args.rounds} rounds (median)")
    print(f"  whole path (load, render template, WeasyPrint, store, hash): {w * 1000:8.0f} ms")
    print(f"  WeasyPrint alone on the same HTML:                           {a * 1000:8.0f} ms")
    print("  of the whole path, outside WeasyPrint: " + ", ".join(
        f"{k} {statistics.median(v) * 1000:.0f} ms" for k, v in parts.items()))
    print(f"  ratio: {w / a:.3f}x (target <= 1.25x): {'OK' if w / a <= 1.25 else 'OVER'}")
    sys.exit(0 if w / a <= 1.25 else 1)


def _pages(data: bytes) -> int | str:
    try:
        out = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
        return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))
    except (OSError, subprocess.CalledProcessError, StopIteration, ValueError):
        return "?"


if __name__ == "__main__":
    main()
