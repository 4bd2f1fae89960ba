"""/api/v1/concepts: create, edit with If-Match, submit and withdraw; the contract's order of
answers (401, 404, 409, 403, 409 stale, 400, 422) and clear refusals that change nothing."""
from grants.calltypes.innovation.models import Concept

from .helpers import NGO_ONLY, audit_count, concept_call, concept_values, draft_concept, submitted_concept

API = "/api/v1/concepts"


def _create(client, headers, call, org, **fields):
    return client.post(API, json={"contest_id": str(call.id), "organisation_id": str(org.id), **fields},
                       headers=headers)


def test_organisation_creates_edits_and_submits_a_concept_through_the_api(client, session, people, api_token):
    call = concept_call(session, people.officer)
    h = api_token(people.member)
    r = _create(client, h, call, people.org, title="Teatr z aplikacją")
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert (body["state"], body["title"], body["version"]) == ("draft", "Teatr z aplikacją", 1)
    assert {t["name"] for t in body["transitions"]} == {"submit", "withdraw"}
    submit = next(t for t in body["transitions"] if t["name"] == "submit")
    assert submit["allowed"] is False and "Opisz problem" in submit["reason"]
    assert {p["field"] for p in body["problems"]} >= {"problem", "novelty", "partners"}
    cid = body["id"]
    values = concept_values()
    values.pop("title")
    r = client.patch(f"{API}/{cid}", json=values, headers={**h, "If-Match": '"1"'})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["partners"][1]["sector"] == "startup" and body["estimated_budget"] == "85000.00"
    assert body["problems"] == [] and r.headers["ETag"] == f'"{body["version"]}"'
    r = client.post(f"{API}/{cid}/transitions/submit", headers={**h, "If-Match": f'"{body["version"]}"'})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["state"] == "submitted" and body["number"].startswith(f"K/{call.year}/")
    assert body["submitted_at"] and "problems" not in body
    r = client.get(API, headers=h)
    assert r.get_json()["total"] == 1 and r.get_json()["items"][0]["number"] == body["number"]


def test_ngo_only_partnership_is_refused_at_submission_with_422_and_the_reason(client, session, people, api_token):
    call = concept_call(session, people.officer)
    k = draft_concept(session, people.member, people.org, call, concept_values(partners=NGO_ONLY))
    entries = audit_count(session)
    r = client.post(f"{API}/{k.id}/transitions/submit", headers=api_token(people.member))
    assert r.status_code == 422
    assert r.headers["Content-Type"].startswith("application/problem+json")
    assert "wyłącznie z organizacji pozarządowych" in r.get_json()["detail"]
    session.expire_all()
    assert (session.get(Concept, k.id).state, audit_count(session)) == ("draft", entries)


def test_bad_format_is_422_per_field_and_changes_nothing(client, session, people, api_token):
    call = concept_call(session, people.officer)
    k = draft_concept(session, people.member, people.org, call)
    h = api_token(people.member)
    for body in ({"estimated_budget": "dużo"}, {"partners": [{"name": "X", "sector": "mafia", "role": "r"}]},
                 {"title": "x" * 501}, {"colour": "red"}, {"partners": "Start-up"}, {"title": "a\x00b"}):
        r = client.patch(f"{API}/{k.id}", json=body, headers=h)
        assert r.status_code == 422, (body, r.get_json())
        assert r.get_json()["errors"], body
    r = client.patch(f"{API}/{k.id}", data="{not json", headers={**h, "Content-Type": "application/json"})
    assert r.status_code == 400
    r = _create(client, h, call, people.org, estimated_budget=12.5)  # a float loses grosze
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "estimated_budget"
    session.expire_all()
    assert session.get(Concept, k.id).version == 1
    assert session.query(Concept).count() == 1


def test_create_refusals(client, session, people, api_token):
    from tests.factories import make_contest
    call = concept_call(session, people.officer)
    standard = make_contest(session, people.officer)
    assert client.post(API, json={}).status_code == 401
    r = _create(client, api_token(people.officer), call, people.org)  # not an applicant: before the body
    assert r.status_code == 403
    assert client.post(API, json={"x": 1}, headers=api_token(people.officer)).status_code == 403
    h = api_token(people.member)
    assert _create(client, h, call, people.other_org).status_code == 403  # another organisation
    r = _create(client, h, standard, people.org)
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "contest_id"
    r = client.post(API, json={"contest_id": "999999", "organisation_id": str(people.org.id)}, headers=h)
    assert r.status_code == 422
    assert session.query(Concept).count() == 0


def test_create_after_the_deadline_is_409(client, session, people, api_token, clock_at):
    call = concept_call(session, people.officer)
    from datetime import timedelta
    clock_at((call.deadline + timedelta(minutes=1)).isoformat())
    r = _create(client, api_token(people.member), call, people.org)
    assert r.status_code == 409 and "Nabór koncepcji nie trwa" in r.get_json()["detail"]


def test_drafts_are_private_in_the_api(client, session, people, api_token):
    call = concept_call(session, people.officer)
    draft = draft_concept(session, people.member, people.org, call)
    assert client.get(f"{API}/{draft.id}").status_code == 401
    for user in (people.other, people.officer, people.admin, people.loner):
        h = api_token(user)
        assert client.get(f"{API}/{draft.id}", headers=h).status_code == 404
        assert client.get(API, headers=h).get_json()["total"] == 0
        assert client.patch(f"{API}/{draft.id}", json={"title": "x"}, headers=h).status_code == 404
        assert client.post(f"{API}/{draft.id}/transitions/submit", headers=h).status_code == 404
    assert client.get(f"{API}/{draft.id}", headers=api_token(people.member)).status_code == 200


def test_order_of_answers_on_a_submitted_concept(client, session, people, api_token):
    call = concept_call(session, people.officer)
    k = submitted_concept(session, people.member, people.org, call)
    officer, member = api_token(people.officer), api_token(people.member)
    assert client.get(f"{API}/{k.id}", headers=api_token(people.stranger_officer)).status_code == 404
    r = client.get(f"{API}/{k.id}", headers=officer)  # the call's officer sees it, cannot withdraw it
    assert r.status_code == 200
    assert {t["name"]: t["allowed"] for t in r.get_json()["transitions"]} == {
        "withdraw": False, "shortlist": False, "not_shortlist": False}
    assert client.patch(f"{API}/{k.id}", json={"title": "x"}, headers=officer).status_code == 403
    r = client.patch(f"{API}/{k.id}", json={"title": "x"}, headers=member)  # frozen once submitted
    assert r.status_code == 409
    r = client.post(f"{API}/{k.id}/transitions/submit", headers=member)
    assert r.status_code == 409 and "withdraw" in r.get_json()["available"]
    assert client.post(f"{API}/{k.id}/transitions/fly", headers=member).status_code == 409
    r = client.post(f"{API}/{k.id}/transitions/withdraw", json={"reason": "x"}, headers={**officer, "If-Match": '"99"'})
    assert r.status_code == 403  # the role before the stale version
    r = client.post(f"{API}/{k.id}/transitions/withdraw", json={"reason": "x"}, headers={**member, "If-Match": '"99"'})
    assert r.status_code == 409 and str(k.version) in r.get_json()["detail"]
    r = client.post(f"{API}/{k.id}/transitions/shortlist", headers=officer)
    assert r.status_code == 422 and "R-RESULTS" in r.get_json()["type"]  # the call is not decided
    r = client.post(f"{API}/{k.id}/transitions/withdraw", json={"reason": "Partner odszedł"},
                    headers={**member, "Idempotency-Key": "wd-1"})
    again = client.post(f"{API}/{k.id}/transitions/withdraw", json={"reason": "Partner odszedł"},
                        headers={**member, "Idempotency-Key": "wd-1"})
    assert r.status_code == again.status_code == 200 and again.headers.get("Idempotent-Replayed") == "true"
    assert r.get_json()["withdraw_reason"] == "Partner odszedł"


def test_stale_if_match_on_patch_is_409_and_changes_nothing(client, session, people, api_token):
    call = concept_call(session, people.officer)
    k = draft_concept(session, people.member, people.org, call)
    r = client.patch(f"{API}/{k.id}", json={"title": "Nowy"}, headers={**api_token(people.member), "If-Match": '"7"'})
    assert r.status_code == 409
    session.expire_all()
    assert session.get(Concept, k.id).title == "Teatr z aplikacją dla seniorów"


def test_openapi_lists_the_concepts_collection(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/concepts" in doc["paths"] and "/api/v1/concepts/{id}" in doc["paths"]
