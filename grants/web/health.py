"""GET /healthz: the database and the broker. 200 when both answer, otherwise 503 with the
failing parts named in `failing` (and each part's own `ok`)."""
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
    except Exception as e:  # noqa: BLE001 - any failure means down; the type only, no details
        database = {"ok": False, "error": type(e).__name__}
    finally:
        try:
            db.session.remove()
        except Exception:  # noqa: BLE001 - a broken connection may refuse its rollback too
            pass
    ok, detail = broker.ping()
    broker_state = {"ok": ok, "kind": detail}
    failing = [name for name, part in (("database", database), ("broker", broker_state)) if not part["ok"]]
    body = {"status": "unavailable" if failing else "ok", "failing": failing,
            "database": database, "broker": broker_state}
    resp = jsonify(body)
    resp.status_code = 503 if failing else 200
    resp.headers["Cache-Control"] = "no-store"
    return resp
