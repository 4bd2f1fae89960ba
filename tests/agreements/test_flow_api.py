"""From an award to paid tranches through the API (R-AGR-FROM-OFFER, R-AGR-TRANCHES)."""
from datetime import timedelta

from tests.factories import decided_contest


def test_r_agr_tranches_agreement_signed_and_tranches_paid_once(client, session, make_user, make_org, api_token,
                                                                 clock_at):
    officer, officer2, finance = make_user("officer"), make_user("officer"), make_user("finance")
    org = make_org()
    ngo = make_user("applicant", org=org)
    h, hf, hn = api_token(officer), api_token(finance), api_token(ngo)
    contest, (offer,) = decided_contest(session, officer, [(ngo, org, "9000.00")], officer2)
    assert client.get(f"/api/v1/offers/{offer.id}", headers=h).get_json()["state"] == "ready_for_agreement"
    r = client.post("/api/v1/agreements", json={"offer_id": str(offer.id), "tranche_pattern": "80/20"}, headers=h)
    assert r.status_code == 201, r.get_data(as_text=True)
    a = r.get_json()
    assert a["grant"] == "9000.00" and [t["amount"] for t in a["tranches"]] == ["7200.00", "1800.00"]
    # an applicant does not see a draft agreement
    assert client.get(f"/api/v1/agreements/{a['id']}", headers=hn).status_code == 404
    sign = {"signed_by_organisation_on": "2026-12-01", "signed_by_grantor_on": "2026-12-02"}
    r = client.post(f"/api/v1/agreements/{a['id']}/transitions/sign", json=sign, headers=h)
    assert r.status_code == 422 and "IBAN" in r.get_data(as_text=True)  # no bank account yet
    r = client.patch(f"/api/v1/agreements/{a['id']}", json={"iban": "PL61109010140000071219812874"}, headers=h)
    assert r.status_code == 200, r.get_data(as_text=True)
    r = client.post(f"/api/v1/agreements/{a['id']}/transitions/sign", json=sign, headers=h)
    assert r.status_code == 200, r.get_data(as_text=True)
    assert client.get(f"/api/v1/agreements/{a['id']}", headers=hn).status_code == 200
    # the task starts: the agreement is in progress and the first tranche is due
    from grants.agreements.models import Agreement
    from grants.core import db
    from grants.core.dates import start_of_day
    task_start = db.session().get(Agreement, int(a["id"])).task_start
    db.session.remove()
    clock_at(start_of_day(task_start) + timedelta(hours=1))
    from grants.workflows.scheduler import run_due
    run_due()
    body = client.get(f"/api/v1/agreements/{a['id']}", headers=h).get_json()
    assert body["state"] == "in_progress"
    first = body["tranches"][0]
    assert first["state"] == "due"
    pay = {"paid_on": task_start.isoformat(), "transfer_ref": "PRZELEW/1"}
    r = client.post(f"/api/v1/tranches/{first['id']}/transitions/pay", json=pay, headers=h)
    assert r.status_code == 403  # finance pays, not the officer
    r = client.post(f"/api/v1/tranches/{first['id']}/transitions/pay", json=pay, headers=hf)
    assert r.status_code == 200, r.get_data(as_text=True)
    r = client.post(f"/api/v1/tranches/{first['id']}/transitions/pay", json=pay, headers=hf)
    assert r.status_code == 409  # never paid twice
    listed = client.get("/api/v1/tranches", headers=hn).get_json()
    assert {t["state"] for t in listed["items"]} == {"paid", "scheduled"}
