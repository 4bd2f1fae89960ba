"""The OpenAPI document: valid, rendered for humans, and true to the API (fuzzed with Schemathesis
through the Flask app in-process, no server)."""
from __future__ import annotations

import copy

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate

FUZZ_CONFIG = {
    "generation": {"max-examples": 25, "deterministic": True, "no-shrink": True,
                   "mode": "all"},
    "phases": {"stateful": {"enabled": False}},
    # the document's schemas describe shapes; rules beyond them (a known department or field
    # code, the end after the start, R-CONSULT guards) answer 422 by design, as documented
    "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", 401, 403, 404, 409, 422, 429]}},
}


def test_document_is_valid_openapi(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    spec = r.get_json()
    validate(spec)
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    assert {"/api/v1/tokens", "/api/v1/consultations", "/api/v1/consultations/{id}",
            "/api/v1/consultations/{id}/transitions/{name}"} <= set(paths)
    one = paths["/api/v1/consultations/{id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert one  # the object with its transitions
    assert spec["components"]["schemas"]["Problem"]["required"] == ["type", "title", "status"]


def test_docs_page_renders(client):
    r = client.get("/api/v1/docs")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "/api/v1/consultations/{id}/transitions/{name}" in html
    assert "Bearer" in html or "bearer" in html


# ------------------------------------------------------------------ fuzzing

@pytest.fixture
def admin_headers(make_user, api_token):
    return api_token(make_user("admin"))


KNOWN_IDS = ["1", "2", "3", "4"]  # a consultation in each state, built per test (identities restart)


@pytest.fixture
def objects(make_user, session):
    from tests.api.conftest import build_consultation
    officer = make_user("officer")
    ids = [str(build_consultation(session, officer, state).id) for state in ("draft", "open", "closed", "reported")]
    assert ids == KNOWN_IDS
    return ids


def _document() -> dict:
    from grants.api import collections
    from grants.api.openapi import document
    collections.load_all()
    return document()


def _known_objects(doc: dict) -> dict:
    """The same document with ids and transition names drawn from real objects, so the fuzzer
    reaches past the 404s (responses are still checked against the served document's schemas)."""
    doc = copy.deepcopy(doc)
    for item in doc["paths"].values():
        for op in item.values():
            for p in op.get("parameters", []):
                if p["in"] == "path" and p["name"] == "id":
                    p["schema"] = {"type": "string", "enum": [*KNOWN_IDS, "999999"]}
                if p["in"] == "path" and p["name"] == "name":
                    p["schema"] = {"type": "string", "enum": ["open", "close", "close_early", "publish_report",
                                                              "teleport"]}
    return doc


# The generic endpoints are fuzzed through these collections; add an area's collection here once
# its own checks hold (the fuzzer then walks its create/patch schemas too).
FUZZED = ("tokens", "users", "consultations")
FUZZED_PATHS = "^/api/v1/(%s)(/|$)" % "|".join(FUZZED)

DOCUMENT = _document()
schema = schemathesis.openapi.from_dict(DOCUMENT, config=schemathesis.Config.from_dict(FUZZ_CONFIG)).include(
    path_regex=FUZZED_PATHS)
known = schemathesis.openapi.from_dict(_known_objects(DOCUMENT), config=schemathesis.Config.from_dict(
    FUZZ_CONFIG)).include(path_regex=FUZZED_PATHS)


def test_served_document_is_the_fuzzed_one(client):
    assert client.get("/api/v1/openapi.json").get_json() == DOCUMENT


def _check(case, app, headers):
    case.operation.schema.app = app  # probes of the checks (e.g. ignored_auth) go through it too
    response = case.call_and_validate(app=app, headers=headers)
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])


FUZZ_SETTINGS = settings(max_examples=25, derandomize=True, deadline=None, database=None,
                         suppress_health_check=list(HealthCheck))


@schema.parametrize()
@FUZZ_SETTINGS
def test_fuzz_document(case, app, admin_headers):
    _check(case, app, admin_headers)


@known.parametrize()
@FUZZ_SETTINGS
def test_fuzz_known_objects(case, app, objects, admin_headers):
    _check(case, app, admin_headers)
