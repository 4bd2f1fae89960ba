"""Issue 15 "Done when": a client written only from the OpenAPI document runs a contest from draft to
the settled return, composes its commission by searching users, and reads the results.

The client (tests.flows.DocClient) knows no URL: it reads /api/v1/openapi.json and finds each operation by its
operationId, fills the path's parameters and checks every answer against the documented responses'
status codes. Business time moves with the test clock and the scheduler runs as it would in the
server (the world around the client); the data (an offer's content) comes from the test factories."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

from tests.factories import offer_content
from tests.flows import DocClient, api_formal_review, api_scoring, contest_json


def test_a_client_from_the_document_runs_a_contest_to_the_settled_return(client, make_user, make_org, clock_at):
    from grants.workflows.scheduler import run_due  # the server's scheduler: time passing, not an URL

    officer, officer2, finance = make_user("officer"), make_user("officer"), make_user("finance")
    org = make_org("Fundacja Teatr Seniora")
    ngo = make_user("applicant", org=org)
    doc = client.get("/api/v1/openapi.json").get_json()
    anon = DocClient(client, doc)
    o, f, n = anon.as_(officer.email), anon.as_(finance.email), anon.as_(ngo.email)

    # ---- draft → published
    today = date.today()  # the test clock is not moved yet: business time is the system's
    year = today.year + 1
    deadline = datetime.now().astimezone() + timedelta(days=30)
    contest = o.call("create_contests", expect=201, json=contest_json(f"Kultura w dzielnicach {year}", deadline, year))
    cid = contest["id"]
    assert contest["state"] == "draft"
    assert o.transition("contests", cid, "publish")["state"] == "published"

    # ---- the applicant finds its organisation, writes and submits an offer
    mine = n.call("organisations_list", query={"mine": "1"})["items"]
    assert [x["name"] for x in mine] == [org.name]
    offer = n.call("create_offers", expect=201, json={"contest_id": cid, "organisation_id": mine[0]["id"]})
    content = offer_content(SimpleNamespace(task_start=date(year, 1, 1), task_type=contest["task_type"]), "9000.00")
    sections = {k: v for k, v in content.items() if k in doc["components"]["schemas"]["OfferPatch"]["properties"]}
    n.call("patch_offers", json=sections, id=offer["id"])
    assert n.transition("offers", offer["id"], "submit")["state"] == "submitted"

    # ---- the deadline passes: closed; formal review; evaluation
    clock_at(deadline + timedelta(minutes=1))
    run_due()
    assert anon.call("get_contests", id=cid)["state"] == "closed"
    api_formal_review(o, cid, offer["id"])

    # ---- a commission composed by searching users
    com = o.call("create_commissions", expect=201, json={"contest_id": cid})
    found = o.call("search_users", query={"role": "officer"})["items"]
    assert all(x["email"] is None for x in found if x["id"] != str(officer.id))  # no one else's e-mail
    ids = {x["id"] for x in found}
    assert {str(officer.id), str(officer2.id)} <= ids
    o2 = anon.as_(officer2.email)
    api_scoring(o, o2, (officer.id, officer2.id), cid, com["id"], offer["id"])
    assert o.call("get_ranking", cid=com["id"])["items"][0]["offer_id"] == offer["id"]
    o.transition("commissions", com["id"], "approve_protocol")

    # ---- the decision and the public results (R-RESULTS)
    anon.call("contest_results_read", expect=409, cid=cid)
    assert o.transition("contests", cid, "decide")["state"] == "decided"
    results = anon.call("contest_results_read", cid=cid)
    assert results["items"][0]["organisation"]["name"] == org.name and results["items"][0]["awarded"] == "9000.00"
    assert n.call("get_offers", id=offer["id"])["awarded_grant"] == "9000.00"

    # ---- agreement, tranche paid, report accepted
    a = o.call("create_agreements", expect=201, json={"offer_id": offer["id"], "iban": "PL61109010140000071219812874"})
    o.transition("agreements", a["id"], "sign", {"signed_by_organisation_on": today.isoformat(),
                                                  "signed_by_grantor_on": today.isoformat()})
    a = o.call("get_agreements", id=a["id"])
    start, end = date.fromisoformat(a["task_start"]), date.fromisoformat(a["task_end"])
    clock_at(datetime(start.year, start.month, start.day, 10).astimezone())
    run_due()
    tranche = o.call("get_agreements", id=a["id"])["tranches"][0]
    f.transition("tranches", tranche["id"], "pay", {"paid_on": start.isoformat(), "transfer_ref": "P/1"})
    clock_at(datetime(end.year, end.month, end.day, 23, 59).astimezone() + timedelta(minutes=2))
    run_due()
    report = n.call("list_reports")["items"][0]
    costs = content["costs"]
    own = sum((Decimal(c["unit_cost"]) * Decimal(c["units"])).quantize(Decimal("0.01")) for c in costs) - Decimal("9000")
    granted = [(Decimal(c["unit_cost"]) * Decimal(c["units"])).quantize(Decimal("0.01")) for c in costs]
    # 1,000.00 of the grant stays unused: it is returned
    n.call("patch_reports", id=report["id"], json={
        "narrative": "Zrealizowano.", "results": [{"result": "Uczestnicy", "planned": "40", "achieved": "40"}],
        "expenditure": [{"line": 0, "from_grant": str(granted[0] - own - Decimal("1000")), "from_other": str(own)},
                        {"line": 1, "from_grant": str(granted[1]), "from_other": "0.00"}],
        "sources": {"grant": "8000.00", "own_financial": str(own)}})
    n.transition("reports", report["id"], "submit")
    o.transition("reports", report["id"], "start_review")
    o.transition("reports", report["id"], "accept")

    # ---- settlement: the return booked, settled
    sid = f.call("list_settlements")["items"][0]["id"]
    s = f.transition("settlements", sid, "calculate")
    assert next(x for x in s["lines"] if x["code"] == "unused")["amount"] == "1000.00"
    f.transition("settlements", sid, "request_return")
    paid_on = (end + timedelta(days=20)).isoformat()
    clock_at(datetime.fromisoformat(paid_on + "T10:00").astimezone())
    owed = f.call("get_settlements", id=sid)["outstanding_today"]
    f.call("record_return", expect=201, sid=sid, json={"paid_on": paid_on, "amount": owed, "reference": "ZW/1"})
    f.transition("settlements", sid, "mark_returned")
    f.transition("settlements", sid, "close")
    assert o.call("get_agreements", id=a["id"])["state"] == "closed"
    assert anon.call("get_contests", id=cid)["state"] in ("decided", "concluded")
