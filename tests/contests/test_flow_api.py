"""A standard contest from announcement to formal review, through the API."""
from tests.factories import make_contest, offer_content


def test_contest_and_offer_through_the_api(client, session, make_user, make_org, api_token, clock_at):
    officer = make_user("officer")
    org = make_org()
    ngo = make_user("applicant", org=org)
    c = make_contest(session, officer)
    assert c.state == "published"
    h_ngo = api_token(ngo)
    h_off = api_token(officer)
    r = client.get(f"/api/v1/contests/{c.id}")
    assert r.status_code == 200 and r.get_json()["state"] == "published"
    r = client.post("/api/v1/offers", json={"contest_id": str(c.id), "organisation_id": str(org.id)}, headers=h_ngo)
    assert r.status_code == 201, r.get_data(as_text=True)
    oid = r.get_json()["id"]
    body = offer_content(c)
    r = client.patch(f"/api/v1/offers/{oid}", json=body, headers=h_ngo)
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.get_json()["problems"] == [], r.get_json()["problems"]
    r = client.post(f"/api/v1/offers/{oid}/transitions/submit", json={}, headers={**h_ngo, "Idempotency-Key": "k1"})
    assert r.status_code == 200, r.get_data(as_text=True)
    receipt = r.get_json()["receipt"]
    assert receipt["number"] and len(receipt["sha256"]) == 64
    r2 = client.post(f"/api/v1/offers/{oid}/transitions/submit", json={}, headers={**h_ngo, "Idempotency-Key": "k1"})
    assert r2.status_code == 200 and r2.get_json()["receipt"] == receipt
    # the deadline passes: the contest closes by time
    from datetime import timedelta
    clock_at(c.deadline + timedelta(seconds=1))
    from grants.workflows.scheduler import run_due
    run_due()
    assert client.get(f"/api/v1/contests/{c.id}").get_json()["state"] == "closed"
    r = client.post(f"/api/v1/contests/{c.id}/transitions/start_formal_review", json={}, headers=h_off)
    assert r.status_code == 200, r.get_data(as_text=True)
    r = client.post(f"/api/v1/offers/{oid}/transitions/request_correction",
                    json={"deficiencies": ["Brak podpisu"]}, headers=h_off)
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.get_json()["correction_due_at"]
    r = client.patch(f"/api/v1/offers/{oid}", json={"other": {"info": "Podpisano"}}, headers=h_ngo)
    assert r.status_code == 200, r.get_data(as_text=True)
    r = client.post(f"/api/v1/offers/{oid}/transitions/resubmit", json={}, headers=h_ngo)
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.get_json()["revision_count"] == 2
    checks = {x["code"]: True for x in c.formal_checklist}
    r = client.patch(f"/api/v1/offers/{oid}/formal-checks", json={"checks": checks}, headers=h_off)
    assert r.status_code == 200, r.get_data(as_text=True)
    r = client.post(f"/api/v1/offers/{oid}/transitions/accept_formally", json={}, headers=h_off)
    assert r.status_code == 200, r.get_data(as_text=True)
    r = client.post(f"/api/v1/contests/{c.id}/transitions/start_evaluation", json={}, headers=h_off)
    assert r.status_code == 200, r.get_data(as_text=True)
