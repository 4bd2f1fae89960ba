"""Own-initiative offers, art. 12 (S8): R-ART12-CONFIDENTIAL, R-ART12-MONTH, R-ART12-OUTCOME."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from grants.contests.models import Contest
from grants.core.dates import WARSAW
from grants.initiatives.models import Initiative
from grants.initiatives.operations import assessment_due
from grants.offers.models import Offer
from grants.small_grants.models import SmallGrant

from .conftest import count, fresh, outbox, version_of

TITLE = "Rowerowa szkoła dla dorosłych Zwierzyniec"
DESCRIPTION = "Kurs jazdy na rowerze dla dorosłych, którzy nigdy się jej nie nauczyli: 10 spotkań, 40 osób."


def submit(client, headers, org, **over):
    r = client.post("/api/v1/initiatives", headers=headers,
                    json={"organisation_id": str(org.id), "title": TITLE, "description": DESCRIPTION,
                          "field": "sport", "estimated_cost": "45000.00", **over})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def warsaw(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=WARSAW).astimezone(timezone.utc)


# ---------------------------------------------------------------- R-ART12-CONFIDENTIAL

def test_r_art12_confidential_absent_from_every_public_page_feed_and_list(client, app, login, api_token, ngo, officer,
                                                                          make_org, make_user, clock_at):
    clock_at("2027-03-01T10:00")
    member, org = ngo
    o = submit(client, api_token(member), org)
    other_member = make_user("applicant", org=make_org("Fundacja Konkurencja"))
    participant = make_user("participant", stakeholder_type="business")
    commissioner = make_user("commission_member")
    newcomer = make_user("applicant")  # not yet in any organisation

    # public pages, the registry search, the calendar feed
    for url in ("/", "/calendar", "/calendar?view=list", "/calendar.ics", "/contests/", "/small-grants/",
                "/consultations/", "/programmes/", f"/organisations/?q={org.name}", f"/organisations/{org.id}",
                f"/organisations/?q={TITLE.split()[0]}"):
        r = client.get(url)
        assert r.status_code == 200, url
        assert TITLE not in r.get_data(as_text=True), url
        assert "45 000" not in r.get_data(as_text=True), url
    assert client.get("/initiatives/").status_code == 302  # to the login page
    assert client.get(f"/initiatives/{o['id']}").status_code == 302
    # the API: a token is required, and other callers see nothing
    assert client.get("/api/v1/initiatives").status_code == 401
    assert client.get(f"/api/v1/initiatives/{o['id']}").status_code == 401
    for user in (other_member, participant, commissioner, newcomer):
        h = api_token(user)
        listed = client.get("/api/v1/initiatives", headers=h).get_json()
        assert (listed["items"], listed["total"], listed["next"]) == ([], 0, None)
        r = client.get(f"/api/v1/initiatives/{o['id']}", headers=h)
        assert r.status_code == 404 and TITLE not in r.get_data(as_text=True)
        r = client.post(f"/api/v1/initiatives/{o['id']}/transitions/withdraw", headers=h)
        assert r.status_code == 404
        c = app.test_client()
        login(user, c)
        assert c.get(f"/initiatives/{o['id']}").status_code == 404
        assert TITLE not in c.get("/initiatives/").get_data(as_text=True)
        assert TITLE not in c.get("/").get_data(as_text=True)
        assert c.post(f"/initiatives/{o['id']}/transitions/withdraw", data={"version": "1"}).status_code == 404
    assert fresh(Initiative, int(o["id"])).state == "submitted"
    # the applicant's members and the officers do see it
    for user in (member, officer):
        assert [x["id"] for x in client.get("/api/v1/initiatives", headers=api_token(user)).get_json()["items"]] == [o["id"]]
        c = app.test_client()
        login(user, c)
        assert TITLE in c.get(f"/initiatives/{o['id']}").get_data(as_text=True)
    c = app.test_client()
    login(officer, c)
    assert TITLE in c.get("/").get_data(as_text=True)  # waiting for assessment on the officer's home


def test_r_art12_confidential_only_members_submit_for_their_organisation(client, api_token, ngo, make_org, make_user):
    member, org = ngo
    before = count(Initiative)
    other = make_org("Fundacja Obca")
    for user, target in ((member, other), (make_user("participant", stakeholder_type="resident"), org)):
        r = client.post("/api/v1/initiatives", headers=api_token(user),
                        json={"organisation_id": str(target.id), "title": TITLE, "description": DESCRIPTION})
        assert r.status_code == 403
    assert count(Initiative)[0] == before[0]


# ---------------------------------------------------------------- R-ART12-MONTH

@pytest.mark.parametrize("received,due", [
    ("2028-01-31T10:00", date(2028, 2, 29)),   # leap year: end of February (relativedelta), a Tuesday
    ("2027-01-31T10:00", date(2027, 3, 1)),    # 28 February 2027 is a Sunday: moved to Monday
    ("2027-01-13T10:00", date(2027, 2, 15)),   # 13 February 2027 is a Saturday: moved to Monday
    ("2027-10-01T10:00", date(2027, 11, 2)),   # 1 November (All Saints' Day): the next working day
    ("2027-02-28T00:30", date(2027, 3, 30)),   # Warsaw date (UTC is still 27 February); 28-29 March: Easter
    ("2027-03-15T12:00", date(2027, 4, 15)),   # a plain Thursday
])
def test_r_art12_month_assessment_due(session, received, due):
    assert assessment_due(session, warsaw(received)) == due


def test_r_art12_month_dated_parameter_applies_from_its_date(session):
    from grants.params.models import DatedParameter
    session.add(DatedParameter(key="art12.assessment_months", valid_from=date(2027, 6, 1), value="2"))
    session.commit()
    assert assessment_due(session, warsaw("2027-05-31T12:00")) == date(2027, 6, 30)
    assert assessment_due(session, warsaw("2027-06-01T12:00")) == date(2027, 8, 2)  # 1 August is a Sunday


def test_r_art12_month_late_flag_on_the_officers_home(client, app, login, api_token, ngo, officer, clock_at):
    clock_at("2027-01-31T10:00")
    o = submit(client, api_token(ngo[0]), ngo[1])
    assert o["assessment_due"] == "2027-03-01"
    login(officer)
    home = client.get("/").get_data(as_text=True)
    item = home.split(TITLE)[1].split("</li>")[0]
    assert "ocena do 01.03.2027" in item and "po terminie" not in item
    clock_at("2027-03-01T23:00")  # the last day: still in time
    assert "po terminie" not in client.get("/").get_data(as_text=True).split(TITLE)[1].split("</li>")[0]
    clock_at("2027-03-02T08:00")
    item = client.get("/").get_data(as_text=True).split(TITLE)[1].split("</li>")[0]
    assert "po terminie" in item
    assert "po terminie" in client.get(f"/initiatives/{o['id']}").get_data(as_text=True)
    # once decided it is no longer waiting, nor late
    h = api_token(officer)
    client.post(f"/api/v1/initiatives/{o['id']}/transitions/start_assessment", headers=h)
    client.post(f"/api/v1/initiatives/{o['id']}/transitions/deem_not_expedient", headers=h,
                json={"justification": "Zadanie finansowane w innym konkursie."})
    assert TITLE not in client.get("/").get_data(as_text=True)


# ---------------------------------------------------------------- R-ART12-OUTCOME

def test_r_art12_outcome_expedient_creates_a_planned_contest_never_a_grant(client, api_token, ngo, officer, clock_at):
    clock_at("2027-03-01T10:00")
    member, org = ngo
    o = submit(client, api_token(member), org)
    h, base = api_token(officer), f"/api/v1/initiatives/{o['id']}/transitions/"
    # the applicant may not decide
    assert client.post(base + "start_assessment", headers=api_token(member)).status_code == 403
    assert client.post(base + "start_assessment", headers=h).get_json()["state"] == "under_assessment"
    before = count(Contest, Offer, SmallGrant)
    for payload, status in (({}, 422), ({"announcement_date": "jutro"}, 422), ({"announcement_date": "2027-02-28"}, 422),
                            ({"announcement_date": "2027-04-01", "grant": "45000.00"}, 422)):
        r = client.post(base + "deem_expedient", headers=h, json=payload)
        assert r.status_code == status, (payload, r.get_json())
    r = client.post(base + "deem_expedient", headers=h, json={"announcement_date": "2027-02-28"})
    assert r.get_json()["type"] == "/rules/R-ART12-OUTCOME"
    assert count(Contest, Offer, SmallGrant) == before and fresh(Initiative, int(o["id"])).state == "under_assessment"
    assert outbox("email.send") == []

    r = client.post(base + "deem_expedient", headers=h,
                    json={"announcement_date": "2027-03-01", "justification": "Zgodne z priorytetami programu."})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["state"] == "expedient" and body["planned_contest_id"]
    c = fresh(Contest, int(body["planned_contest_id"]))
    assert c.state == "planned" and c.planned_announcement == date(2027, 3, 1)
    assert c.call_params == {"from_initiative": int(o["id"])} and c.title == TITLE
    assert c.budget == Decimal("45000.00") and c.field == "sport"
    contests, offers, grants, _audit = count(Contest, Offer, SmallGrant)
    assert (contests, offers, grants) == (before[0] + 1, before[1], before[2])  # a contest, never a grant
    (mail,) = outbox("email.send")
    assert mail["to"] == member.email and TITLE in mail["body"] and "(planowana data ogłoszenia: 01.03.2027)" in mail["body"]
    # the planned contest is public now, in the calendar too
    assert TITLE in client.get("/calendar").get_data(as_text=True)


def test_r_art12_outcome_announcement_today_is_judged_in_warsaw(client, api_token, ngo, officer, clock_at):
    clock_at("2027-06-10T00:30")  # 9 June 22:30 UTC
    o = submit(client, api_token(ngo[0]), ngo[1])
    h, base = api_token(officer), f"/api/v1/initiatives/{o['id']}/transitions/"
    client.post(base + "start_assessment", headers=h)
    r = client.post(base + "deem_expedient", headers=h, json={"announcement_date": "2027-06-09"})
    assert r.status_code == 422 and r.get_json()["type"] == "/rules/R-ART12-OUTCOME"
    r = client.post(base + "deem_expedient", headers=h, json={"announcement_date": "2027-06-10"})
    assert r.status_code == 200


def test_r_art12_outcome_not_expedient_requires_a_justification(client, api_token, ngo, officer, make_org, clock_at):
    clock_at("2027-03-01T10:00")
    member, org = ngo
    org_with_mail = make_org("Fundacja z adresem")
    from grants.core import db
    s = db.session()
    s.get(type(org_with_mail), org_with_mail.id).email = "biuro@fundacja.example.org"
    s.commit()
    from tests.factories import make_user
    member2 = make_user(s, "applicant", org=org_with_mail)
    a, b = submit(client, api_token(member), org), submit(client, api_token(member2), org_with_mail, title="Inne")
    h = api_token(officer)
    for o in (a, b):
        client.post(f"/api/v1/initiatives/{o['id']}/transitions/start_assessment", headers=h)
    before = count(Contest)
    for payload in ({}, {"justification": ""}, {"justification": "x" * 10001}):
        r = client.post(f"/api/v1/initiatives/{a['id']}/transitions/deem_not_expedient", headers=h, json=payload)
        assert r.status_code == 422
    assert fresh(Initiative, int(a["id"])).state == "under_assessment" and outbox("email.send") == []
    for o in (a, b):
        r = client.post(f"/api/v1/initiatives/{o['id']}/transitions/deem_not_expedient", headers=h,
                        json={"justification": "Zadanie jest już finansowane w konkursie."})
        assert r.get_json()["state"] == "not_expedient"
        assert r.get_json()["decision"] == "Zadanie jest już finansowane w konkursie." and r.get_json()["planned_contest_id"] is None
    assert count(Contest)[0] == before[0]
    mails = outbox("email.send")
    assert sorted(m["to"] for m in mails) == sorted([member.email, "biuro@fundacja.example.org"])
    assert all("Zadanie jest już finansowane" in m["body"] for m in mails)


def test_r_art12_outcome_through_the_web_pages(client, app, login, ngo, officer, clock_at):
    clock_at("2027-03-01T10:00")
    member, org = ngo
    login(member)
    assert "art. 12" in client.get("/initiatives/guide").get_data(as_text=True)
    r = client.post("/initiatives/", data={"organisation_id": str(org.id), "title": TITLE, "description": DESCRIPTION,
                                           "field": "sport", "estimated_cost": "45 000,00"})
    assert r.status_code == 303
    iid = int(r.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    assert fresh(Initiative, iid).estimated_cost == Decimal("45000.00")
    staff = app.test_client()
    login(officer, staff)
    page = staff.get(f"/initiatives/{iid}").get_data(as_text=True)
    staff.post(f"/initiatives/{iid}/transitions/start_assessment", data={"version": version_of(page)})
    page = staff.get(f"/initiatives/{iid}").get_data(as_text=True)
    assert 'name="announcement_date"' in page
    r = staff.post(f"/initiatives/{iid}/transitions/deem_expedient", data={"version": version_of(page)},
                   follow_redirects=True)
    assert fresh(Initiative, iid).state == "under_assessment"
    assert "announcement_date" in r.get_data(as_text=True)
    staff.post(f"/initiatives/{iid}/transitions/deem_expedient",
               data={"version": version_of(page), "announcement_date": "2027-04-01"})
    got = fresh(Initiative, iid)
    assert got.state == "expedient" and got.planned_contest_id
    assert f"/contests/{got.planned_contest_id}" in client.get(f"/initiatives/{iid}").get_data(as_text=True)


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("change,field", [
    ({"estimated_cost": "abc"}, "estimated_cost"),
    ({"estimated_cost": "-1.00"}, "estimated_cost"),
    ({"estimated_cost": "1.001"}, "estimated_cost"),
    ({"estimated_cost": "0"}, "estimated_cost"),
    ({"estimated_cost": 12.5}, "estimated_cost"),
    ({"title": ""}, "title"),
    ({"description": "za krótko"}, "description"),
    ({"field": "nope"}, "field"),
    ({"organisation_id": "abc"}, "organisation_id"),
    ({"secret": "x"}, "secret"),
])
def test_r_art12_confidential_bad_submission_through_the_api_stores_nothing(client, api_token, ngo, change, field):
    member, org = ngo
    h = api_token(member)
    before = count(Initiative)
    body = {"organisation_id": str(org.id), "title": TITLE, "description": DESCRIPTION, "estimated_cost": "100.00",
            **change}
    r = client.post("/api/v1/initiatives", headers=h, json=body)
    assert r.status_code == 422, r.get_json()
    assert any(e["field"] == field for e in r.get_json()["errors"]), r.get_json()
    assert count(Initiative) == before


@pytest.mark.parametrize("change,field", [
    ({"estimated_cost": "abc"}, "estimated_cost"),
    ({"estimated_cost": "-1.00"}, "estimated_cost"),
    ({"estimated_cost": "1.001"}, "estimated_cost"),
    ({"title": " "}, "title"),
    ({"description": ""}, "description"),
])
def test_r_art12_confidential_bad_submission_on_the_web_form_stores_nothing(client, login, ngo, change, field):
    member, org = ngo
    login(member)
    before = count(Initiative)
    r = client.post("/initiatives/", data={"organisation_id": str(org.id), "title": TITLE, "description": DESCRIPTION,
                                           "estimated_cost": "100.00", **change})
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert 'class="error-summary"' in page and f'href="#i-{field}"' in page
    assert count(Initiative) == before
