"""Issue 6 through the pages: sign, pay a tranche, report, review, settle with a late return, close."""
from datetime import date, timedelta
from decimal import Decimal

from werkzeug.datastructures import MultiDict

from tests.factories import decided_contest


def _version(model, oid):
    from grants.core import db
    v = db.session().get(model, oid).version
    db.session.remove()
    return str(v)


def test_after_the_award_through_the_pages(app, client, session, make_user, make_org, api_token, login, clock_at):
    from grants.agreements.models import Agreement, Tranche
    from grants.core import db
    from grants.core.dates import end_of_day, start_of_day
    from grants.reports.models import Report
    from grants.settlements.models import Settlement
    from grants.workflows.scheduler import run_due
    officer, officer2, finance = make_user("officer"), make_user("officer"), make_user("finance")
    org = make_org()
    ngo = make_user("applicant", org=org)
    h = api_token(officer)
    contest, (offer,) = decided_contest(session, officer, [(ngo, org, "9000.00")], officer2)
    aid = int(client.post("/api/v1/agreements", json={"offer_id": str(offer.id), "tranche_pattern": "100",
                                                      "iban": "PL61109010140000071219812874"}, headers=h).get_json()["id"])
    off, fin, app_ = (login(u, app.test_client()) for u in (officer, finance, ngo))
    r = off.post(f"/agreements/{aid}/transitions/sign", data={
        "version": _version(Agreement, aid), "signed_by_organisation_on": "2026-12-01",
        "signed_by_grantor_on": "2026-12-02"})
    assert r.status_code == 303
    a = db.session().get(Agreement, aid)
    start, end, tid = a.task_start, a.task_end, a.tranches[0].id
    db.session.remove()
    assert "podpisana" in off.get(f"/agreements/{aid}").get_data(as_text=True)
    clock_at(start_of_day(start) + timedelta(hours=1))
    run_due()
    assert fin.post(f"/agreements/tranches/{tid}/transitions/pay", data={
        "version": _version(Tranche, tid), "paid_on": start.isoformat(), "transfer_ref": "P/1"}).status_code == 303
    assert db.session().get(Tranche, tid).state == "paid"
    db.session.remove()
    clock_at(end_of_day(end) + timedelta(minutes=1))
    run_due()
    rid = db.session().query(Report.id).filter(Report.agreement_id == aid).scalar()
    db.session.remove()
    costs = client.get(f"/api/v1/offers/{offer.id}", headers=h).get_json()["content"]["costs"]
    values = [(Decimal(c["unit_cost"]) * Decimal(c["units"])).quantize(Decimal("0.01")) for c in costs]
    own = sum(values) - Decimal("9000.00")
    form = MultiDict([("version", _version(Report, rid)), ("narrative", "Zrobione."), ("results.0.result", "Uczestnicy"),
                      ("results.0.planned", "40"), ("results.0.achieved", "40"),
                      ("expenditure.0.line", "0"), ("expenditure.0.from_grant", str(values[0] - own - 1000)),
                      ("expenditure.0.from_other", str(own)),
                      ("expenditure.1.line", "1"), ("expenditure.1.from_grant", str(values[1])),
                      ("expenditure.1.from_other", "0.00"),
                      ("sources.grant", "8000.00"), ("sources.own_financial", str(own))])
    assert app_.post(f"/reports/{rid}", data=form).status_code == 303
    for who, name in ((app_, "submit"), (off, "start_review"), (off, "accept")):
        r = who.post(f"/reports/{rid}/transitions/{name}", data={"version": _version(Report, rid)})
        assert r.status_code == 303
    assert db.session().get(Report, rid).state == "accepted"
    sid = db.session().query(Settlement.id).filter(Settlement.agreement_id == aid).scalar()
    db.session.remove()
    # a finding the form cannot read: refused with the field's label, never its path ("findings.0.amount")
    r = fin.post(f"/settlements/{sid}/transitions/calculate", data={"version": _version(Settlement, sid),
                                                                    "finding_kind": "misused", "finding_amount": "abc",
                                                                    "finding_on": "2027-01-05"}, follow_redirects=True)
    refused = r.get_data(as_text=True)
    assert r.status_code == 200 and "flash-error" in refused and "findings.0" not in refused
    assert fin.post(f"/settlements/{sid}/transitions/calculate", data={"version": "v"}).status_code == 303  # no 500
    for name in ("calculate", "request_return"):
        assert fin.post(f"/settlements/{sid}/transitions/{name}", data={"version": _version(Settlement, sid)}).status_code == 303
    st = db.session().get(Settlement, sid)
    assert st.state == "awaiting_return" and st.total_to_return == Decimal("1000.00")
    due = date.fromisoformat(st.obligations[0]["due"])
    db.session.remove()
    late = due + timedelta(days=10)
    clock_at(start_of_day(late) + timedelta(hours=3))
    page = fin.get(f"/settlements/{sid}").get_data(as_text=True)
    assert "pozostaje dziś" in page
    from grants.settlements.calculation import outstanding
    owed = outstanding(db.session().get(Settlement, sid), late)
    db.session.remove()
    assert owed > Decimal("1000.00")  # 10 days of statutory interest
    r = fin.post(f"/settlements/{sid}/returns", data={"paid_on": late.isoformat(), "amount": str(owed),
                                                      "reference": "ZW/1"})
    assert r.status_code == 303
    for name in ("mark_returned", "close"):
        assert fin.post(f"/settlements/{sid}/transitions/{name}", data={"version": _version(Settlement, sid)}).status_code == 303
    assert db.session().get(Agreement, aid).state == "closed"
    db.session.remove()
    assert "odsetki" in fin.get(f"/settlements/{sid}").get_data(as_text=True)
