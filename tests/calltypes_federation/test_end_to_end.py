"""Done when (issue 8): federation building from a confirmed coalition to a report with representation
indicators, through the pages and the API. A coalition of three (the lead and two partners of a
joint offer) in a contest requiring three member organisations: submission refused until the members
confirmed from their own accounts; then submitted, decided, agreement signed, the final report's
indicators filled in through the API (bad indicators refused, nothing changed) and submitted."""
from __future__ import annotations

import re
from datetime import date, timedelta

from grants.offers.models import Offer
from grants.reports.models import Report
from tests.after_award.helpers import World
from tests.web.test_accessibility import problems as a11y
from tests.calltypes_federation.helpers import (CODE, after_deadline, api_body, audit_actions, decide, fed_content,
                                                fresh, member_rows)

GOOD = {"members_at_start": 3, "members_at_end": 5, "consultation_responses": 4, "meetings_held": 12,
        "delegates": [{"person": "Anna Kowalska", "body": "public_benefit_council", "since": None},
                      {"person": "Jan Nowak", "body": "other", "body_name": "Zespół ds. budżetu obywatelskiego",
                       "since": None}]}


def ok(r, status=200):
    assert r.status_code == status, r.get_data(as_text=True)
    return r.get_json()


def test_federation_from_a_confirmed_coalition_to_a_report_with_representation_indicators(
        app, client, session, make_user, make_org, api_token, login, clock_at):
    officer, officer2, finance = make_user("officer"), make_user("officer"), make_user("finance")
    lead_org = make_org("Koalicja Organizacji Seniorów")
    p1, p2, p3 = (make_org("Stowarzyszenie Partner Pierwszy"), make_org("Fundacja Partner Druga"),
                  make_org("Klub Członkowski Trzeci"))
    lead = make_user("applicant", org=lead_org)
    u1, u2, u3 = (make_user("applicant", org=o) for o in (p1, p2, p3))
    h, hl, h1, h2, h3 = (api_token(x) for x in (officer, lead, u1, u2, u3))

    # the contest: three member organisations required
    c = ok(client.post("/api/v1/contests", json=api_body(min_members=3), headers=h), 201)
    assert c["call_type"] == CODE
    ok(client.post(f"/api/v1/contests/{c['id']}/transitions/publish", headers=h))
    from grants.contests.models import Contest
    contest = session.get(Contest, int(c["id"]))

    # the lead's joint offer: statutory content, the federation section, partners (V.C)
    o = ok(client.post("/api/v1/offers", json={"contest_id": c["id"], "organisation_id": str(lead_org.id)},
                       headers=hl), 201)
    oid = o["id"]
    content = fed_content(contest, "coalition", split_to=lead_org.id)
    ok(client.patch(f"/api/v1/offers/{oid}", json={"partners": [str(p1.id), str(p2.id)]}, headers=hl))
    ok(client.patch(f"/api/v1/offers/{oid}", json={k: v for k, v in content.items()}, headers=hl))

    # members named: two through the offer page's panel, one through the API
    web_lead = login(lead, app.test_client())
    page = web_lead.get(f"/offers/{oid}").get_data(as_text=True)
    assert "Organizacje członkowskie" in page and 'name="organisation_id"' in page
    for org in (p1, p2):
        v = fresh(Offer, int(oid)).version
        r = web_lead.post(f"/federation/offers/{oid}/members", data={"organisation_id": str(org.id), "version": v})
        assert r.status_code == 303 and r.headers["Location"].endswith(f"/offers/{oid}#members")
    ok(client.post(f"/api/v1/offers/{oid}/members", json={"organisation_id": str(p3.id)}, headers=hl), 201)
    assert [m[0] for m in member_rows(int(oid))] == [p1.id, p2.id, p3.id]

    # nobody confirmed: refused, naming who has not
    r = client.post(f"/api/v1/offers/{oid}/transitions/submit", headers=hl)
    assert r.status_code == 422
    detail = r.get_json()["detail"]
    assert "co najmniej 3" in detail and "teraz liczy 1" in detail
    for org in (p1, p2, p3):
        assert org.name in detail

    # partner 1 sees the joint offer and confirms on its page; the confirm button is there for it only
    web1 = login(u1, app.test_client())
    page = web1.get(f"/offers/{oid}").get_data(as_text=True)
    assert f"/federation/offers/{oid}/members/{p1.id}/confirm" in page
    assert f"/federation/offers/{oid}/members/{p2.id}/confirm" not in page
    assert 'name="organisation_id"' not in page  # not the applicant: no adding
    r = web1.post(f"/federation/offers/{oid}/members/{p1.id}/confirm")
    assert r.status_code == 303
    # a coalition of two (the lead and partner 1) when three are required
    r = client.post(f"/api/v1/offers/{oid}/transitions/submit", headers=hl)
    assert r.status_code == 422 and "teraz liczy 2" in r.get_json()["detail"]
    assert p1.name not in r.get_json()["detail"].split("Nie potwierdziły jeszcze:")[1]

    # partner 2 through the API; member 3 declines: no matter, three counted
    body = ok(client.post(f"/api/v1/offers/{oid}/members/{p2.id}/confirm", headers=h2))
    assert body["scope"] == "all" and body["counted"] == 3  # a partner sees the offer, so all its members
    body = ok(client.post(f"/api/v1/offers/{oid}/members/{p3.id}/decline", headers=h3))
    assert body["scope"] == "own" and [m["status"] for m in body["items"]] == ["declined"]
    assert audit_actions(int(oid)).count("member_confirm") == 2

    sub = ok(client.post(f"/api/v1/offers/{oid}/transitions/submit", headers=hl))
    assert sub["state"] == "submitted" and sub["receipt"]["sha256"]

    # the printed offer lists the members with their confirmation dates
    printed = web_lead.get(f"/offers/{oid}/print").get_data(as_text=True)
    assert "Organizacje członkowskie" in printed and p3.name in printed
    # dates in the Polish format, Warsaw time, through the `local` filter ("20.01.2027, 16:00")
    assert len(re.findall(r"potwierdzone \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}", printed)) == 2
    assert "koalicja organizacji" in printed

    # deadline, formal review, commission, decision
    after_deadline(clock_at, contest)
    from grants.core import db
    db.session.remove()
    s = db.session()
    contest = s.get(Contest, int(c["id"]))
    offer = s.get(Offer, int(oid))
    decide(s, s.merge(officer), s.merge(officer2), contest, [offer])
    assert fresh(Offer, int(oid)).state == "ready_for_agreement"

    # agreement, signed, the task carried out: the final report
    w = World(client=client, session=s, clock_at=clock_at, officer=officer, officer2=officer2, finance=finance,
              orgs=[lead_org], ngos=[lead], h=h, hf=api_token(finance), hn=[hl], contest=contest, offers=[offer])
    a = w.draft(0)
    w.sign(a["id"])
    w.start_task(a["id"])
    w.end_task(a["id"])
    assert w.agreement(a["id"])["state"] == "reporting"
    rep = w.final_report(a["id"], hl)
    url = f"/api/v1/reports/{rep['id']}"
    planned = w.planned()
    own = sum(planned) - offer.requested_grant  # the own contribution spent on the first line
    spent = w.report_body([planned[0] - own, *planned[1:]], own)
    since = (date.fromisoformat(a["task_start"]) + timedelta(days=10)).isoformat()
    good = {**GOOD, "delegates": [{**d, "since": since} for d in GOOD["delegates"]]}

    # the statutory part first; the indicators are missing: submission refused, each named
    got = ok(client.patch(url, json=spent, headers=hl))
    missing = {p["field"] for p in got["problems"]}
    assert {"call.members_at_start", "call.members_at_end", "call.consultation_responses",
            "call.meetings_held"} <= missing, got["problems"]
    r = client.post(f"{url}/transitions/submit", headers=hl)
    assert r.status_code == 422 and "Podaj wskaźnik" in r.get_json()["detail"]

    # bad indicators: refused in Polish, nothing changed
    before = fresh(Report, int(rep["id"])).content
    for bad, field, words in (
            ({**good, "members_at_end": -2}, "call.members_at_end", "ujemna"),
            ({**good, "meetings_held": "dużo"}, "call.meetings_held", "liczbę całkowitą"),
            ({**good, "meetings_held": 2.5}, "call.meetings_held", "liczbę całkowitą"),
            ({**good, "delegates": [{"person": "X", "body": "sejm", "since": since}]}, "call.delegates.0.body",
             "wybierz"),
            ({**good, "delegates": [{"person": "X", "body": "other", "since": "31.02.2027"}]},
             "call.delegates.0.since", "RRRR-MM-DD"),
            ({**good, "surprise": 1}, "call.surprise", "")):
        r = client.patch(url, json={"call": bad}, headers=hl)
        assert r.status_code == 422, (bad, r.get_data(as_text=True))
        errs = {e["field"]: e["message"] for e in r.get_json()["errors"]}
        assert field in errs and words in errs[field], errs
        assert fresh(Report, int(rep["id"])).content == before
    # an inconsistent delegated list saves as a draft but is not submitted
    incons = {**good, "delegates": [{"person": "Anna Kowalska", "body": "public_benefit_council", "since": since},
                                     {"person": "anna kowalska", "body": "public_benefit_council", "since": since},
                                     {"person": "", "body": "other", "since": "2999-01-01"}]}
    got = ok(client.patch(url, json={"call": incons}, headers=hl))
    fields = {p["field"] for p in got["problems"]}
    assert {"call.delegates.1.person", "call.delegates.2.person", "call.delegates.2.body_name",
            "call.delegates.2.since"} <= fields, got["problems"]
    assert client.post(f"{url}/transitions/submit", headers=hl).status_code == 422

    # the report's page shows the indicators' form to the applicant (accessible), with the errors
    web_report = web_lead.get(f"/reports/{rep['id']}").get_data(as_text=True)
    assert 'name="call.members_at_start"' in web_report and 'name="call.delegates.2.since"' in web_report
    assert a11y(web_report) == []

    # the good indicators: submitted, shown read-only on the report's page
    got = ok(client.patch(url, json={"call": good}, headers=hl))
    assert got["problems"] == [] and got["content"]["call"]["members_at_end"] == 5
    ok(client.post(f"{url}/transitions/submit", headers=hl))
    html = login(officer, app.test_client()).get(f"/reports/{rep['id']}").get_data(as_text=True)
    assert "Wskaźniki reprezentacji" in html and "Jan Nowak" in html and "Zespół ds. budżetu obywatelskiego" in html
    assert 'name="call.members_at_start"' not in html and a11y(html) == []


def test_federation_pages_are_accessible(app, session, make_user, make_org, login):
    """The offer page with the members panel (applicant and partner), the membership page, the
    section form: labels on every field, headings in order, unique ids."""
    from tests.calltypes_federation.helpers import build
    fed = build(session, make_user, make_org, min_members=2, members=2, kind="coalition", partners=1)
    lead = login(fed.lead, app.test_client())
    partner = login(fed.users[0], app.test_client())
    member = login(fed.users[1], app.test_client())
    pages = {
        "lead offer": lead.get(f"/offers/{fed.offer_id}"),
        "lead section": lead.get(f"/offers/{fed.offer_id}/sections/call"),
        "partner offer": partner.get(f"/offers/{fed.offer_id}"),
        "member membership": member.get(f"/federation/offers/{fed.offer_id}/membership"),
        "partner membership": partner.get(f"/federation/offers/{fed.offer_id}/membership"),
        "member home": member.get("/"),
        "explanation": app.test_client().get("/call-types/federation_building"),
    }
    for name, r in pages.items():
        assert r.status_code == 200, name
        assert a11y(r.get_data(as_text=True)) == [], name
    assert "Potwierdzam członkostwo" in pages["partner offer"].get_data(as_text=True)
    assert "Dodaj organizację członkowską" in pages["lead offer"].get_data(as_text=True)


def test_offer_section_and_report_indicators_through_the_pages(app, session, make_user, make_org, login):
    """The federation section of the offer saved through its form (blank choice refused on submit,
    an unknown kind refused on save), and the panel's remove button."""
    from tests.calltypes_federation.helpers import build
    fed = build(session, make_user, make_org, min_members=2, members=2)
    c = login(fed.lead, app.test_client())
    page = c.get(f"/offers/{fed.offer_id}/sections/call")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="call.applicant_kind"' in html and 'name="call.representation"' in html
    v = fresh(Offer, fed.offer_id).version
    r = c.post(f"/offers/{fed.offer_id}/sections/call", data={"version": v, "call.applicant_kind": "klub",
                                                              "call.representation": "x"})
    assert r.status_code == 422 and "wybierz jedną z możliwości" in r.get_data(as_text=True)
    assert fresh(Offer, fed.offer_id).content["call"]["applicant_kind"] == "federation"
    r = c.post(f"/offers/{fed.offer_id}/sections/call", data={"version": v, "call.applicant_kind": "coalition",
                                                              "call.representation": "Rada pożytku"})
    assert r.status_code == 303
    assert fresh(Offer, fed.offer_id).content["call"] == {"applicant_kind": "coalition", "representation": "Rada pożytku"}
    # removing a member from the panel
    v = fresh(Offer, fed.offer_id).version
    r = c.post(f"/federation/offers/{fed.offer_id}/members/{fed.orgs[0].id}/remove", data={"version": v})
    assert r.status_code == 303
    assert [m[0] for m in member_rows(fed.offer_id)] == [fed.orgs[1].id]
    # a stale version from the form: nothing removed, the reason flashed
    r = c.post(f"/federation/offers/{fed.offer_id}/members/{fed.orgs[1].id}/remove", data={"version": v})
    assert r.status_code == 303
    assert [m[0] for m in member_rows(fed.offer_id)] == [fed.orgs[1].id]
    assert "zmieniony" in c.get(f"/offers/{fed.offer_id}").get_data(as_text=True)
    # a member may not remove: 403 on the page
    m = login(fed.users[1], app.test_client())
    assert m.post(f"/federation/offers/{fed.offer_id}/members/{fed.orgs[1].id}/remove",
                  data={"version": fresh(Offer, fed.offer_id).version}).status_code == 403


def test_public_explanation_page_in_plain_polish(client):
    r = client.get(f"/call-types/{CODE}")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    for words in ("Kto może złożyć ofertę", "ze swoich kont", "rada działalności pożytku publicznego",
                  "kandydatów organizacji pozarządowych do komisji", "Minimalna liczba organizacji członkowskich"):
        assert words in html, words
