"""From an award to paid tranches through the API (R-AGR-FROM-OFFER, R-AGR-TRANCHES)."""
from datetime import timedelta
from decimal import Decimal

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


def test_r_rep_final_report_due_30_days_after_the_end_and_accepted_opens_settlement(
        client, session, make_user, make_org, api_token, clock_at):
    from grants.agreements.models import Agreement
    from grants.core import db
    from grants.core.dates import days_after, end_of_day, start_of_day
    from grants.workflows.scheduler import run_due
    officer, officer2 = make_user("officer"), make_user("officer")
    org = make_org()
    ngo = make_user("applicant", org=org)
    h, hn = api_token(officer), api_token(ngo)
    contest, (offer,) = decided_contest(session, officer, [(ngo, org, "9000.00")], officer2)
    a = client.post("/api/v1/agreements", json={"offer_id": str(offer.id), "iban": "PL61109010140000071219812874"},
                    headers=h).get_json()
    sign = {"signed_by_organisation_on": "2026-12-01", "signed_by_grantor_on": "2026-12-02"}
    assert client.post(f"/api/v1/agreements/{a['id']}/transitions/sign", json=sign, headers=h).status_code == 200
    reports = client.get("/api/v1/reports", headers=hn).get_json()["items"]
    assert [r["kind"] for r in reports] == ["final"]
    ag = db.session().get(Agreement, int(a["id"]))
    end, start = ag.task_end, ag.task_start
    db.session.remove()
    assert reports[0]["due_on"] == days_after(end, 30).isoformat()  # R-REP-FINAL with R-DAYS
    # a partial report cannot be due sooner than 30 days after the demand
    from grants.core import clock
    soon = (clock.today() + timedelta(days=10)).isoformat()
    r = client.post("/api/v1/reports", json={"agreement_id": a["id"], "due_on": soon}, headers=h)
    assert r.status_code == 422 and "30" in r.get_data(as_text=True)
    clock_at(start_of_day(start) + timedelta(hours=1))
    run_due()
    clock_at(end_of_day(end) + timedelta(minutes=1))
    run_due()
    assert client.get(f"/api/v1/agreements/{a['id']}", headers=h).get_json()["state"] == "reporting"
    rid = reports[0]["id"]
    costs = client.get(f"/api/v1/offers/{offer.id}", headers=h).get_json()["content"]["costs"]
    values = [str((Decimal(c["unit_cost"]) * Decimal(c["units"])).quantize(Decimal("0.01"))) for c in costs]
    own = sum(Decimal(v) for v in values) - Decimal("9000.00")  # the offer's own contribution
    expenditure = [{"line": i, "from_grant": v, "from_other": "0.00"} for i, v in enumerate(values)]
    expenditure[0] = {"line": 0, "from_grant": str(Decimal(values[0]) - own), "from_other": str(own)}
    body = {"narrative": "Zrealizowano wszystkie działania.",
            "results": [{"result": "Uczestnicy", "planned": "40", "achieved": "42"}],
            "expenditure": expenditure, "sources": {"grant": "9000.00", "own_financial": str(own)}}
    r = client.patch(f"/api/v1/reports/{rid}", json=body, headers=hn)
    assert r.status_code == 200 and r.get_json()["problems"] == [], r.get_data(as_text=True)
    assert client.post(f"/api/v1/reports/{rid}/transitions/submit", json={}, headers=hn).status_code == 200
    assert client.post(f"/api/v1/reports/{rid}/transitions/start_review", json={}, headers=h).status_code == 200
    r = client.post(f"/api/v1/reports/{rid}/transitions/accept", json={}, headers=h)
    assert r.status_code == 200, r.get_data(as_text=True)
    assert client.get(f"/api/v1/agreements/{a['id']}", headers=h).get_json()["state"] == "settling"


def test_r_set_return_unused_grant_returned_late_with_interest_then_everything_closes(
        client, session, make_user, make_org, api_token, clock_at):
    from grants.agreements.models import Agreement
    from grants.core import db
    from grants.core.dates import end_of_day, start_of_day
    from grants.workflows.scheduler import run_due
    officer, officer2, finance = make_user("officer"), make_user("officer"), make_user("finance")
    org = make_org()
    ngo = make_user("applicant", org=org)
    h, hf, hn = api_token(officer), api_token(finance), api_token(ngo)
    contest, (offer,) = decided_contest(session, officer, [(ngo, org, "9000.00")], officer2)
    a = client.post("/api/v1/agreements", json={"offer_id": str(offer.id), "iban": "PL61109010140000071219812874"},
                    headers=h).get_json()
    sign = {"signed_by_organisation_on": "2026-12-01", "signed_by_grantor_on": "2026-12-02"}
    assert client.post(f"/api/v1/agreements/{a['id']}/transitions/sign", json=sign, headers=h).status_code == 200
    ag = db.session().get(Agreement, int(a["id"]))
    start, end = ag.task_start, ag.task_end
    db.session.remove()
    clock_at(start_of_day(start) + timedelta(hours=1))
    run_due()
    tranche = client.get(f"/api/v1/agreements/{a['id']}", headers=h).get_json()["tranches"][0]
    r = client.post(f"/api/v1/tranches/{tranche['id']}/transitions/pay",
                    json={"paid_on": start.isoformat(), "transfer_ref": "P/1"}, headers=hf)
    assert r.status_code == 200, r.get_data(as_text=True)
    clock_at(end_of_day(end) + timedelta(minutes=1))
    run_due()
    rid = client.get("/api/v1/reports", headers=hn).get_json()["items"][0]["id"]
    costs = client.get(f"/api/v1/offers/{offer.id}", headers=h).get_json()["content"]["costs"]
    own = sum((Decimal(c["unit_cost"]) * Decimal(c["units"])).quantize(Decimal("0.01")) for c in costs) - Decimal("9000")
    # 1,000.00 of the grant stays unused
    body = {"narrative": "Zrealizowano.", "results": [{"result": "Uczestnicy", "planned": "40", "achieved": "40"}],
            "expenditure": [{"line": 0, "from_grant": "7500.00", "from_other": str(own)},
                            {"line": 1, "from_grant": "500.00", "from_other": "0.00"}],
            "sources": {"grant": "8000.00", "own_financial": str(own)}}
    assert client.patch(f"/api/v1/reports/{rid}", json=body, headers=hn).status_code == 200
    for name, hh in (("submit", hn), ("start_review", h), ("accept", h)):
        r = client.post(f"/api/v1/reports/{rid}/transitions/{name}", json={}, headers=hh)
        assert r.status_code == 200, (name, r.get_data(as_text=True))
    sid = client.get("/api/v1/settlements", headers=hf).get_json()["items"][0]["id"]
    r = client.post(f"/api/v1/settlements/{sid}/transitions/calculate", json={}, headers=hf)
    assert r.status_code == 200, r.get_data(as_text=True)
    s = r.get_json()
    unused = next(x for x in s["lines"] if x["code"] == "unused")
    assert unused["amount"] == "1000.00" and s["total_to_return"] >= "1000.00"
    due = s["obligations"][0]["due"]
    assert client.post(f"/api/v1/settlements/{sid}/transitions/close", json={}, headers=hf).status_code == 422
    assert client.post(f"/api/v1/settlements/{sid}/transitions/request_return", json={}, headers=hf).status_code == 200
    from datetime import date
    late = (date.fromisoformat(due) + timedelta(days=10)).isoformat()
    too_much = client.post(f"/api/v1/settlements/{sid}/returns", json={"paid_on": late, "amount": "99999.00"}, headers=hf)
    assert too_much.status_code == 422
    # pay the principal only: 10 days of interest remain (R-SET-PARTIAL splits the payment proportionally)
    r = client.post(f"/api/v1/settlements/{sid}/returns",
                    json={"paid_on": late, "amount": s["total_to_return"], "reference": "ZW/1"}, headers=hf)
    assert r.status_code == 201, r.get_data(as_text=True)
    s2 = r.get_json()
    split = s2["explanation"][0]["splits"][0]
    assert Decimal(split["to_interest"]) > 0  # 10 days late: interest owed, paid first in proportion
    left = Decimal(s2["outstanding_today"])
    assert left > 0
    assert client.post(f"/api/v1/settlements/{sid}/transitions/mark_returned", json={}, headers=hf).status_code == 422
    clock_at(start_of_day(date.fromisoformat(late)) + timedelta(hours=2))
    owed = client.get(f"/api/v1/settlements/{sid}", headers=hf).get_json()["outstanding_today"]
    r = client.post(f"/api/v1/settlements/{sid}/returns", json={"paid_on": late, "amount": owed}, headers=hf)
    assert r.status_code == 201, r.get_data(as_text=True)
    for name in ("mark_returned", "close"):
        r = client.post(f"/api/v1/settlements/{sid}/transitions/{name}", json={}, headers=hf)
        assert r.status_code == 200, (name, r.get_data(as_text=True))
    assert client.get(f"/api/v1/agreements/{a['id']}", headers=h).get_json()["state"] == "closed"
    assert client.get(f"/api/v1/contests/{contest.id}", headers=h).get_json()["state"] == "concluded"


def test_r_agr_from_offer_annex_changes_dates_and_tranches_as_a_new_version(client, session, make_user, make_org,
                                                                            api_token):
    officer, officer2 = make_user("officer"), make_user("officer")
    org = make_org()
    ngo = make_user("applicant", org=org)
    h, hn = api_token(officer), api_token(ngo)
    contest, (offer,) = decided_contest(session, officer, [(ngo, org, "9000.00")], officer2)
    a = client.post("/api/v1/agreements", json={"offer_id": str(offer.id), "iban": "PL61109010140000071219812874",
                                                "tranche_pattern": "80/20"}, headers=h).get_json()
    client.post(f"/api/v1/agreements/{a['id']}/transitions/sign",
                json={"signed_by_organisation_on": "2026-12-01", "signed_by_grantor_on": "2026-12-02"}, headers=h)
    new_end = a["task_end"][:4] + "-12-15"
    bad = {"reason": "Przesunięcie", "changes": {"tranches": [{"amount": "1.00", "due_on": a["task_start"]}]}}
    r = client.post(f"/api/v1/agreements/{a['id']}/annexes", json=bad, headers=hn)
    assert r.status_code == 201  # proposed by the organisation...
    r = client.post(f"/api/v1/agreements/{a['id']}/annexes/1/decision", json={"approve": True}, headers=h)
    assert r.status_code == 422  # ...but a schedule not summing to the grant is refused at approval
    r = client.post(f"/api/v1/agreements/{a['id']}/annexes/1/decision", json={"approve": False, "note": "Suma"},
                    headers=h)
    assert r.status_code == 200 and r.get_json()["status"] == "rejected"
    good = {"reason": "Dłuższa realizacja", "changes": {"task_end": new_end, "tranches": [
        {"amount": "4500.00", "due_on": a["task_start"]}, {"amount": "4500.00", "due_on": a["task_start"]}]}}
    assert client.post(f"/api/v1/agreements/{a['id']}/annexes", json=good, headers=hn).status_code == 201
    assert client.post(f"/api/v1/agreements/{a['id']}/annexes/2/decision", json={"approve": True}, headers=hn).status_code == 403
    r = client.post(f"/api/v1/agreements/{a['id']}/annexes/2/decision", json={"approve": True}, headers=h)
    assert r.status_code == 200, r.get_data(as_text=True)
    annex = r.get_json()
    assert annex["before"]["task_end"] == a["task_end"] and annex["after"]["task_end"] == new_end
    body = client.get(f"/api/v1/agreements/{a['id']}", headers=h).get_json()
    assert body["task_end"] == new_end and [t["amount"] for t in body["tranches"]] == ["4500.00", "4500.00"]
