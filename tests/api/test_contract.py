"""The uniform API contract (ARCHITECTURE.md "Uniform API"), checked on /api/v1/consultations."""
from __future__ import annotations

import pytest

from tests.factories import PASSWORD

PROBLEM = "application/problem+json"
BASE = "/api/v1/consultations"


def assert_problem(r, status: int):
    assert r.status_code == status, (r.status_code, r.get_data(as_text=True))
    assert r.mimetype == PROBLEM, r.mimetype
    body = r.get_json()
    assert body["status"] == status
    assert body["type"] and body["title"]
    assert "detail" in body
    return body


@pytest.fixture
def officer(make_user):
    return make_user("officer")


@pytest.fixture
def headers(officer, api_token):
    return api_token(officer)


# ------------------------------------------------------------------ tokens

def test_token_issued_for_right_password(client, officer):
    r = client.post("/api/v1/tokens", json={"email": officer.email, "password": PASSWORD})
    assert r.status_code == 201
    token = r.get_json()["token"]
    assert len(token) >= 32
    r = client.post(BASE, json={"title": "x", "starts_at": None}, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201


def test_token_wrong_password_is_401_problem(client, officer):
    r = client.post("/api/v1/tokens", json={"email": officer.email, "password": "wrong-" + PASSWORD})
    body = assert_problem(r, 401)
    assert "token" not in body


def test_token_malformed_json_is_400(client):
    r = client.post("/api/v1/tokens", data=b'{"email": "a@b.pl", "password": ', content_type="application/json")
    assert_problem(r, 400)


def test_token_missing_field_is_422_naming_it(client, officer):
    r = client.post("/api/v1/tokens", json={"email": officer.email})
    body = assert_problem(r, 422)
    assert [e["field"] for e in body["errors"]] == ["password"]
    assert body["errors"][0]["message"]


def test_token_wrong_types_is_422(client):
    r = client.post("/api/v1/tokens", json={"email": 5, "password": ["x"]})
    body = assert_problem(r, 422)
    assert {e["field"] for e in body["errors"]} == {"email", "password"}


def test_unknown_or_garbled_token_is_401(client, officer, make_consultation):
    c = make_consultation(officer, "open")
    for value in ("Bearer nonsense", "Basic dXNlcjpwYXNz", "Bearer "):
        r = client.get(f"{BASE}/{c.id}", headers={"Authorization": value})
        assert_problem(r, 401)


def test_revoked_token_is_refused(client, headers):
    assert client.delete("/api/v1/tokens/current", headers=headers).status_code == 204
    assert_problem(client.get(BASE, headers=headers), 401)


# ------------------------------------------------------------------ bearer only

def test_writes_need_a_bearer_token(client, officer, make_consultation, snapshot):
    c = make_consultation(officer)
    before = snapshot(c.id)
    for method, url, body in [("post", BASE, {"title": "Nowa"}),
                              ("patch", f"{BASE}/{c.id}", {"title": "Zmieniona"}),
                              ("post", f"{BASE}/{c.id}/transitions/open", None)]:
        r = getattr(client, method)(url, json=body)
        problem = assert_problem(r, 401)
        assert "token" in problem["detail"].lower()
    assert snapshot(c.id) == before


def test_session_cookie_is_not_accepted_by_the_api(client, login, officer, make_consultation, snapshot):
    c = make_consultation(officer)
    login(officer)
    assert client.get(f"/consultations/{c.id}").status_code == 200  # the web session works…
    before = snapshot(c.id)
    assert_problem(client.post(f"{BASE}/{c.id}/transitions/open"), 401)  # …the API ignores it
    assert_problem(client.patch(f"{BASE}/{c.id}", json={"title": "Zmieniona"}), 401)
    assert_problem(client.post(BASE, json={"title": "Nowa"}), 401)
    # and reading without a token stays public: the session does not reveal the draft
    assert_problem(client.get(f"{BASE}/{c.id}"), 404)
    assert snapshot(c.id) == before


# ------------------------------------------------------------------ lists and reads

def test_list_pages_with_defaults_and_bounds(client, headers, officer, make_consultation):
    for i in range(7):
        make_consultation(officer, title=f"K{i}")
    r = client.get(BASE, headers=headers)
    assert r.status_code == 200 and r.mimetype == "application/json"
    body = r.get_json()
    assert body["total"] == 7 and len(body["items"]) == 7 and body["per_page"] == 50
    r = client.get(f"{BASE}?page=2&per_page=3", headers=headers).get_json()
    assert [i["title"] for i in r["items"]] == ["K3", "K4", "K5"] and r["total"] == 7
    r = client.get(f"{BASE}?page=4&per_page=3", headers=headers).get_json()
    assert r["items"] == [] and r["total"] == 7
    assert client.get(f"{BASE}?per_page=500", headers=headers).status_code == 200


@pytest.mark.parametrize("query,field", [("per_page=501", "per_page"), ("per_page=0", "per_page"),
                                         ("per_page=abc", "per_page"), ("page=0", "page"),
                                         ("page=-1", "page"), ("page=99999999999999999999999", "page")])
def test_list_bad_paging_is_422(client, headers, query, field):
    body = assert_problem(client.get(f"{BASE}?{query}", headers=headers), 422)
    assert [e["field"] for e in body["errors"]] == [field]


def test_public_list_without_token_has_no_drafts(client, officer, make_consultation):
    make_consultation(officer, title="Szkic")
    make_consultation(officer, "open", title="Otwarta")
    make_consultation(officer, "reported", title="Zakończona")
    body = client.get(BASE).get_json()
    assert sorted(i["title"] for i in body["items"]) == ["Otwarta", "Zakończona"]
    assert body["total"] == 2
    assert all(i["state"] != "draft" for i in body["items"])


def test_officer_of_another_department_does_not_see_drafts(client, api_token, make_user, officer,
                                                           make_consultation):
    draft = make_consultation(officer, title="Szkic BIS")
    other = api_token(make_user("officer", department_code="WSS"))
    body = client.get(BASE, headers=other).get_json()
    assert body["total"] == 0
    assert_problem(client.get(f"{BASE}/{draft.id}", headers=other), 404)


def test_get_one_has_state_version_and_transitions(client, headers, officer, make_consultation):
    c = make_consultation(officer)
    r = client.get(f"{BASE}/{c.id}", headers=headers)
    assert r.status_code == 200
    assert r.headers["ETag"] == '"1"'
    body = r.get_json()
    assert body["id"] == str(c.id) and body["state"] == "draft" and body["version"] == 1
    names = {t["name"]: t for t in body["transitions"]}
    assert set(names) == {"open"}
    t = names["open"]
    assert set(t) >= {"name", "label", "allowed", "reason"}
    assert t["allowed"] is True and t["reason"] is None and t["label"]


def test_get_one_shows_why_a_transition_is_not_allowed(client, api_token, make_user, officer, make_consultation):
    c = make_consultation(officer, "open")
    applicant = api_token(make_user("applicant"))
    body = client.get(f"{BASE}/{c.id}", headers=applicant).get_json()
    early = next(t for t in body["transitions"] if t["name"] == "close_early")
    assert early["allowed"] is False and early["reason"]
    anonymous = client.get(f"{BASE}/{c.id}").get_json()
    assert all(t["allowed"] is False for t in anonymous["transitions"])


@pytest.mark.parametrize("obj_id", ["999999", "abc", "0", "-1", "99999999999999999999999"])
def test_get_missing_is_404(client, headers, obj_id):
    assert_problem(client.get(f"{BASE}/{obj_id}", headers=headers), 404)


def test_unknown_collection_and_route_are_problems(client, headers):
    assert_problem(client.get("/api/v1/nothing-here", headers=headers), 404)
    assert_problem(client.get("/api/v1/consultations/1/whatever", headers=headers), 404)


# ------------------------------------------------------------------ order of errors

@pytest.fixture
def other_officer(make_user, api_token):
    return api_token(make_user("officer", department_code="WSS"))


def _open(client, cid, headers, **kw):
    return client.post(f"{BASE}/{cid}/transitions/open", headers=headers, **kw)


def test_order_401_before_404(client):
    assert_problem(client.post(f"{BASE}/424242/transitions/open"), 401)


def test_order_404_before_409_unknown(client, headers):
    assert_problem(client.post(f"{BASE}/424242/transitions/nonsense", headers=headers), 404)


def test_unknown_transition_is_409_listing_available(client, headers, officer, make_consultation, snapshot):
    c = make_consultation(officer)
    before = snapshot(c.id)
    body = assert_problem(client.post(f"{BASE}/{c.id}/transitions/teleport", headers=headers), 409)
    assert body["available"] == ["open"]
    assert "teleport" in body["detail"]
    assert snapshot(c.id) == before


def test_transition_not_available_in_state_is_409(client, headers, officer, make_consultation, snapshot):
    c = make_consultation(officer)
    before = snapshot(c.id)
    body = assert_problem(client.post(f"{BASE}/{c.id}/transitions/publish_report", headers=headers,
                                      json={"report": "x"}), 409)
    assert body["available"] == ["open"]
    assert snapshot(c.id) == before


def test_wrong_role_is_403(client, api_token, make_user, officer, make_consultation, snapshot):
    c = make_consultation(officer, "open")
    before = snapshot(c.id)
    applicant = api_token(make_user("applicant"))
    assert_problem(client.post(f"{BASE}/{c.id}/transitions/close_early", headers=applicant,
                               json={"reason": "bo tak"}), 403)
    assert snapshot(c.id) == before


def test_wrong_department_is_403(client, other_officer, officer, make_consultation, snapshot):
    c = make_consultation(officer, "open")
    before = snapshot(c.id)
    assert_problem(client.post(f"{BASE}/{c.id}/transitions/close_early", headers=other_officer,
                               json={"reason": "bo tak"}), 403)
    assert snapshot(c.id) == before


def test_stale_if_match_is_409_with_current_version(client, headers, officer, make_consultation, snapshot):
    c = make_consultation(officer)
    before = snapshot(c.id)
    body = assert_problem(client.post(f"{BASE}/{c.id}/transitions/open", headers={**headers, "If-Match": '"7"'}),
                          409)
    assert body["current_version"] == 1
    assert "1" in body["detail"]
    assert snapshot(c.id) == before


def test_garbled_if_match_never_matches(client, headers, officer, make_consultation, snapshot):
    c = make_consultation(officer)
    before = snapshot(c.id)
    body = assert_problem(client.post(f"{BASE}/{c.id}/transitions/open",
                                      headers={**headers, "If-Match": "not-a-version"}), 409)
    assert body["current_version"] == 1
    assert snapshot(c.id) == before


def test_fresh_if_match_performs(client, headers, officer, make_consultation, snapshot):
    c = make_consultation(officer)
    r = client.post(f"{BASE}/{c.id}/transitions/open", headers={**headers, "If-Match": '"1"'})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["state"] == "open" and r.get_json()["version"] == 2
    assert r.headers["ETag"] == '"2"'
    version, state, entries = snapshot(c.id)
    assert (version, state, entries) == (2, "open", 2)  # create + open


def test_malformed_json_is_400(client, headers, officer, make_consultation, snapshot):
    c = make_consultation(officer)
    before = snapshot(c.id)
    r = client.post(f"{BASE}/{c.id}/transitions/open", headers=headers, data=b"{not json",
                    content_type="application/json")
    assert_problem(r, 400)
    assert snapshot(c.id) == before


def test_wrong_payload_fields_or_types_are_422(client, headers, officer, make_consultation, snapshot):
    c = make_consultation(officer, "open")
    before = snapshot(c.id)
    body = assert_problem(client.post(f"{BASE}/{c.id}/transitions/close_early", headers=headers,
                                      json={"reason": 12}), 422)
    assert [e["field"] for e in body["errors"]] == ["reason"]
    body = assert_problem(client.post(f"{BASE}/{c.id}/transitions/close_early", headers=headers,
                                      json={"reason": "dość długi powód", "extra": 1}), 422)
    assert [e["field"] for e in body["errors"]] == ["extra"]
    body = assert_problem(client.post(f"{BASE}/{c.id}/transitions/close_early", headers=headers,
                                      json=["a list"]), 422)
    assert body["errors"]
    assert snapshot(c.id) == before


def test_guard_refusal_is_422_with_rule_id(client, headers, officer, make_consultation, snapshot):
    c = make_consultation(officer, starts_at=None, ends_at=None)
    before = snapshot(c.id)
    body = assert_problem(client.post(f"{BASE}/{c.id}/transitions/open", headers=headers), 422)
    assert "R-CONSULT" in body["type"] or "R-CONSULT" in body["detail"]
    assert snapshot(c.id) == before


def test_precedence_wrong_role_and_stale_is_403(client, api_token, make_user, officer, make_consultation,
                                                snapshot):
    c = make_consultation(officer, "open")
    before = snapshot(c.id)
    applicant = api_token(make_user("applicant"))
    assert_problem(client.post(f"{BASE}/{c.id}/transitions/close_early",
                               headers={**applicant, "If-Match": '"1"'}, json={"reason": "bo tak"}), 403)
    assert snapshot(c.id) == before


def test_precedence_unknown_transition_and_malformed_json_is_409(client, headers, officer, make_consultation,
                                                                 snapshot):
    c = make_consultation(officer)
    before = snapshot(c.id)
    assert_problem(client.post(f"{BASE}/{c.id}/transitions/teleport", headers=headers, data=b"{",
                               content_type="application/json"), 409)
    assert snapshot(c.id) == before


def test_precedence_not_available_and_wrong_role_is_409(client, api_token, make_user, officer,
                                                        make_consultation):
    c = make_consultation(officer)  # draft: publish_report is not available
    applicant_officer = api_token(make_user("officer", department_code="WSS"))
    body = assert_problem(client.post(f"{BASE}/{c.id}/transitions/open", headers=applicant_officer), 404)
    assert body  # a draft of another department is not visible: 404 comes first
    c2 = make_consultation(officer, "open")
    assert_problem(client.post(f"{BASE}/{c2.id}/transitions/publish_report", headers=applicant_officer,
                               json={"report": "x"}), 409)


def test_precedence_stale_and_malformed_json_is_409(client, headers, officer, make_consultation, snapshot):
    c = make_consultation(officer)
    before = snapshot(c.id)
    body = assert_problem(client.post(f"{BASE}/{c.id}/transitions/open", headers={**headers, "If-Match": '"3"'},
                                      data=b"{", content_type="application/json"), 409)
    assert body["current_version"] == 1
    assert snapshot(c.id) == before


def test_precedence_malformed_json_before_guard(client, headers, officer, make_consultation, snapshot):
    c = make_consultation(officer, starts_at=None, ends_at=None)  # the guard would refuse
    before = snapshot(c.id)
    assert_problem(client.post(f"{BASE}/{c.id}/transitions/open", headers=headers, data=b"[",
                               content_type="application/json"), 400)
    assert_problem(client.post(f"{BASE}/{c.id}/transitions/open", headers=headers, json={"x": 1}), 422)
    assert snapshot(c.id) == before


# ------------------------------------------------------------------ idempotency

def test_idempotency_key_replays_the_first_result(client, headers, officer, make_consultation, snapshot):
    c = make_consultation(officer)
    h = {**headers, "Idempotency-Key": "open-once-123"}
    first = client.post(f"{BASE}/{c.id}/transitions/open", headers=h)
    assert first.status_code == 200 and "Idempotent-Replayed" not in first.headers
    second = client.post(f"{BASE}/{c.id}/transitions/open", headers=h)
    assert second.status_code == 200
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.get_data() == first.get_data()
    assert second.headers.get("ETag") == first.headers["ETag"]
    assert snapshot(c.id) == (2, "open", 2)  # one transition, one audit entry for it
    # without the key, the retry is refused as usual
    assert_problem(client.post(f"{BASE}/{c.id}/transitions/open", headers=headers), 409)


def test_idempotency_key_on_another_path_is_422(client, headers, officer, make_consultation, snapshot):
    a, b = make_consultation(officer), make_consultation(officer)
    h = {**headers, "Idempotency-Key": "k-1"}
    assert client.post(f"{BASE}/{a.id}/transitions/open", headers=h).status_code == 200
    before = snapshot(b.id)
    body = assert_problem(client.post(f"{BASE}/{b.id}/transitions/open", headers=h), 422)
    assert "Idempotency-Key" in body["detail"]
    assert snapshot(b.id) == before


def test_idempotency_key_is_per_caller(client, api_token, make_user, headers, officer, make_consultation):
    a, b = make_consultation(officer), make_consultation(officer)
    assert client.post(f"{BASE}/{a.id}/transitions/open",
                       headers={**headers, "Idempotency-Key": "same"}).status_code == 200
    colleague = api_token(make_user("officer"))
    r = client.post(f"{BASE}/{b.id}/transitions/open", headers={**colleague, "Idempotency-Key": "same"})
    assert r.status_code == 200 and "Idempotent-Replayed" not in r.headers


def test_refused_request_is_not_remembered(client, headers, officer, make_consultation):
    c = make_consultation(officer, starts_at=None, ends_at=None)
    h = {**headers, "Idempotency-Key": "retry-after-fix"}
    assert_problem(client.post(f"{BASE}/{c.id}/transitions/open", headers=h), 422)
    r = client.patch(f"{BASE}/{c.id}", headers=headers,
                     json={"starts_at": "2030-01-01T10:00:00+01:00", "ends_at": "2030-01-20T10:00:00+01:00"})
    assert r.status_code == 200, r.get_json()
    r = client.post(f"{BASE}/{c.id}/transitions/open", headers=h)
    assert r.status_code == 200 and "Idempotent-Replayed" not in r.headers


@pytest.mark.parametrize("key", ["x" * 201, "tab\there"])
def test_bad_idempotency_key_is_400(client, headers, officer, make_consultation, snapshot, key):
    c = make_consultation(officer)
    before = snapshot(c.id)
    assert_problem(client.post(f"{BASE}/{c.id}/transitions/open", headers={**headers, "Idempotency-Key": key}),
                   400)
    assert snapshot(c.id) == before


def test_idempotent_create_makes_one_object(client, headers):
    h = {**headers, "Idempotency-Key": "create-1"}
    body = {"title": "Raz", "starts_at": "2030-01-01T10:00:00+01:00", "ends_at": "2030-01-20T10:00:00+01:00"}
    first = client.post(BASE, headers=h, json=body)
    second = client.post(BASE, headers=h, json=body)
    assert first.status_code == second.status_code == 201
    assert first.get_data() == second.get_data()
    assert client.get(BASE, headers=headers).get_json()["total"] == 1


# ------------------------------------------------------------------ create and edit

def test_create_and_patch_with_if_match(client, headers, snapshot):
    r = client.post(BASE, headers=headers, json={
        "title": "Budżet obywatelski", "description": "Uwagi do regulaminu", "fields": ["culture"],
        "starts_at": "2030-03-01T09:00:00+01:00", "ends_at": "2030-03-15T16:00:00+01:00"})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["state"] == "draft" and body["version"] == 1 and body["fields"] == ["culture"]
    assert body["starts_at"] == "2030-03-01T08:00:00Z"
    cid = body["id"]
    r = client.patch(f"{BASE}/{cid}", headers={**headers, "If-Match": '"1"'}, json={"title": "Budżet 2031"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["title"] == "Budżet 2031" and r.get_json()["version"] == 2
    before = snapshot(cid)
    body = assert_problem(client.patch(f"{BASE}/{cid}", headers={**headers, "If-Match": '"1"'},
                                       json={"title": "Za późno"}), 409)
    assert body["current_version"] == 2
    assert snapshot(cid) == before


def test_create_bad_input_is_422_and_stores_nothing(client, headers, api_token, make_user):
    cases = [
        ({"title": ""}, "title"),
        ({"title": "x", "fields": ["no-such-field"]}, "fields"),
        ({"title": "x", "starts_at": "2030-03-15T09:00:00+01:00", "ends_at": "2030-03-01T09:00:00+01:00"},
         "ends_at"),
        ({"title": "x", "starts_at": "2030-03-01T09:00:00"}, "starts_at"),  # no zone
        ({"title": "x", "starts_at": "0001-01-01T00:00:00+05:00"}, "starts_at"),
        ({"title": "x", "colour": "red"}, "colour"),
        ({"title": "x\u0000y"}, "title"),
        ({"title": "x", "description": "a\u0000"}, "description"),
        ({"title": "x", "department_id": "x1"}, "department_id"),
    ]
    for payload, field in cases:
        body = assert_problem(client.post(BASE, headers=headers, json=payload), 422)
        assert field in [e["field"] for e in body["errors"]], (payload, body)
    admin = api_token(make_user("admin"))
    body = assert_problem(client.post(BASE, headers=admin, json={"title": "x", "department_id": "999999"}), 422)
    assert [e["field"] for e in body["errors"]] == ["department_id"]
    assert client.get(BASE, headers=admin).get_json()["total"] == 0


def test_patch_of_non_draft_is_409(client, headers, officer, make_consultation, snapshot):
    c = make_consultation(officer, "open")
    before = snapshot(c.id)
    assert_problem(client.patch(f"{BASE}/{c.id}", headers=headers, json={"title": "Inna"}), 409)
    assert snapshot(c.id) == before


def test_patch_order_not_editable_before_403(client, api_token, make_user, officer, make_consultation,
                                             snapshot):
    c = make_consultation(officer, "open")
    before = snapshot(c.id)
    applicant = api_token(make_user("applicant"))
    # "not editable in this state" answers before the role, as "not available" does for transitions
    assert_problem(client.patch(f"{BASE}/{c.id}", headers=applicant, json={"title": 1}), 409)
    assert snapshot(c.id) == before
    d = make_consultation(officer)
    assert_problem(client.patch(f"{BASE}/{d.id}", headers=applicant, json={"title": "x"}), 404)


def test_patch_order_403_before_stale_and_malformed(client, api_token, make_user, officer, make_consultation,
                                                    snapshot):
    d = make_consultation(officer, "open")
    other = api_token(make_user("officer", department_code="WSS"))
    before = snapshot(d.id)
    # an open consultation is visible to all; PATCH: 409 not editable comes first
    assert_problem(client.patch(f"{BASE}/{d.id}", headers={**other, "If-Match": '"9"'}, data=b"{",
                                content_type="application/json"), 409)
    assert snapshot(d.id) == before
    d = make_consultation(officer)
    admin = api_token(make_user("admin", department_code="WSS"))
    viewer = api_token(make_user("participant"))
    assert_problem(client.patch(f"{BASE}/{d.id}", headers=viewer, json={"title": "x"}), 404)
    r = client.patch(f"{BASE}/{d.id}", headers={**admin, "If-Match": '"1"'}, json={"title": "Admin"})
    assert r.status_code == 200  # admins act in every department
    before = snapshot(d.id)
    mine = api_token(officer)
    body = assert_problem(client.patch(f"{BASE}/{d.id}", headers={**mine, "If-Match": '"1"'},
                                       data=b"{", content_type="application/json"), 409)
    assert body["current_version"] == 2
    assert_problem(client.patch(f"{BASE}/{d.id}", headers={**mine, "If-Match": '"2"'},
                                data=b"{", content_type="application/json"), 400)
    body = assert_problem(client.patch(f"{BASE}/{d.id}", headers={**mine, "If-Match": '"2"'},
                                       json={"title": 5}), 422)
    assert [e["field"] for e in body["errors"]] == ["title"]
    assert snapshot(d.id) == before


def test_applicant_cannot_create(client, api_token, make_user, headers):
    applicant = api_token(make_user("applicant"))
    assert_problem(client.post(BASE, headers=applicant, json={"title": "Moja"}), 403)
    # 403 comes before the body is even read
    assert_problem(client.post(BASE, headers=applicant, data=b"{", content_type="application/json"), 403)
    assert client.get(BASE, headers=headers).get_json()["total"] == 0


def test_officer_creates_in_own_department_only(client, headers, officer, session):
    from grants.registry.models import Department
    from tests.factories import department
    other = department(session, "WSS")
    session.commit()
    assert_problem(client.post(BASE, headers=headers, json={"title": "Cudza", "department_id": str(other.id)}), 403)
    r = client.post(BASE, headers=headers, json={"title": "Swoja", "department_id": str(officer.department_id)})
    assert r.status_code == 201
    assert r.get_json()["department_id"] == str(officer.department_id)
    assert session.get(Department, other.id) is not None


def test_nul_character_in_payload_is_422_not_500(client, headers, officer, make_consultation, snapshot):
    c = make_consultation(officer, "open")
    before = snapshot(c.id)
    body = assert_problem(client.post(f"{BASE}/{c.id}/transitions/close_early", headers=headers,
                                      json={"reason": "koniec\u0000zbierania"}), 422)
    assert [e["field"] for e in body["errors"]] == ["reason"]
    assert snapshot(c.id) == before


def test_patch_null_for_a_required_field_is_422(client, headers, officer, make_consultation, snapshot):
    c = make_consultation(officer)
    before = snapshot(c.id)
    for field in ("title", "description", "fields"):
        body = assert_problem(client.patch(f"{BASE}/{c.id}", headers=headers, json={field: None}), 422)
        assert [e["field"] for e in body["errors"]] == [field]
    assert snapshot(c.id) == before
    r = client.patch(f"{BASE}/{c.id}", headers=headers, json={"starts_at": None, "ends_at": None})
    assert r.status_code == 200 and r.get_json()["starts_at"] is None


def test_api_needs_no_csrf_token_even_when_the_web_enforces_it(csrf_app, officer, make_consultation, snapshot):
    client = csrf_app.test_client()
    r = client.post("/api/v1/tokens", json={"email": officer.email, "password": PASSWORD})
    assert r.status_code == 201
    h = {"Authorization": f"Bearer {r.get_json()['token']}"}
    c = make_consultation(officer)
    assert client.post(f"{BASE}/{c.id}/transitions/open", headers=h).status_code == 200
    assert snapshot(c.id)[1] == "open"


def test_idempotency_key_with_another_body_is_422(client, headers):
    h = {**headers, "Idempotency-Key": "create-2"}
    assert client.post(BASE, headers=h, json={"title": "Pierwsza"}).status_code == 201
    body = assert_problem(client.post(BASE, headers=h, json={"title": "Druga"}), 422)
    assert "Idempotency-Key" in body["detail"]
    body = assert_problem(client.post(BASE, headers=h, data=b"\x00", content_type="application/json"), 422)
    titles = [i["title"] for i in client.get(BASE, headers=headers).get_json()["items"]]
    assert titles == ["Pierwsza"]
