"""GET /healthz: the database and the broker."""
from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text

from grants.core import db
from grants.jobs import broker

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        database = {"ok": True, "kind": db.get_engine().dialect.name}
    except Exception as e:  # noqa: BLE001
        database = {"ok": False, "error": type(e).__name__}
    finally:
        db.session.remove()
    ok, detail = broker.ping()
    body = {"status": "ok" if database["ok"] and ok else "unavailable",
            "database": database, "broker": {"ok": ok, "kind": detail}}
    return jsonify(body), 200 if body["status"] == "ok" else 503
