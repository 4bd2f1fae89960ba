"""Contest directions proposed in a consultation (S1, S7, R-CONSULT): proposing, supports, comments,
moderation, answers, the report; an accepted direction planned into the programme and shown in the
public calendar and its iCalendar feed."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from icalendar import Calendar

from grants.consultations.models import Consultation
from grants.contests.models import Contest
from grants.directions.models import Direction, DirectionComment, DirectionSupport

from .conftest import count, fresh, open_consultation, version_of

PROPOSAL = {"title": "Kluby sąsiedzkie w Nowej Hucie", "problem": "Samotność starszych mieszkańców bloków",
            "target_group": "Seniorzy i ich sąsiedzi", "proposed_task": "Sieć klubów sąsiedzkich prowadzonych przez NGO",
            "estimated_funds": "120000.00", "field": "seniors", "district": "XVIII"}


@pytest.fixture
def business(make_user):
    return make_user("participant", stakeholder_type="business")


@pytest.fixture
def consultation(session, officer, clock_at):
    clock_at("2027-03-01T10:00")
    return open_consultation(session, officer)


def api_propose(client, headers, cid, submit=True, **over):
    r = client.post("/api/v1/directions", headers=headers, json={"consultation_id": str(cid), **PROPOSAL, **over})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["state"] == "draft"
    if submit:
        r = client.post(f"/api/v1/directions/{body['id']}/transitions/submit", headers=headers)
        assert r.status_code == 200, r.get_json()
        body = r.get_json()
    return body


def close(session, officer, c):
    from grants.consultations import operations as cops
    c = session.get(Consultation, c.id)
    cops.transition(session, c, "close_early", officer, {"reason": "Koniec okresu konsultacji"})


# ---------------------------------------------------------------- proposing (S1)

def test_r_consult_ngo_member_and_business_participant_propose_through_the_api(client, api_token, consultation, ngo,
                                                                               business, make_user):
    member, org = ngo
    body = api_propose(client, api_token(member), consultation.id, organisation_id=str(org.id))
    assert body["state"] == "submitted" and body["stakeholder_type"] == "ngo"
    d = fresh(Direction, int(body["id"]))
    assert d.organisation_id == org.id and d.author_id == member.id and d.submitted_at is not None
    assert d.estimated_funds == Decimal("120000.00")

    body = api_propose(client, api_token(business), consultation.id, title="Start-upy i artyści razem")
    assert body["stakeholder_type"] == "business"
    assert fresh(Direction, int(body["id"])).organisation_id is None

    school = make_user("participant", stakeholder_type="school")
    assert api_propose(client, api_token(school), consultation.id, title="Nauka programowania")["stakeholder_type"] == "school"
    # a member proposing in their own name is not the NGO
    assert api_propose(client, api_token(member), consultation.id, title="Ławki")["stakeholder_type"] != "ngo"

    # the public list (no token) shows all submitted ones with their stakeholder type
    listed = client.get("/api/v1/directions").get_json()
    assert sorted(x["stakeholder_type"] for x in listed["items"]) == ["business", "ngo", "resident", "school"]


def test_r_consult_acting_for_an_organisation_one_is_not_a_member_of_is_refused(client, api_token, consultation, ngo,
                                                                                business, make_org):
    other = make_org("Fundacja Obca")
    before = count(Direction)
    for user, org in ((ngo[0], other), (business, ngo[1])):
        r = client.post("/api/v1/directions", headers=api_token(user),
                        json={"consultation_id": str(consultation.id), **PROPOSAL, "organisation_id": str(org.id)})
        assert r.status_code == 403, r.get_json()
    assert count(Direction) == before


def test_r_consult_proposing_through_the_web_page(client, login, consultation, ngo, business):
    member, org = ngo
    login(member)
    page = client.get(f"/consultations/{consultation.id}/directions").get_data(as_text=True)
    assert 'name="organisation_id"' in page and org.name in page
    r = client.post(f"/consultations/{consultation.id}/directions",
                    data={**PROPOSAL, "organisation_id": str(org.id), "submit": "1"})
    assert r.status_code == 303, r.get_data(as_text=True)[:1000]
    did = int(r.headers["Location"].rsplit("/", 1)[1])
    d = fresh(Direction, did)
    assert (d.state, d.stakeholder_type, d.organisation_id) == ("submitted", "ngo", org.id)

    client.post("/logout")
    login(business)
    r = client.post(f"/consultations/{consultation.id}/directions", data={**PROPOSAL, "title": "Pilotaże", "submit": "0"})
    assert r.status_code == 303
    d2 = fresh(Direction, int(r.headers["Location"].rsplit("/", 1)[1]))
    assert (d2.state, d2.stakeholder_type) == ("draft", "business")
    # the draft is the author's only
    page = client.get(f"/consultations/{consultation.id}/directions").get_data(as_text=True)
    assert "Pilotaże" in page
    client.post("/logout")
    anon = client.get(f"/consultations/{consultation.id}/directions").get_data(as_text=True)
    assert PROPOSAL["title"] in anon and "Pilotaże" not in anon
    assert client.get(f"/directions/{d2.id}").status_code == 404


@pytest.mark.parametrize("change,field", [
    ({"estimated_funds": "abc"}, "estimated_funds"),
    ({"estimated_funds": "-5.00"}, "estimated_funds"),
    ({"estimated_funds": "10.005"}, "estimated_funds"),
    ({"title": "   "}, "title"),
    ({"field": "no_such_field"}, "field"),
    ({"district": "XXX"}, "district"),
])
def test_r_consult_bad_proposal_on_the_web_form_stores_nothing(client, login, consultation, business, change, field):
    login(business)
    before = count(Direction)
    r = client.post(f"/consultations/{consultation.id}/directions", data={**PROPOSAL, **change, "submit": "1"})
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert 'class="error-summary"' in page and f'href="#d-{field}"' in page
    assert count(Direction) == before


@pytest.mark.parametrize("change,field", [
    ({"estimated_funds": "abc"}, "estimated_funds"),
    ({"estimated_funds": "-5.00"}, "estimated_funds"),
    ({"estimated_funds": "10.005"}, "estimated_funds"),
    ({"estimated_funds": 10.5}, "estimated_funds"),
    ({"title": ""}, "title"),
    ({"field": "no_such_field"}, "field"),
    ({"unknown": "x"}, "unknown"),
])
def test_r_consult_bad_proposal_through_the_api_stores_nothing(client, api_token, consultation, business, change, field):
    before = count(Direction)
    body = {"consultation_id": str(consultation.id), **PROPOSAL, **change}
    r = client.post("/api/v1/directions", headers=api_token(business), json=body)
    assert r.status_code == 422, r.get_json()
    assert r.mimetype == "application/problem+json"
    assert any(e["field"] == field for e in r.get_json()["errors"]), r.get_json()
    assert count(Direction) == before


def test_r_consult_proposing_in_a_closed_or_draft_consultation_is_refused(client, session, api_token, login, officer,
                                                                          consultation, business):
    from grants.consultations import operations as cops
    from grants.core import clock
    h = api_token(business)
    draft_kept = api_propose(client, h, consultation.id, submit=False)
    draft = cops.create(session, officer, title="Szkic", fields=["culture"], starts_at=clock.now(),
                        ends_at=clock.now() + timedelta(days=5))
    session.commit()
    close(session, officer, consultation)
    before = count(Direction)
    r = client.post("/api/v1/directions", headers=h, json={"consultation_id": str(consultation.id), **PROPOSAL})
    # R-CONSULT: refused after the close; the message says why in words, without the rule id (issue 14)
    assert r.status_code == 409 and "konsultacji" in r.get_json()["detail"] and "R-CONSULT" not in r.get_json()["detail"]
    r = client.post("/api/v1/directions", headers=h, json={"consultation_id": str(draft.id), **PROPOSAL})
    assert r.status_code == 422  # a draft consultation is not visible to a participant
    # an officer of the department sees the draft, yet cannot propose in it
    r = client.post("/api/v1/directions", headers=api_token(officer),
                    json={"consultation_id": str(draft.id), **PROPOSAL})
    assert r.status_code == 409
    # a draft proposal cannot be submitted after the consultation closed: the guard names the rule
    r = client.post(f"/api/v1/directions/{draft_kept['id']}/transitions/submit", headers=h)
    assert r.status_code == 422 and r.get_json()["type"] == "/rules/R-CONSULT"
    assert fresh(Direction, int(draft_kept["id"])).state == "draft"
    # the web form is gone and a forged POST is refused
    login(business)
    page = client.get(f"/consultations/{consultation.id}/directions").get_data(as_text=True)
    assert 'name="proposed_task"' not in page
    r = client.post(f"/consultations/{consultation.id}/directions", data={**PROPOSAL, "submit": "1"})
    assert r.status_code == 422
    assert count(Direction) == before


def test_r_consult_period_ended_before_the_scheduler_closed_it(client, api_token, consultation, business, clock_at):
    h = api_token(business)
    draft = api_propose(client, h, consultation.id, submit=False)
    clock_at("2027-03-20T10:00")  # after ends_at, consultation still "open" until the scheduler runs
    before = count(Direction)
    r = client.post("/api/v1/directions", headers=h, json={"consultation_id": str(consultation.id), **PROPOSAL})
    assert r.status_code == 409
    r = client.post(f"/api/v1/directions/{draft['id']}/transitions/submit", headers=h)
    assert r.status_code == 422 and "R-CONSULT" in r.get_json()["type"]
    assert count(Direction) == before


# ---------------------------------------------------------------- supports and comments

def test_r_consult_one_support_per_person(client, api_token, consultation, ngo, business, make_user):
    member, org = ngo
    d = api_propose(client, api_token(member), consultation.id, organisation_id=str(org.id))
    hb = api_token(business)
    r = client.post(f"/api/v1/directions/{d['id']}/supports", headers=hb)
    assert r.status_code == 201 and r.get_json()["supports"] == 1
    before = count(DirectionSupport)
    r = client.post(f"/api/v1/directions/{d['id']}/supports", headers=hb)
    assert r.status_code == 409 and r.mimetype == "application/problem+json"
    r = client.post(f"/api/v1/directions/{d['id']}/supports", headers=api_token(member))  # your own
    assert r.status_code == 409
    assert count(DirectionSupport) == before
    assert client.post(f"/api/v1/directions/{d['id']}/supports").status_code == 401
    resident = make_user("participant", stakeholder_type="resident")
    assert client.post(f"/api/v1/directions/{d['id']}/supports", headers=api_token(resident)).get_json()["supports"] == 2


def test_r_consult_support_twice_on_the_web_page_changes_nothing(client, login, api_token, consultation, ngo, business):
    d = api_propose(client, api_token(business), consultation.id)
    login(ngo[0])
    assert client.post(f"/directions/{d['id']}/support").status_code == 303
    before = count(DirectionSupport)
    r = client.post(f"/directions/{d['id']}/support", follow_redirects=True)
    assert "Ta propozycja ma już Twoje poparcie." in r.get_data(as_text=True)
    assert count(DirectionSupport) == before == (1, before[1])


def test_r_consult_no_support_or_comment_after_the_consultation(client, session, officer, api_token, consultation,
                                                                business, ngo):
    d = api_propose(client, api_token(business), consultation.id)
    hm = api_token(ngo[0])
    r = client.post(f"/api/v1/directions/{d['id']}/comments", headers=hm, json={"body": "Dobry pomysł"})
    assert r.status_code == 201
    close(session, officer, consultation)
    before = count(DirectionSupport, DirectionComment)
    r = client.post(f"/api/v1/directions/{d['id']}/comments", headers=hm, json={"body": "Za późno?"})
    assert r.status_code == 409
    assert client.post(f"/api/v1/directions/{d['id']}/supports", headers=hm).status_code == 409
    assert count(DirectionSupport, DirectionComment) == before


def test_r_consult_no_support_after_the_period_even_before_the_scheduler_closed_it(client, api_token, consultation,
                                                                                  business, ngo, clock_at):
    d = api_propose(client, api_token(business), consultation.id)
    clock_at("2027-03-16T10:00")  # ends_at passed; the consultation is still "open" until run_due
    assert fresh(Consultation, consultation.id).state == "open"
    hm = api_token(ngo[0])
    before = count(DirectionSupport, DirectionComment)
    assert client.post(f"/api/v1/directions/{d['id']}/supports", headers=hm).status_code == 409
    assert client.post(f"/api/v1/directions/{d['id']}/comments", headers=hm, json={"body": "Za późno"}).status_code == 409
    assert count(DirectionSupport, DirectionComment) == before


@pytest.mark.parametrize("body", [{"body": ""}, {"body": "x" * 4001}, {}, {"body": 5}, {"body": "ok", "x": 1}])
def test_r_consult_bad_comment_is_refused(client, api_token, consultation, business, ngo, body):
    d = api_propose(client, api_token(business), consultation.id)
    before = count(DirectionComment)
    r = client.post(f"/api/v1/directions/{d['id']}/comments", headers=api_token(ngo[0]), json=body)
    assert r.status_code == 422
    assert count(DirectionComment) == before


# ---------------------------------------------------------------- moderation

def test_r_consult_flag_and_hide_a_comment_and_a_proposal(client, app, login, session, officer, api_token, consultation,
                                                          business, ngo):
    d = api_propose(client, api_token(business), consultation.id)
    kept = api_propose(client, api_token(ngo[0]), consultation.id, title="Zostaje")
    c = client.post(f"/api/v1/directions/{d['id']}/comments", headers=api_token(ngo[0]),
                    json={"body": "Obraźliwy wpis"}).get_json()
    login(ngo[0])
    assert client.post(f"/directions/{d['id']}/comments/{c['id']}/flag").status_code == 303
    assert fresh(DirectionComment, int(c["id"])).flagged
    client.post("/logout")

    staff = app.test_client()
    login(officer, staff)
    # a reason is required: nothing changes without one
    before = count(Direction, DirectionComment)
    r = staff.post(f"/directions/{d['id']}/hide", data={"comment_id": c["id"], "reason": " "}, follow_redirects=True)
    assert "Podaj powód ukrycia." in r.get_data(as_text=True)
    assert fresh(DirectionComment, int(c["id"])).hidden_reason is None and count(Direction, DirectionComment) == before
    # another department's officer may not moderate
    other = app.test_client()
    from tests.factories import make_user
    login(make_user(session, "officer", department_code="WSS"), other)
    assert other.post(f"/directions/{d['id']}/hide", data={"reason": "Spam"}).status_code == 403
    assert fresh(Direction, int(d["id"])).hidden_reason is None

    assert staff.post(f"/directions/{d['id']}/hide", data={"comment_id": c["id"], "reason": "Wulgaryzmy"}).status_code == 303
    assert fresh(DirectionComment, int(c["id"])).hidden_reason == "Wulgaryzmy"
    assert "Obraźliwy wpis" not in client.get(f"/directions/{d['id']}").get_data(as_text=True)
    assert "Obraźliwy wpis" in staff.get(f"/directions/{d['id']}").get_data(as_text=True)

    assert staff.post(f"/directions/{d['id']}/hide", data={"reason": "Reklama"}).status_code == 303
    assert fresh(Direction, int(d["id"])).hidden_reason == "Reklama"
    # gone from the public pages and the public API list; the staff still see it
    assert client.get(f"/directions/{d['id']}").status_code == 404
    listing = client.get(f"/consultations/{consultation.id}/directions").get_data(as_text=True)
    assert PROPOSAL["title"] not in listing and "Zostaje" in listing
    report = client.get(f"/consultations/{consultation.id}/report").get_data(as_text=True)
    assert PROPOSAL["title"] not in report and "Zostaje" in report
    assert "Propozycje ukryte przez moderatora z podaniem powodu: 1." in report
    assert [x["id"] for x in client.get("/api/v1/directions").get_json()["items"]] == [kept["id"]]
    assert client.get(f"/api/v1/directions/{d['id']}").status_code == 404
    assert client.get(f"/api/v1/directions/{d['id']}", headers=api_token(ngo[0])).status_code == 404
    page = staff.get(f"/directions/{d['id']}").get_data(as_text=True)
    assert "Reklama" in page
    ids = [x["id"] for x in client.get("/api/v1/directions", headers=api_token(officer)).get_json()["items"]]
    assert d["id"] in ids and kept["id"] in ids


# ---------------------------------------------------------------- answers and the report

def test_r_consult_officers_answer_each_proposal_and_the_report_lists_them(client, session, api_token, officer,
                                                                           consultation, business, ngo):
    hb, hm, ho = api_token(business), api_token(ngo[0]), api_token(officer)
    a = api_propose(client, hb, consultation.id, title="Pilotaże innowacji")
    b = api_propose(client, hm, consultation.id, title="Kluby seniora", organisation_id=str(ngo[1].id))
    dup = api_propose(client, hm, consultation.id, title="Kluby seniora w dzielnicach")
    base = "/api/v1/directions/"
    # participants may not review
    r = client.post(base + a["id"] + "/transitions/start_review", headers=hb)
    assert r.status_code == 403
    for x in (a, b):
        assert client.post(base + x["id"] + "/transitions/start_review", headers=ho).status_code == 200
    # the answer is required and public
    for payload in ({}, {"answer": ""}, {"answer": "ok", "extra": 1}):
        r = client.post(base + a["id"] + "/transitions/accept", headers=ho, json=payload)
        assert r.status_code == 422, payload
    assert fresh(Direction, int(a["id"])).state == "under_review"
    r = client.post(base + a["id"] + "/transitions/accept", headers=ho,
                    json={"answer": "Przyjęto do programu na przyszły rok."})
    assert r.status_code == 200 and r.get_json()["state"] == "accepted"
    r = client.post(base + b["id"] + "/transitions/reject", headers=ho, json={"answer": "Zadanie inwestycyjne."})
    assert r.get_json()["state"] == "rejected"
    # merge: the target must be another kept proposal of the same consultation
    other_c = open_consultation(session, officer, title="Inna")
    elsewhere = api_propose(client, hb, other_c.id, title="Gdzie indziej")
    for into in (dup["id"], elsewhere["id"], "999999", "abc"):
        r = client.post(base + dup["id"] + "/transitions/merge", headers=ho, json={"into_id": into})
        assert r.status_code == 422, (into, r.get_json())
    assert fresh(Direction, int(dup["id"])).state == "submitted"
    r = client.post(base + dup["id"] + "/transitions/merge", headers=ho, json={"into_id": b["id"]})
    assert r.status_code == 200 and r.get_json()["merged_into_id"] == b["id"]
    assert r.get_json()["answer"] and "Kluby seniora" in r.get_json()["answer"]

    # the public report lists every proposal with its answer
    report = client.get(f"/consultations/{consultation.id}/report").get_data(as_text=True)
    for title, answer in (("Pilotaże innowacji", "Przyjęto do programu na przyszły rok."),
                          ("Kluby seniora", "Zadanie inwestycyjne."), ("Kluby seniora w dzielnicach", "Połączono")):
        assert title in report
        assert answer in report
    assert "przyjęty" in report and "odrzucony" in report and "połączony z innym" in report
    assert report.count("<tr>") == 4  # header + 3 proposals


def test_r_consult_officer_answers_through_the_web_page(client, login, api_token, officer, consultation, business):
    d = api_propose(client, api_token(business), consultation.id)
    login(officer)
    page = client.get(f"/directions/{d['id']}").get_data(as_text=True)
    client.post(f"/directions/{d['id']}/transitions/start_review", data={"version": version_of(page)})
    page = client.get(f"/directions/{d['id']}").get_data(as_text=True)
    assert 'name="answer"' in page
    r = client.post(f"/directions/{d['id']}/transitions/accept", data={"version": version_of(page)},
                    follow_redirects=True)
    assert fresh(Direction, int(d["id"])).state == "under_review"  # no answer: refused
    r = client.post(f"/directions/{d['id']}/transitions/accept",
                    data={"version": version_of(page), "answer": "Przyjmujemy: konkurs w 2028 r."})
    assert r.status_code == 303
    got = fresh(Direction, int(d["id"]))
    assert got.state == "accepted" and got.answer == "Przyjmujemy: konkurs w 2028 r."
    # merging a duplicate through the page: the form offers the kept proposals of the consultation
    dup = api_propose(client, api_token(business), consultation.id, title="Duplikat")
    page = client.get(f"/directions/{dup['id']}").get_data(as_text=True)
    assert 'action="/directions/%s/transitions/merge"' % dup["id"] in page
    assert '<option value="%s">' % d["id"] in page
    r = client.post(f"/directions/{dup['id']}/transitions/merge", data={"version": version_of(page), "into_id": d["id"]})
    assert r.status_code == 303
    got = fresh(Direction, int(dup["id"]))
    assert got.state == "merged" and got.merged_into_id == int(d["id"])
    client.post("/logout")
    assert "Przyjmujemy: konkurs w 2028 r." in client.get(f"/directions/{d['id']}").get_data(as_text=True)


# ---------------------------------------------------------------- programme and calendar

def _accepted(client, api_token, officer, consultation, user, **over):
    d = api_propose(client, api_token(user), consultation.id, **over)
    ho = api_token(officer)
    client.post(f"/api/v1/directions/{d['id']}/transitions/start_review", headers=ho)
    r = client.post(f"/api/v1/directions/{d['id']}/transitions/accept", headers=ho, json={"answer": "Przyjęto."})
    assert r.get_json()["state"] == "accepted"
    return int(d["id"])


def _feed_events(client, query=""):
    r = client.get("/calendar.ics" + query)
    assert r.status_code == 200 and r.mimetype == "text/calendar"
    cal = Calendar.from_ical(r.data)
    return {str(e.get("uid")): e for e in cal.walk("VEVENT")}


def test_r_consult_accepted_direction_planned_into_the_programme_and_calendar(client, app, login, api_token, officer,
                                                                             consultation, business, make_user):
    did = _accepted(client, api_token, officer, consultation, business)
    stranger = make_user("officer", department_code="WSS")
    staff = app.test_client()
    login(officer, staff)
    # a date is required; nothing planned without it
    before = count(Contest)
    r = staff.post(f"/directions/{did}/plan", data={"announcement": "luty"}, follow_redirects=True)
    assert "Podaj planowaną datę ogłoszenia." in r.get_data(as_text=True) and count(Contest) == before
    # a participant may not plan
    login(business)
    assert client.post(f"/directions/{did}/plan", data={"announcement": "2028-02-01"}).status_code == 403
    client.post("/logout")
    # nor may an officer of another department
    login(stranger)
    assert client.post(f"/directions/{did}/plan", data={"announcement": "2028-02-01"}).status_code == 403
    client.post("/logout")
    assert count(Contest) == before and fresh(Direction, did).planned_contest_id is None

    r = staff.post(f"/directions/{did}/plan", data={"announcement": "2028-02-01"})
    assert r.status_code == 303
    d = fresh(Direction, did)
    c = fresh(Contest, d.planned_contest_id)
    assert c.state == "planned" and c.planned_announcement == date(2028, 2, 1) and c.year == 2028
    assert c.title == PROPOSAL["title"] and c.field == "seniors" and str(c.budget) == "120000.00"
    assert c.department_id == officer.department_id
    # planning twice is refused
    before = count(Contest)
    staff.post(f"/directions/{did}/plan", data={"announcement": "2028-03-01"})
    assert count(Contest) == before

    page = client.get("/calendar").get_data(as_text=True)
    assert PROPOSAL["title"] in page and "2028-02" in page
    assert PROPOSAL["title"] in client.get("/calendar?view=list").get_data(as_text=True)
    events = _feed_events(client)
    ev = events[f"contest-{c.id}-planned@grants"]
    assert PROPOSAL["title"] in str(ev.get("summary"))
    assert ev.decoded("dtstart") == date(2028, 2, 1)
    assert ev.get("dtstamp") is not None
    assert str(ev.get("url")).endswith(f"/contests/{c.id}")
    assert f"consultation-{consultation.id}@grants" in events


def test_r_consult_calendar_filters_on_the_page_and_the_feed(client, app, login, session, api_token, officer,
                                                             consultation, business, make_user):
    from grants.programmes.operations import plan_contest_from_direction
    seniors = _accepted(client, api_token, officer, consultation, business)
    culture = _accepted(client, api_token, officer, consultation, business, title="Teatr w dzielnicach", field="culture")
    other_dept = make_user("officer", department_code="WKS")
    c2 = open_consultation(session, other_dept, title="Sport")
    sport = _accepted(client, api_token, other_dept, c2, business, title="Sport w parkach", field="sport")
    for did, who in ((seniors, officer), (culture, officer), (sport, other_dept)):
        plan_contest_from_direction(session, who, session.get(Direction, did), announcement=date(2028, 3, 1))
        session.commit()
    ids = {did: fresh(Direction, did).planned_contest_id for did in (seniors, culture, sport)}

    def uids(q):
        return {u for u in _feed_events(client, q) if u.endswith("-planned@grants")}

    def page(q):
        return client.get("/calendar" + q).get_data(as_text=True)

    assert uids("") == {f"contest-{ids[x]}-planned@grants" for x in ids}
    assert uids("?field=culture") == {f"contest-{ids[culture]}-planned@grants"}
    text = page("?field=culture")
    assert "Teatr w dzielnicach" in text and PROPOSAL["title"] not in text and "Sport w parkach" not in text
    dept = other_dept.department_id
    assert uids(f"?department={dept}") == {f"contest-{ids[sport]}-planned@grants"}
    text = page(f"?department={dept}")
    assert "Sport w parkach" in text and "Teatr w dzielnicach" not in text
    assert uids("?call_type=standard") == {f"contest-{ids[x]}-planned@grants" for x in ids}
    assert uids("?call_type=art19a") == set()
    assert "Teatr w dzielnicach" not in page("?call_type=art19a")
    # the page's feed link keeps the filter
    assert 'href="/calendar.ics?field=culture"' in page("?field=culture")
    # unknown filter values are ignored, never a 500
    assert client.get("/calendar?field=zzz&department=abc&district=ZZ").status_code == 200
    assert client.get("/calendar.ics?department=abc").status_code == 200
