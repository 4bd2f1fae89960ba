"""JSON bodies are bounded before they are parsed: a body nested deeper than GRANTS_API_MAX_JSON_DEPTH
(64 by default) is a 400 and one larger than GRANTS_API_MAX_BODY_BYTES (1 MB) a 413, both
problem+json; a deep body never reaches the parser (whose recursion would end in a 500)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from grants.api.validation import json_depth
from grants.contests.models import Contest
from grants.core import config
from grants.core.config import ConfigError

DEEP = "[" * 5000 + "]" * 5000  # ~10 KB
DEEP_OBJECT = '{"a":' * 5000 + "1" + "}" * 5000


def _problem(r, status: int, type_: str):
    assert r.status_code == status, r.get_data(as_text=True)[:500]
    assert r.mimetype == "application/problem+json"
    body = r.get_json()
    assert body["status"] == status and body["type"] == type_
    return body


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT, '{"email": ' + DEEP + "}"])
def test_deeply_nested_body_on_token_request_without_login_is_a_400(client, body):
    r = client.post("/api/v1/tokens", data=body, content_type="application/json")
    assert "64" in _problem(r, 400, "/problems/json-too-deep")["detail"]


def test_deeply_nested_body_on_every_kind_of_json_endpoint_is_a_400(client, session, make_user, api_token):
    officer = make_user("officer")
    h = api_token(officer)
    for method, path in (("post", "/api/v1/contests"), ("post", "/api/v1/consultations"),
                         ("patch", "/api/v1/offers/1"), ("post", "/api/v1/contests/1/transitions/publish")):
        r = getattr(client, method)(path, data=DEEP, content_type="application/json", headers=h)
        assert r.status_code in (400, 404), (path, r.status_code, r.get_data(as_text=True)[:300])
        assert r.status_code != 500
    r = client.post("/api/v1/contests", data=DEEP, content_type="application/json", headers=h)
    _problem(r, 400, "/problems/json-too-deep")
    assert session.scalar(select(func.count()).select_from(Contest)) == 0


def test_brackets_inside_strings_do_not_count_and_the_limit_is_inclusive(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "GRANTS_API_MAX_JSON_DEPTH", 3)
    inside = '{"email": "' + "[{" * 3000 + '\\"[", "password": "x"}'
    r = client.post("/api/v1/tokens", data=inside, content_type="application/json")
    assert r.status_code == 422, r.get_data(as_text=True)[:300]  # not an e-mail: the schema speaks
    r = client.post("/api/v1/tokens", data='{"email": [[1]], "password": "x"}', content_type="application/json")
    assert r.status_code == 422  # depth 3: parsed, refused by the schema
    r = client.post("/api/v1/tokens", data='{"email": [[[1]]], "password": "x"}', content_type="application/json")
    _problem(r, 400, "/problems/json-too-deep")


def test_body_over_the_size_limit_is_a_413_before_reading_it(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "GRANTS_API_MAX_BODY_BYTES", 2048)
    big = '{"email": "' + "a" * 3000 + '@example.org", "password": "x"}'
    r = client.post("/api/v1/tokens", data=big, content_type="application/json")
    assert "2048" in _problem(r, 413, "/problems/body-too-large")["detail"]
    r = client.post("/api/v1/tokens", data='{"email": "a@example.org", "password": "x"}',
                    content_type="application/json")
    assert r.status_code == 401  # small enough: an ordinary failed login


def test_default_size_limit_is_one_megabyte(client):
    body = '{"email": "' + "a" * (1024 * 1024) + '", "password": "x"}'
    _problem(client.post("/api/v1/tokens", data=body, content_type="application/json"), 413,
             "/problems/body-too-large")


def test_json_depth_scan():
    assert json_depth(b"1") == 0
    assert json_depth(b'{"a": [1, {"b": []}]}') == 4
    assert json_depth(b'["]]]]", "\\"[[[["]') == 1
    assert json_depth(DEEP.encode()) == 5000


def test_limits_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("GRANTS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("GRANTS_ENV", raising=False)
    monkeypatch.delenv("GRANTS_API_MAX_JSON_DEPTH", raising=False)
    monkeypatch.delenv("GRANTS_API_MAX_BODY_BYTES", raising=False)
    s = config.load()
    assert (s.api_max_json_depth, s.api_max_body_bytes) == (64, 1024 * 1024)
    monkeypatch.setenv("GRANTS_API_MAX_JSON_DEPTH", "32")
    monkeypatch.setenv("GRANTS_API_MAX_BODY_BYTES", "65536")
    s = config.load()
    assert (s.api_max_json_depth, s.api_max_body_bytes) == (32, 65536)
    for name, bad in (("GRANTS_API_MAX_JSON_DEPTH", "1e3"), ("GRANTS_API_MAX_JSON_DEPTH", "100000"),
                      ("GRANTS_API_MAX_BODY_BYTES", "-1"), ("GRANTS_API_MAX_BODY_BYTES", "lots")):
        monkeypatch.setenv(name, bad)
        with pytest.raises(ConfigError, match=name):
            config.load()
        monkeypatch.setenv(name, "64" if "DEPTH" in name else "65536")
