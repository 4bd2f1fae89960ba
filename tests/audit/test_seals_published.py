"""Seals published (issue 15, "Audit tail"): a public page /audit/seals and GET /api/v1/audit/seals,
newest first and paged, so copies kept outside the database can prove a rewrite of history;
`grants audit verify --seals copy.json` compares such a copy with the database."""
from __future__ import annotations

import json

import pytest

from grants.core import audit, db
from grants.core.audit import AuditSeal
from grants.web import audit_seals
from tests.audit.test_heads import behind_the_back
from tests.web.test_accessibility import problems as accessibility_problems
from tests.web.pager import next_link, walk


def _seals(session, n: int) -> list:
    out = []
    for i in range(n):
        audit.record(session, "consultation", str(i + 1), "create", None)
        out.append(audit.checkpoint(session))
        session.commit()
    return [(s.id, s.hash) for s in out]


# ------------------------------------------------------------------ the API

def test_api_lists_seals_newest_first_without_a_token(session, client):
    seals = _seals(session, 3)
    r = client.get("/api/v1/audit/seals")
    assert r.status_code == 200 and r.mimetype == "application/json"
    body = r.get_json()
    assert body["total"] == 3 and body["page"] == 1 and body["per_page"] == 50
    assert [(i["id"], i["hash"]) for i in body["items"]] == list(reversed(seals))
    newest = body["items"][0]
    assert newest["chains"] == 3 and newest["prev_hash"] == seals[1][1]
    assert newest["created_at"].endswith("Z") and newest["last_entry_id"] > 0
    assert body["items"][-1]["prev_hash"] is None


def test_api_paginates(session, client):
    seals = _seals(session, 5)
    pages = [client.get(f"/api/v1/audit/seals?per_page=2&page={p}").get_json() for p in (1, 2, 3, 4)]
    assert [[i["id"] for i in p["items"]] for p in pages] == [
        [seals[4][0], seals[3][0]], [seals[2][0], seals[1][0]], [seals[0][0]], []]
    assert {p["total"] for p in pages} == {5}


def test_api_ignores_any_token(session, client):
    _seals(session, 1)
    r = client.get("/api/v1/audit/seals", headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 200 and r.get_json()["total"] == 1


@pytest.mark.parametrize("query,field", [("page=0", "page"), ("page=abc", "page"), ("page=1e3", "page"),
                                         ("per_page=501", "per_page"), ("per_page=-1", "per_page"),
                                         ("page=" + "9" * 5000, "page"), ("per_page=%C2%B2", "per_page")])
def test_api_bad_paging_is_a_problem_naming_the_field(client, query, field):
    r = client.get(f"/api/v1/audit/seals?{query}")
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert [e["field"] for e in r.get_json()["errors"]] == [field]


def test_api_refuses_other_methods_as_problem(client):
    r = client.post("/api/v1/audit/seals")
    assert r.status_code == 405 and r.mimetype == "application/problem+json"


def test_api_is_documented_as_public(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    op = doc["paths"]["/api/v1/audit/seals"]["get"]
    assert op["security"] == [] and op["operationId"] == "listAuditSeals"
    assert op["responses"]["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/SealPage"}
    assert set(doc["components"]["schemas"]["SealItem"]["properties"]) == {
        "id", "created_at", "chains", "last_entry_id", "prev_hash", "hash"}
    assert "problem+json" in str(op["responses"]["422"])
    assert "/api/v1/audit/seals" in client.get("/api/v1/docs").get_data(as_text=True)


# ------------------------------------------------------------------ the page

def test_page_is_public_polish_and_accessible(session, client):
    seals = _seals(session, 2)
    r = client.get("/audit/seals")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "Pieczęcie rejestru zdarzeń" in html and "Liczba łańcuchów" in html
    assert html.index(seals[1][1]) < html.index(seals[0][1])  # newest first
    assert accessibility_problems(html) == []
    assert 'href="/audit/seals"' in client.get("/").get_data(as_text=True)  # linked from the footer


def test_page_without_seals(client):
    html = client.get("/audit/seals").get_data(as_text=True)
    assert "Nie ma jeszcze żadnej pieczęci." in html and "<table" not in html


def test_page_paginates(session, client, monkeypatch):
    monkeypatch.setattr(audit_seals, "PER_PAGE", 2)
    seals = _seals(session, 3)
    first = client.get("/audit/seals").get_data(as_text=True)
    assert seals[2][1] in first and seals[1][1] in first and seals[0][1] not in first
    assert 'href="/audit/seals?page=2"' in first
    second = client.get("/audit/seals?page=2").get_data(as_text=True)
    assert seals[0][1] in second and seals[2][1] not in second and 'href="/audit/seals"' in second
    assert client.get("/audit/seals?page=zzz").status_code == 200  # unreadable: the first page
    # the pager every list has: "next" walks on by key (issue 20), and the last page has none
    by_key = client.get(next_link(first)).get_data(as_text=True)
    assert seals[0][1] in by_key and seals[1][1] not in by_key and 'rel="next"' not in by_key
    assert 'rel="first"' in by_key


def test_page_walks_every_seal_by_key_without_duplicates_or_gaps(session, client, monkeypatch):
    monkeypatch.setattr(audit_seals, "PER_PAGE", 2)
    seals = _seals(session, 5)
    seen = walk(client, "/audit/seals", lambda html: sorted((h for _i, h in seals if h in html), key=html.index))
    assert seen == [h for _i, h in reversed(seals)]


def test_api_walks_every_seal_by_key(session, client):
    seals = _seals(session, 5)
    seen, after = [], None
    while True:
        body = client.get("/api/v1/audit/seals?per_page=2" + (f"&after={after}" if after else "")).get_json()
        seen += [i["id"] for i in body["items"]]
        after = body["next"]
        if after is None:
            break
    assert seen == [i for i, _h in reversed(seals)] and body["total"] == 5 and body["total_exact"]
    assert client.get("/api/v1/audit/seals?after=nonsense").status_code == 422


# ------------------------------------------------------------------ a copy kept outside proves a rewrite

def test_copy_of_the_published_seals_catches_a_rewritten_history(session, client, app, tmp_path):
    _seals(session, 2)
    copy = tmp_path / "seals.json"
    copy.write_text(client.get("/api/v1/audit/seals").get_data(as_text=True))
    runner = app.test_cli_runner()
    db.session.remove()
    ok = runner.invoke(args=["audit", "verify", "--seals", str(copy)])
    assert ok.exit_code == 0, ok.output
    assert "2 published seals match" in ok.output
    # history rewritten and every seal recomputed, consistently: only the copy can tell
    newest = json.loads(copy.read_text())["items"][0]
    seal = session.get(AuditSeal, newest["id"])
    seal.heads = "[]"
    forged = seal.compute_hash()
    session.rollback()
    behind_the_back("UPDATE audit_seals SET heads = '[]', hash = :h WHERE id = :i", h=forged, i=newest["id"])
    db.session.remove()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0  # consistent in itself
    broken = runner.invoke(args=["audit", "verify", "--seals", str(copy)])
    assert broken.exit_code == 1
    assert f"seal {newest['id']}: the published copy's hash {newest['hash']} differs" in broken.output


def test_copy_naming_a_seal_the_database_lost(session, app, tmp_path):
    seals = _seals(session, 1)
    copy = tmp_path / "seals.json"
    copy.write_text(json.dumps([{"id": seals[0][0] + 5, "hash": "d" * 64}]))
    db.session.remove()
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--seals", str(copy)])
    assert result.exit_code == 1 and f"seal {seals[0][0] + 5}: published but missing" in result.output


def test_unreadable_copy_is_a_clear_error(app, tmp_path):
    copy = tmp_path / "seals.json"
    copy.write_text("not json")
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--seals", str(copy)])
    assert result.exit_code != 0 and "seals.json" in result.output and "Traceback" not in result.output
