"""GET /healthz names what is down."""
from __future__ import annotations

from sqlalchemy.exc import OperationalError

from grants.core import db
from grants.jobs import broker

from .conftest import free_port


def test_healthz_ok(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.get_json()
    assert body["status"] == "ok" and body["failing"] == []
    assert body["database"]["ok"] is True and body["database"]["kind"] == db.get_engine().dialect.name
    assert body["broker"] == {"ok": True, "kind": "in-process"}
    assert r.headers["Cache-Control"] == "no-store"


def test_healthz_503_names_database_when_down(client, monkeypatch):
    def down(*a, **kw):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))
    monkeypatch.setattr(db.session, "execute", down)
    r = client.get("/healthz")
    assert r.status_code == 503
    body = r.get_json()
    assert body["status"] == "unavailable"
    assert body["failing"] == ["database"]
    assert body["database"] == {"ok": False, "error": "OperationalError"}
    assert body["broker"]["ok"] is True
    assert "connection refused" not in r.get_data(as_text=True)  # no internals leaked


def test_healthz_503_names_broker_when_redis_does_not_answer(client, monkeypatch):
    # a Redis broker pointed at a closed port, built as in production
    monkeypatch.setattr(broker, "broker", broker._make_broker(f"redis://127.0.0.1:{free_port()}/0"))
    r = client.get("/healthz")
    assert r.status_code == 503
    body = r.get_json()
    assert body["failing"] == ["broker"]
    assert body["broker"] == {"ok": False, "kind": "redis: ConnectionError"}
    assert body["database"]["ok"] is True


def test_healthz_503_names_both(client, monkeypatch):
    monkeypatch.setattr(db.session, "execute", lambda *a, **kw: (_ for _ in ()).throw(OperationalError("x", {}, None)))
    monkeypatch.setattr(broker, "ping", lambda: (False, "redis: TimeoutError"))
    r = client.get("/healthz")
    assert r.status_code == 503
    assert r.get_json()["failing"] == ["database", "broker"]
