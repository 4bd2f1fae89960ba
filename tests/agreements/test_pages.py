"""The agreement, report and settlement pages for each side."""
from datetime import timedelta

from werkzeug.datastructures import MultiDict

from tests.factories import decided_contest


def test_report_filled_on_the_page_and_settlement_page_for_finance(app, client, session, make_user, make_org,
                                                                    api_token, login, clock_at):
    from grants.agreements.models import Agreement
    from grants.core import db
    from grants.core.dates import end_of_day, start_of_day
    from grants.workflows.scheduler import run_due
    officer, officer2, finance = make_user("officer"), make_user("officer"), make_user("finance")
    org = make_org()
    ngo = make_user("applicant", org=org)
    h = api_token(officer)
    contest, (offer,) = decided_contest(session, officer, [(ngo, org, "9000.00")], officer2)
    a = client.post("/api/v1/agreements", json={"offer_id": str(offer.id), "iban": "PL61109010140000071219812874"},
                    headers=h).get_json()
    client.post(f"/api/v1/agreements/{a['id']}/transitions/sign",
                json={"signed_by_organisation_on": "2026-12-01", "signed_by_grantor_on": "2026-12-02"}, headers=h)
    ag = db.session().get(Agreement, int(a["id"]))
    start, end = ag.task_start, ag.task_end
    db.session.remove()
    clock_at(start_of_day(start) + timedelta(hours=1))
    run_due()
    clock_at(end_of_day(end) + timedelta(minutes=1))
    run_due()
    web = login(ngo, app.test_client())
    page = web.get(f"/agreements/{a['id']}")
    assert page.status_code == 200 and "końcowe" in page.get_data(as_text=True)
    rid = client.get("/api/v1/reports", headers=api_token(ngo)).get_json()["items"][0]["id"]
    assert web.get(f"/reports/{rid}").status_code == 200
    form = MultiDict([("version", "1"), ("narrative", "Wykonano."), ("results.0.result", "Uczestnicy"),
                      ("results.0.planned", "40"), ("results.0.achieved", "41"),
                      ("expenditure.0.line", "0"), ("expenditure.0.from_grant", "abc")])
    r = web.post(f"/reports/{rid}", data=form)
    assert r.status_code == 422  # a bad number: nothing saved
    assert client.get(f"/api/v1/reports/{rid}", headers=h).get_json()["content"] == {}
    form.setlist("expenditure.0.from_grant", ["100.00"])
    r = web.post(f"/reports/{rid}", data=form)
    assert r.status_code == 303
    assert client.get(f"/api/v1/reports/{rid}", headers=h).get_json()["content"]["narrative"] == "Wykonano."
    other = login(make_user("applicant", org=make_org()), app.test_client())
    assert other.get(f"/reports/{rid}").status_code == 404
    fin = login(finance, app.test_client())
    assert fin.get("/").status_code == 200
    assert fin.get(f"/agreements/{a['id']}").status_code == 200
    printed = web.get(f"/agreements/{a['id']}/print").get_data(as_text=True)
    assert a["number"] in printed and "9\u00a0000,00" in printed
