"""One source for routes and documentation (issue 15): every /api/v1 rule of the Flask URL map is in
the OpenAPI document, every documented operation routes, and each has the parts a client needs."""
from __future__ import annotations

import re

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound

from grants.api.collections import CONVERTERS, REGISTRY

API = "/api/v1"
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}
DOC_ONLY = {("/api/v1/openapi.json", "GET"), ("/api/v1/docs", "GET")}  # the document and its page


def _routed(app) -> set[tuple[str, str]]:
    """(OpenAPI path, method) for every rule under /api/v1; the collection converter expands to
    the registered collections' names."""
    out = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API + "/"):
            continue
        templates = [rule.rule]
        for conv, accepts in CONVERTERS.items():
            if f"<{conv}:collection>" in rule.rule:
                templates = [rule.rule.replace(f"<{conv}:collection>", n) for n, c in REGISTRY.items() if accepts(c)]
        for t in templates:
            path = re.sub(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>", r"{\1}", t)
            for m in rule.methods & METHODS:
                if (path, m) not in DOC_ONLY:
                    out.add((path, m))
    return out


def _documented(doc) -> set[tuple[str, str]]:
    return {(path, m.upper()) for path, item in doc["paths"].items() for m in item if m.upper() in METHODS}


def _shape(path: str) -> str:
    return re.sub(r"{\w+}", "{}", path)


def test_every_api_rule_is_documented(app, client):
    doc = client.get(f"{API}/openapi.json").get_json()
    documented = {(_shape(p), m) for p, m in _documented(doc)}
    missing = sorted((p, m) for p, m in _routed(app) if (_shape(p), m) not in documented)
    assert missing == [], f"routed but not in the OpenAPI document: {missing}"


def test_every_documented_operation_routes(app, client):
    doc = client.get(f"{API}/openapi.json").get_json()
    adapter = app.url_map.bind("localhost")
    dead = []
    for path, method in sorted(_documented(doc)):
        url = re.sub(r"{\w+}", "1", path)
        try:
            endpoint, _args = adapter.match(url, method=method)
        except (NotFound, MethodNotAllowed):
            dead.append((path, method))
            continue
        assert endpoint.startswith("api"), (path, method, endpoint)
    assert dead == [], f"documented but not routed: {dead}"
    assert {(_shape(p), m) for p, m in _documented(doc)} == {(_shape(p), m) for p, m in _routed(app)}


def test_each_operation_has_schemas_examples_errors_and_who(client):
    doc = client.get(f"{API}/openapi.json").get_json()
    ids = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            where = f"{method.upper()} {path}"
            ids.append(op["operationId"])
            assert op.get("summary"), where
            ok = [c for c in op["responses"] if c.startswith("2")]
            assert ok, where
            for code in ok:
                content = op["responses"][code].get("content")
                if code != "204":
                    assert content and len(content) == 1, where
                    (media, body), = content.items()
                    assert body["schema"], where
                    if media == "application/json":  # a download (a file) has a schema and no example
                        assert "example" in body, where
            errors = [c for c in op["responses"] if c[0] in "45"]
            assert errors, where
            for code in errors:
                assert "application/problem+json" in op["responses"][code]["content"], (where, code)
            if "requestBody" in op:
                assert {"400", "413", "422"} <= set(op["responses"]), where
            if op.get("security") != []:
                assert "401" in op["responses"], where
            if "{" in path:
                assert "404" in op["responses"], where
    assert len(ids) == len(set(ids)), "operationId must be unique"


def test_declared_operations_say_who_may_call_them(client):
    from grants.api.declare import OPERATIONS
    doc = client.get(f"{API}/openapi.json").get_json()
    for op in OPERATIONS:
        described = doc["paths"][op.path][op.method.lower()]["description"]
        assert "Who may call it" in described and op.who in described, (op.method, op.path)


def test_undeclared_route_would_fail(app):
    """The walk itself can fail: a rule added behind the declaration's back is found."""
    from grants.api.openapi import document
    doc = document()
    routed = _routed(app)
    doc["paths"].pop(f"{API}/audit/seals")
    assert (f"{API}/audit/seals", "GET") in routed - _documented(doc)


@pytest.mark.parametrize("path", ["/api/v1/tokens", "/api/v1/commissions/{cid}/members"])
def test_docs_page_lists_paths_with_a_table_of_contents(client, path):
    html = client.get(f"{API}/docs").get_data(as_text=True)
    assert path in html
    assert 'id="toc"' in html and 'lang="en"' in html
