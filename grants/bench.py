"""A bare benchmark endpoint, registered only when GRANTS_BENCH_ENDPOINT=1 (never in production):
POST /_bench/insert inserts one row and commits, through the same Flask app, session and pool as
every other request (bench/submissions.py sets the offer submission rate beside it); GET
/_bench/contests is the public contest list's floor (bench/reads.py)."""
from __future__ import annotations

import os

from flask import Blueprint, Flask, jsonify
from markupsafe import escape
from sqlalchemy import select

from grants.accounts.models import LoginAttempt
from grants.contests import operations as contest_ops
from grants.contests.models import Contest
from grants.core import clock, db
from grants.registry.models import Department
from grants.web.areas import PER_PAGE
from grants.web.security import csrf

bp = Blueprint("bench", __name__, url_prefix="/_bench")


@bp.route("/insert", methods=["POST"])
def insert_one():
    row = LoginAttempt(email="bench@bench.invalid", ip="bench", success=False, at=clock.real_now())
    s = db.session()
    s.add(row)
    s.commit()
    return jsonify({"id": row.id}), 201


def enabled(app: Flask) -> bool:
    return os.environ.get("GRANTS_BENCH_ENDPOINT", "").strip() == "1" and not app.config["GRANTS_SETTINGS"].production


def init(app: Flask) -> None:
    app.register_blueprint(bp)
    csrf.exempt(bp)


@bp.route("/contests")
def contests_page():
    """The floor of the public contest list: one query of the same rows (a page of the contests a
    visitor sees, through the contests area's own `visible`, with their department), written out as
    bare HTML without templates or helpers."""
    db.statement_reads()  # as the public pages read for a visitor (grants.web.public_cache)
    s = db.session()
    q = contest_ops.visible(select(Contest.id, Contest.title, Contest.state, Contest.deadline, Department.name)
                            .outerjoin(Department, Department.id == Contest.department_id), None)
    rows = s.execute(q.order_by(Contest.deadline.desc().nulls_last(), Contest.id.desc()).limit(PER_PAGE)).all()
    body = "".join(f"<tr><td><a href='/contests/{i}'>{escape(t)}</a></td><td>{escape(d or '')}</td><td>{st}</td>"
                   f"<td>{dl}</td></tr>" for i, t, st, dl, d in rows)
    return f"<!doctype html><html lang='pl'><title>Konkursy</title><table>{body}</table></html>"
