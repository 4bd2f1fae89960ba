"""A bare benchmark endpoint, registered only when GRANTS_BENCH_ENDPOINT=1 (never in production):
POST /_bench/insert inserts one row and commits, through the same Flask app, session and pool as
every other request. bench/submissions.py sets the offer submission rate beside it."""
from __future__ import annotations

import os

from flask import Blueprint, Flask, jsonify

from grants.accounts.models import LoginAttempt
from grants.core import clock, db
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
