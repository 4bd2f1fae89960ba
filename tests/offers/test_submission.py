"""Submission: R-OFF-DEADLINE (received at or before the deadline instant; frozen afterwards),
R-OFF-RECEIPT (number, time, SHA-256 of the frozen content; idempotent), and each content rule refusing
the submit through the API (422 naming the rule, the offer stays a draft)."""
from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from grants.contests import operations as cops
from grants.core import canonical
from grants.core.labels import field_label
from grants.offers import operations as oops
from grants.offers.models import Offer
from grants.offers.revisions import content_hash, frozen_content
from grants.workflows.errors import GuardRefused, NotEditable
from grants.workflows.scheduler import run_due
from tests.factories import make_contest, offer_content

from .support import audit_count, costed, draft, revision_count, submitted, w

US = timedelta(microseconds=1)


@pytest.fixture
def world(session, make_user, make_org, clock_at):
    clock_at("2027-03-01T10:00")
    officer = make_user("officer")
    org = make_org()
    ngo = make_user("applicant", org=org)
    c = make_contest(session, officer, deadline=w("2027-04-01T12:00:00.250000"))
    return officer, org, ngo, c


# ---------------------------------------------------------------- R-OFF-DEADLINE

def test_r_off_deadline_received_at_the_deadline_instant_accepted(session, world):
    officer, org, ngo, c = world
    o = draft(session, c, ngo, org)
    oops.transition(session, o, "submit", ngo, received_at=c.deadline)
    session.expire_all()
    o = session.get(Offer, o.id)
    assert o.state == "submitted" and o.submitted_at == c.deadline
    assert o.revisions[0].received_at == c.deadline


def test_r_off_deadline_one_microsecond_after_refused(session, world):
    officer, org, ngo, c = world
    o = draft(session, c, ngo, org)
    version, audits, content = o.version, audit_count(session, "offer", o.id), dict(o.content)
    with pytest.raises(GuardRefused) as e:
        oops.transition(session, o, "submit", ngo, received_at=c.deadline + US)
    assert e.value.reason.rule == "R-OFF-DEADLINE"
    assert "2027-04-01 12:00:00" in e.value.detail and "po terminie" in e.value.detail
    session.expire_all()
    o = session.get(Offer, o.id)
    assert (o.state, o.version, o.number, o.receipt, o.content) == ("draft", version, None, None, content)
    assert revision_count(session, o.id) == 0 and audit_count(session, "offer", o.id) == audits


def test_r_off_deadline_refused_through_the_api_after_the_deadline(client, session, world, api_token, clock_at):
    officer, org, ngo, c = world
    o = draft(session, c, ngo, org)
    h = api_token(ngo)
    clock_at(c.deadline + timedelta(seconds=2))
    r = client.post(f"/api/v1/offers/{o.id}/transitions/submit", json={}, headers=h)
    assert r.status_code == 422, r.get_data(as_text=True)
    body = r.get_json()
    assert "R-OFF-DEADLINE" in body["type"] and "R-OFF-DEADLINE" in body["detail"]
    got = client.get(f"/api/v1/offers/{o.id}", headers=h).get_json()
    assert got["state"] == "draft" and got["receipt"] is None
    submit = next(t for t in got["transitions"] if t["name"] == "submit")
    assert submit["allowed"] is False and submit["rule"] == "R-OFF-DEADLINE"


def test_r_off_deadline_received_before_but_processed_after_the_contest_closed(session, world, clock_at):
    officer, org, ngo, c = world
    oid, deadline, ngo_id = draft(session, c, ngo, org).id, c.deadline, ngo.id
    received = deadline - timedelta(milliseconds=1)
    clock_at(deadline + timedelta(seconds=5))
    assert run_due() >= 1  # the scheduler closed the contest in between
    o = session.get(Offer, oid)
    assert o.contest.state == "closed"
    ngo = session.get(type(ngo), ngo_id)  # the scheduler closed the test's session
    oops.transition(session, o, "submit", ngo, received_at=received)
    session.expire_all()
    o = session.get(Offer, oid)
    assert o.state == "submitted" and o.submitted_at == received
    # one received after the deadline is still refused once closed
    late = Offer(contest_id=o.contest_id, organisation_id=o.organisation_id, state="draft", version=1,
                 content=o.content, title="", revision_count=0, formal_checks={}, created_at=received)
    session.add(late)
    session.commit()
    with pytest.raises(GuardRefused) as e:
        oops.transition(session, late, "submit", ngo, received_at=deadline + US)
    assert e.value.reason.rule == "R-OFF-DEADLINE"


def test_r_off_deadline_no_new_draft_after_the_deadline(session, world, clock_at):
    officer, org, ngo, c = world
    clock_at(c.deadline + timedelta(seconds=1))
    with pytest.raises(NotEditable):
        oops.create(session, ngo, c, org.id)
    session.rollback()
    assert oops.create(session, ngo, c, org.id, at=c.deadline).state == "draft"


def test_r_off_deadline_submitted_offer_is_frozen_and_a_correction_is_a_new_revision(
        client, session, world, api_token, clock_at):
    officer, org, ngo, c = world
    o = submitted(session, c, ngo, org)
    rev1_content, rev1_hash = o.revisions[0].content, o.revisions[0].content_hash
    h = api_token(ngo)
    version = client.get(f"/api/v1/offers/{o.id}", headers=h).get_json()["version"]
    r = client.patch(f"/api/v1/offers/{o.id}", json={"other": {"info": "zmiana po złożeniu"}}, headers=h)
    assert r.status_code == 409, r.get_data(as_text=True)
    r = client.post(f"/api/v1/offers/{o.id}/cost-lines", json={"line": {"name": "x"}}, headers=h)
    assert r.status_code == 409
    got = client.get(f"/api/v1/offers/{o.id}", headers=h).get_json()
    assert got["version"] == version and got["content"]["other"]["info"] == ""
    # the officer asks for a correction; the applicant corrects: a second revision
    clock_at(c.deadline + timedelta(seconds=1))
    run_due()
    session.expire_all()
    c2 = session.get(type(c), c.id)
    cops.transition(session, c2, "start_formal_review", officer)
    o = session.get(Offer, o.id)
    oops.transition(session, o, "request_correction", officer, {"deficiencies": ["Brak podpisu"]})
    r = client.patch(f"/api/v1/offers/{o.id}", json={"other": {"info": "Poprawiono"}}, headers=h)
    assert r.status_code == 200, r.get_data(as_text=True)
    r = client.post(f"/api/v1/offers/{o.id}/transitions/resubmit", json={}, headers=h)
    assert r.status_code == 200, r.get_data(as_text=True)
    session.expire_all()
    o = session.get(Offer, o.id)
    assert [r.number for r in o.revisions] == [1, 2]
    assert [r.kind for r in o.revisions] == ["submission", "correction"]
    assert o.revisions[0].content == rev1_content and o.revisions[0].content_hash == rev1_hash
    assert content_hash(o.revisions[0].content) == rev1_hash
    assert o.revisions[0].content["content"]["other"]["info"] == ""
    assert o.revisions[1].content["content"]["other"]["info"] == "Poprawiono"
    assert o.receipt["revision"] == 2 and o.receipt["sha256"] == o.revisions[1].content_hash != rev1_hash
    # frozen again after the resubmission
    assert client.patch(f"/api/v1/offers/{o.id}", json={"other": {"info": "x"}}, headers=h).status_code == 409


# ---------------------------------------------------------------- R-OFF-RECEIPT

def test_r_off_receipt_number_time_and_hash_of_the_frozen_revision(session, world):
    officer, org, ngo, c = world
    o = draft(session, c, ngo, org)
    expected = content_hash(frozen_content(o))
    at = c.deadline - timedelta(hours=1)
    oops.transition(session, o, "submit", ngo, received_at=at)
    session.expire_all()
    o = session.get(Offer, o.id)
    rec, rev = o.receipt, o.revisions[0]
    assert rec["number"] == o.number and re.fullmatch(r"\d{4}/\d{4}/\d{5}", o.number)
    assert rec["received_at"] == canonical.jsonable(at)
    assert rec["sha256"] == rev.content_hash == content_hash(rev.content) == expected
    assert re.fullmatch(r"[0-9a-f]{64}", rec["sha256"])
    assert rev.content["content"] == o.content
    assert rev.content["applicants"][0]["krs"] == org.krs
    assert rev.content["contest"]["announcement_sha256"] == c.announcement_hash
    assert o.requested_grant == Decimal("9000.00") and o.total_cost == Decimal("10000.00")
    # any change to the frozen content changes its hash
    tampered = canonical.jsonable(rev.content)
    tampered["content"]["sources"]["grant"] = "9000.01"
    assert content_hash(tampered) != rec["sha256"]


def test_r_off_receipt_same_idempotency_key_returns_the_same_receipt(client, session, world, api_token):
    officer, org, ngo, c = world
    o = draft(session, c, ngo, org)
    h = {**api_token(ngo), "Idempotency-Key": "submit-1"}
    r1 = client.post(f"/api/v1/offers/{o.id}/transitions/submit", json={}, headers=h)
    assert r1.status_code == 200, r1.get_data(as_text=True)
    r2 = client.post(f"/api/v1/offers/{o.id}/transitions/submit", json={}, headers=h)
    assert r2.status_code == 200 and r2.headers.get("Idempotent-Replayed") == "true"
    assert r2.get_json()["receipt"] == r1.get_json()["receipt"]
    # without the key the second submit is a conflict, never a second submission
    r3 = client.post(f"/api/v1/offers/{o.id}/transitions/submit", json={}, headers=api_token(ngo))
    assert r3.status_code == 409
    assert revision_count(session, o.id) == 1
    r = client.get(f"/api/v1/offers/{o.id}/revisions", headers=api_token(ngo)).get_json()
    assert r["total"] == 1 and r["items"][0]["sha256"] == r1.get_json()["receipt"]["sha256"]


def test_r_off_receipt_retried_web_submit_shows_the_same_receipt(app, session, world, login):
    officer, org, ngo, c = world
    o = draft(session, c, ngo, org)
    web = app.test_client()
    login(ngo, web)
    stale_version = o.version
    r = web.post(f"/offers/{o.id}/transitions/submit", data={"version": stale_version})
    assert r.status_code == 303
    session.expire_all()
    receipt = session.get(Offer, o.id).receipt
    r = web.post(f"/offers/{o.id}/transitions/submit", data={"version": stale_version})  # the retry
    assert r.status_code == 303 and r.headers["Location"].endswith("#receipt")
    page = web.get(r.headers["Location"]).get_data(as_text=True)
    assert receipt["sha256"] in page and receipt["number"] in page
    session.expire_all()
    assert session.get(Offer, o.id).receipt == receipt and revision_count(session, o.id) == 1


# ---------------------------------------------------------------- each rule refuses the submit (API)

def _breakers(c, partner_id):
    base = offer_content(c)
    bad_sections = offer_content(c)
    bad_sections["task"]["need"] = ""
    bad_costs = offer_content(c)
    bad_costs["costs"][0]["action_no"] = 7
    bad_sources = offer_content(c)
    bad_sources["sources"]["own_financial"] = str(Decimal(base["sources"]["own_financial"]) + Decimal("0.01"))
    return [
        ("R-OFF-SECTIONS", bad_sections, None, "task.need"),
        ("R-OFF-COSTS", bad_costs, None, "costs.0.action_no"),
        ("R-OFF-SOURCES", bad_sources, None, "sources"),
        ("R-OFF-LIMITS", costed(c, grant="50000.01", own="10000.00"), None, "sources.grant"),
        ("R-OFF-LIMITS", costed(c, grant="9000.00", own="1000.00", action_cost_type="investment"), None,
         "costs.0.cost_type"),
        ("R-OFF-JOINT", base, [str(partner_id)], "costs.0.by_partner"),
    ]


def test_r_off_sections_costs_sources_limits_joint_refuse_submit_through_the_api(
        client, session, world, api_token, make_org):
    officer, org, ngo, c = world
    partner = make_org()
    h = api_token(ngo)
    for rule, content, partners, field in _breakers(c, partner.id):
        r = client.post("/api/v1/offers", json={"contest_id": str(c.id), "organisation_id": str(org.id)}, headers=h)
        oid = r.get_json()["id"]
        body = dict(content)
        if partners:
            body["partners"] = partners
        r = client.patch(f"/api/v1/offers/{oid}", json=body, headers=h)
        assert r.status_code == 200, r.get_data(as_text=True)
        problems = r.get_json()["problems"]
        assert {"field": field, "rule": rule} in [{"field": p["field"], "rule": p["rule"]} for p in problems], problems
        version = r.get_json()["version"]
        r = client.post(f"/api/v1/offers/{oid}/transitions/submit", json={}, headers=h)
        assert r.status_code == 422, (rule, r.get_data(as_text=True))
        problem = r.get_json()
        # the message names the field by its label (the path is in the problems of the offer's answer)
        assert rule in problem["type"] and rule in problem["detail"] and field_label(field) in problem["detail"], problem
        got = client.get(f"/api/v1/offers/{oid}", headers=h).get_json()
        assert (got["state"], got["version"], got["receipt"], got["number"]) == ("draft", version, None, None)
        assert revision_count(session, int(oid)) == 0


def test_r_off_joint_partners_from_the_registry(client, session, world, api_token, make_org):
    officer, org, ngo, c = world
    partner = make_org()
    o = draft(session, c, ngo, org)
    h = api_token(ngo)
    version = client.get(f"/api/v1/offers/{o.id}", headers=h).get_json()["version"]
    for partners in ([str(org.id)], ["999999"], [str(partner.id), "abc"]):
        r = client.patch(f"/api/v1/offers/{o.id}", json={"partners": partners}, headers=h)
        assert r.status_code == 422, (partners, r.get_data(as_text=True))
        assert [e["field"] for e in r.get_json()["errors"]] == ["partners"]
    got = client.get(f"/api/v1/offers/{o.id}", headers=h).get_json()
    assert got["partners"] == [] and got["version"] == version
    # a real partner and a split per line: submitted
    content = offer_content(c)
    for line in content["costs"]:
        value = Decimal(line["unit_cost"])
        line["by_partner"] = {str(org.id): str(value - Decimal("100.00")), str(partner.id): "100.00"}
    r = client.patch(f"/api/v1/offers/{o.id}", json={"partners": [str(partner.id)], **content}, headers=h)
    assert r.status_code == 200 and r.get_json()["problems"] == [], r.get_data(as_text=True)
    r = client.post(f"/api/v1/offers/{o.id}/transitions/submit", json={}, headers=h)
    assert r.status_code == 200, r.get_data(as_text=True)
    session.expire_all()
    rev = session.get(Offer, o.id).revisions[0]
    assert [a["id"] for a in rev.content["applicants"]] == [org.id, partner.id]
