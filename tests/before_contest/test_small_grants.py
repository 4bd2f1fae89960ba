"""Small grants, art. 19a: R-19A-LIMITS (amount and duration at submission, yearly caps at award,
dated parameters, the race for the last of the 20% cap) and R-19A-PUBLISH (7 working days to
publish, 7 days of public comments closed by the scheduler, then award or refusal)."""
from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from grants.core import db
from grants.core.formatting import money
from grants.params.models import DatedParameter
from grants.programmes.models import Programme
from grants.small_grants import operations as gops
from grants.small_grants.models import SmallGrant, SmallGrantComment
from grants.workflows import scheduler
from grants.workflows.base import SYSTEM, apply_transition
from grants.workflows.errors import GuardRefused
from tests.factories import department as default_department

from .conftest import count, fresh, rows, version_of

TITLE = "Piknik sąsiedzki na Bieżanowie"


def pl(amount: str) -> str:
    """The amount as a message shows it to the applicant: "20 000,01 zł" (issue 14: Polish format, no rule id)."""
    return money(Decimal(amount), "pl")


def body(org, **over) -> dict:
    return {"organisation_id": str(org.id), "title": TITLE, "description": "Piknik dla mieszkańców osiedla.",
            "amount": "5000.00", "task_start": "2027-05-01", "task_end": "2027-06-30", **over}


def programme(session, year: int, total: str) -> None:
    from grants.core import clock
    session.add(Programme(grantor_id=default_department(session).grantor_id, year=year, title=f"Program {year}", priorities="", commission_rules="",
                          planned_funds={"culture": total}, adopted_on=date(year - 1, 11, 20), created_at=clock.now()))
    session.commit()


def closed_for_comments(session, officer, member, org, amount: str, title: str = TITLE) -> SmallGrant:
    """A small grant through submission and publication, its comment window closed."""
    g, _warnings = gops.submit(session, member, org.id, {"title": title, "amount": Decimal(amount),
                                                         "task_start": date(2027, 5, 1), "task_end": date(2027, 6, 30)})
    session.commit()
    gops.transition(session, g, "publish", officer)
    apply_transition(session, g, "close_comments", SYSTEM)
    return g


@pytest.fixture
def year_2027(session, clock_at):
    clock_at("2027-03-10T10:00")
    programme(session, 2027, "1000000.00")  # 20%: 200 000.00


# ---------------------------------------------------------------- R-19A-LIMITS at submission

@pytest.mark.parametrize("amount,ok", [("10000.00", True), ("10000.01", False), ("0.01", True)])
def test_r_19a_limits_amount_at_submission(client, api_token, ngo, year_2027, amount, ok):
    before = count(SmallGrant)
    r = client.post("/api/v1/small-grants", headers=api_token(ngo[0]), json=body(ngo[1], amount=amount))
    if ok:
        assert r.status_code == 201 and r.get_json()["amount"] == amount
    else:
        assert r.status_code == 422
        (err,) = r.get_json()["errors"]
        assert err["field"] == "amount"
        assert pl("10000.01") in err["message"] and pl("10000.00") in err["message"] and "R-19A-LIMITS" not in err["message"]
        assert count(SmallGrant) == before


@pytest.mark.parametrize("end,ok", [("2027-07-29", True), ("2027-07-30", False)])  # from 1 May: 90 / 91 days
def test_r_19a_limits_duration_at_submission(client, api_token, ngo, year_2027, end, ok):
    before = count(SmallGrant)
    r = client.post("/api/v1/small-grants", headers=api_token(ngo[0]), json=body(ngo[1], task_end=end))
    if ok:
        assert r.status_code == 201
    else:
        assert r.status_code == 422
        (err,) = r.get_json()["errors"]
        assert err["field"] == "task_end" and "91" in err["message"] and "90" in err["message"]
        assert count(SmallGrant) == before


@pytest.mark.parametrize("change,field", [
    ({"amount": "abc"}, "amount"),
    ({"amount": "-1.00"}, "amount"),
    ({"amount": "0"}, "amount"),
    ({"amount": "100.001"}, "amount"),
    ({"amount": 100.5}, "amount"),
    ({"amount": None}, "amount"),
    ({"task_end": "2027-04-30"}, "task_end"),   # before the start
    ({"task_start": "1 maja"}, "task_start"),
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"organisation_id": "x"}, "organisation_id"),
    ({"extra": 1}, "extra"),
])
def test_r_19a_limits_bad_submission_through_the_api_stores_nothing(client, api_token, ngo, year_2027, change, field):
    before = count(SmallGrant)
    r = client.post("/api/v1/small-grants", headers=api_token(ngo[0]), json=body(ngo[1], **change))
    assert r.status_code == 422, r.get_json()
    assert r.mimetype == "application/problem+json"
    assert [e["field"] for e in r.get_json()["errors"]] == [field], r.get_json()
    assert count(SmallGrant) == before


def test_r_19a_limits_missing_fields_through_the_api(client, api_token, ngo, year_2027):
    before = count(SmallGrant)
    r = client.post("/api/v1/small-grants", headers=api_token(ngo[0]), json={"organisation_id": str(ngo[1].id)})
    assert r.status_code == 422
    assert {e["field"] for e in r.get_json()["errors"]} >= {"title", "amount", "task_start", "task_end"}
    assert count(SmallGrant) == before


@pytest.mark.parametrize("change,field", [
    ({"amount": "abc"}, "amount"),
    ({"amount": ""}, "amount"),
    ({"amount": "-5"}, "amount"),
    ({"amount": "1,005"}, "amount"),
    ({"amount": "10000,01"}, "amount"),
    ({"task_start": "01.05.2027"}, "task_start"),
    ({"task_end": ""}, "task_end"),
    ({"task_end": "2027-07-30"}, "task_end"),
    ({"title": ""}, "title"),
])
def test_r_19a_limits_bad_submission_on_the_web_form_stores_nothing(client, login, ngo, year_2027, change, field):
    login(ngo[0])
    before = count(SmallGrant)
    r = client.post("/small-grants/", data=body(ngo[1], **change))
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert 'class="error-summary"' in page and f'href="#g-{field}"' in page
    assert count(SmallGrant) == before


def test_r_19a_limits_submission_through_the_web_form(client, login, ngo, year_2027):
    login(ngo[0])
    r = client.post("/small-grants/", data=body(ngo[1], amount="10 000,00"))
    assert r.status_code == 303
    (g,) = rows(SmallGrant)
    assert g.amount == Decimal("10000.00") and g.state == "submitted"


# ---------------------------------------------------------------- dated parameters

def test_r_19a_limits_dated_parameter_changes_the_limit_from_its_date_only(client, session, api_token, ngo, clock_at):
    default_department(session)  # the authority the offers are addressed to (issue 22)
    session.add_all([DatedParameter(key="art19a.max_amount", valid_from=date(2027, 7, 1), value="20000.00"),
                     DatedParameter(key="art19a.max_days", valid_from=date(2027, 7, 1), value="120")])
    session.commit()
    h = api_token(ngo[0])
    clock_at("2027-06-30T23:30")  # the day before, Warsaw time (21:30 UTC)
    old = client.post("/api/v1/small-grants", headers=h, json=body(ngo[1], amount="10000.00"))
    assert old.status_code == 201
    r = client.post("/api/v1/small-grants", headers=h, json=body(ngo[1], amount="15000.00"))
    assert r.status_code == 422 and pl("10000.00") in r.get_json()["errors"][0]["message"]
    r = client.post("/api/v1/small-grants", headers=h, json=body(ngo[1], task_start="2027-07-01", task_end="2027-09-30"))
    assert r.status_code == 422  # 92 days
    clock_at("2027-07-01T00:30")
    assert client.post("/api/v1/small-grants", headers=h, json=body(ngo[1], amount="15000.00")).status_code == 201
    assert client.post("/api/v1/small-grants", headers=h,
                       json=body(ngo[1], task_start="2027-07-01", task_end="2027-09-30")).status_code == 201
    r = client.post("/api/v1/small-grants", headers=h, json=body(ngo[1], amount="20000.01"))
    assert r.status_code == 422 and pl("20000.00") in r.get_json()["errors"][0]["message"]
    # the offer received under the old limit keeps what it was received with
    assert fresh(SmallGrant, int(old.get_json()["id"])).amount == Decimal("10000.00")


def test_r_19a_limits_dated_yearly_cap_applies_from_its_date_at_award(session, officer, ngo, clock_at):
    clock_at("2027-03-10T10:00")
    programme(session, 2027, "1000000.00")
    session.add(DatedParameter(key="art19a.max_per_organisation_year", valid_from=date(2027, 7, 1), value="30000.00"))
    session.commit()
    member, org = ngo
    closed_for_comments(session, officer, member, org, "10000.00")
    closed_for_comments(session, officer, member, org, "10000.00")
    third = closed_for_comments(session, officer, member, org, "5000.00")
    for g in gops_all(session)[:2]:
        gops.transition(session, g, "award", officer)
    with pytest.raises(GuardRefused) as e:
        gops.transition(session, third, "award", officer)  # June: still 20 000
    assert pl("20000.00") in str(e.value.detail) and pl("25000.00") in str(e.value.detail)
    clock_at("2027-07-01T09:00")
    gops.transition(session, session.get(SmallGrant, third.id), "award", officer)
    assert fresh(SmallGrant, third.id).state == "awarded"


def gops_all(session):
    from sqlalchemy import select
    return session.scalars(select(SmallGrant).order_by(SmallGrant.id)).all()


# ---------------------------------------------------------------- yearly caps at award

def test_r_19a_limits_per_organisation_cap_at_award_by_one_grosz(client, session, api_token, officer, ngo, year_2027):
    member, org = ngo
    a = closed_for_comments(session, officer, member, org, "10000.00")
    b = closed_for_comments(session, officer, member, org, "9999.99")
    gops.transition(session, a, "award", officer)
    gops.transition(session, b, "award", officer)
    # a submission that would pass the cap is warned about, not refused
    r = client.post("/api/v1/small-grants", headers=api_token(member), json=body(org, amount="0.02"))
    assert r.status_code == 201
    (warning,) = r.get_json()["warnings"]
    assert pl("19999.99") in warning and pl("20000.01") in warning and pl("20000.00") in warning and "R-19A-LIMITS" not in warning
    r = client.post("/api/v1/small-grants", headers=api_token(member), json=body(org, amount="0.01"))
    assert "warnings" not in r.get_json()
    over = closed_for_comments(session, officer, member, org, "0.02")
    exact = closed_for_comments(session, officer, member, org, "0.01")
    h = api_token(officer)
    before = count(SmallGrant)
    r = client.post(f"/api/v1/small-grants/{over.id}/transitions/award", headers=h)
    assert r.status_code == 422 and r.get_json()["type"] == "/rules/R-19A-LIMITS"
    assert pl("20000.01") in r.get_json()["detail"] and pl("20000.00") in r.get_json()["detail"]
    assert fresh(SmallGrant, over.id).state == "comments_closed" and count(SmallGrant) == before
    # the page shows the award button disabled, with the reason
    r = client.get(f"/api/v1/small-grants/{over.id}", headers=h)
    (award,) = [t for t in r.get_json()["transitions"] if t["name"] == "award"]
    assert award["allowed"] is False and award["rule"] == "R-19A-LIMITS"
    r = client.post(f"/api/v1/small-grants/{exact.id}/transitions/award", headers=h)
    assert r.status_code == 200 and r.get_json()["state"] == "awarded"


def test_r_19a_limits_awards_of_another_year_do_not_count(session, officer, ngo, clock_at):
    clock_at("2026-12-10T10:00")
    programme(session, 2026, "1000000.00")
    programme(session, 2027, "1000000.00")
    member, org = ngo
    for _ in range(2):
        gops.transition(session, closed_for_comments(session, officer, member, org, "10000.00"), "award", officer)
    late = closed_for_comments(session, officer, member, org, "10000.00")
    with pytest.raises(GuardRefused):
        gops.transition(session, late, "award", officer)
    clock_at("2027-01-04T09:00")
    gops.transition(session, session.get(SmallGrant, late.id), "award", officer)
    assert fresh(SmallGrant, late.id).state == "awarded"


def test_r_19a_limits_share_of_planned_grants_at_award_by_one_grosz(session, client, api_token, officer, make_org,
                                                                    make_user, clock_at):
    clock_at("2027-03-10T10:00")
    programme(session, 2027, "100000.00")   # 20% = 20 000.00
    programme(session, 2028, "5000000.00")  # another year's programme does not count
    people = []
    for i in range(3):
        org = make_org(f"Fundacja {i}")
        people.append((make_user("applicant", org=org), org))
    gops.transition(session, closed_for_comments(session, officer, *people[0], "10000.00"), "award", officer)
    gops.transition(session, closed_for_comments(session, officer, *people[1], "9999.99"), "award", officer)
    r = client.post("/api/v1/small-grants", headers=api_token(people[2][0]), json=body(people[2][1], amount="0.02"))
    (warning,) = r.get_json()["warnings"]
    assert "20%" in warning and pl("20000.00") in warning and pl("20000.01") in warning
    over = closed_for_comments(session, officer, *people[2], "0.02")
    with pytest.raises(GuardRefused) as e:
        gops.transition(session, over, "award", officer)
    assert e.value.reason.rule == "R-19A-LIMITS" and pl("20000.01") in str(e.value.detail)
    assert fresh(SmallGrant, over.id).state == "comments_closed"
    exact = closed_for_comments(session, officer, *people[2], "0.01")
    gops.transition(session, exact, "award", officer)
    assert fresh(SmallGrant, exact.id).state == "awarded"


@pytest.mark.postgres(reason="races concurrent writers: SQLite lets one writer at a time hold the file, so there is no race to lose")
def test_r_19a_limits_race_for_the_last_of_the_share_cap_is_never_exceeded(session, officer, make_org, make_user,
                                                                           clock_at):
    from grants.accounts.models import User
    clock_at("2027-03-10T10:00")
    programme(session, 2027, "50000.00")  # 20% = 10 000.00
    contenders = []
    for i in range(4):
        org = make_org(f"Fundacja {i}")
        contenders.append(closed_for_comments(session, officer, make_user("applicant", org=org), org, "6000.00",
                                              title=f"Zadanie {i}").id)
    session.close()
    for _round in range(2):
        pair = contenders[:2] if _round == 0 else contenders[2:]
        barrier = threading.Barrier(2)
        results = {}

        def award(gid):
            with Session(db.get_engine(), expire_on_commit=False) as s:
                actor = s.get(User, officer.id)
                g = s.get(SmallGrant, gid)
                actor.role_names, actor.department_id  # loaded before the race
                barrier.wait()
                try:
                    gops.transition(s, g, "award", actor)
                    results[gid] = "awarded"
                except GuardRefused:
                    results[gid] = "refused"

        threads = [threading.Thread(target=award, args=(gid,)) for gid in pair]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert sorted(results.values()) == (["awarded", "refused"] if _round == 0 else ["refused", "refused"])
    awarded = [fresh(SmallGrant, gid) for gid in contenders]
    total = sum((g.amount for g in awarded if g.state == "awarded"), Decimal("0"))
    assert total == Decimal("6000.00") <= Decimal("10000.00")


# ---------------------------------------------------------------- R-19A-PUBLISH

def test_r_19a_publish_due_seven_working_days_after_receipt(client, app, login, api_token, ngo, officer, clock_at):
    clock_at("2027-04-23T15:00")  # a Friday; 1 May is a Saturday, 3 May a holiday
    r = client.post("/api/v1/small-grants", headers=api_token(ngo[0]), json=body(ngo[1]))
    g = r.get_json()
    assert g["publish_due"] == "2027-05-05"
    staff = app.test_client()
    login(officer, staff)
    item = staff.get("/").get_data(as_text=True).split(TITLE)[1].split("</li>")[0]
    assert "opublikuj do 05.05.2027" in item and "minął" not in item
    clock_at("2027-05-05T22:00")
    assert "minął" not in staff.get("/").get_data(as_text=True).split(TITLE)[1].split("</li>")[0]
    clock_at("2027-05-06T08:00")
    item = staff.get("/").get_data(as_text=True).split(TITLE)[1].split("</li>")[0]
    assert "termin publikacji minął (R-19A-PUBLISH)" in item
    # not public before publication
    assert TITLE not in client.get("/small-grants/").get_data(as_text=True)
    assert client.get("/api/v1/small-grants").get_json()["total"] == 0
    assert client.get(f"/small-grants/{g['id']}").status_code == 404


def test_r_19a_publish_comments_window_scheduler_and_award(client, app, session, login, api_token, ngo, officer,
                                                           make_user, clock_at):
    clock_at("2027-04-05T10:00")  # a Monday
    programme(session, 2027, "1000000.00")
    member, org = ngo
    g = client.post("/api/v1/small-grants", headers=api_token(member), json=body(org)).get_json()
    sid, h = g["id"], api_token(officer)
    # the applicant may not publish; award is not available before the comments are closed
    assert client.post(f"/api/v1/small-grants/{sid}/transitions/publish", headers=api_token(member)).status_code == 403
    clock_at("2027-04-07T10:00")
    r = client.post(f"/api/v1/small-grants/{sid}/transitions/publish", headers=h)
    assert r.status_code == 200
    close_at = r.get_json()["comments_close_at"]
    assert close_at == "2027-04-14T21:59:59.999999Z"  # the end of 14 April, Warsaw (CEST)
    assert client.post(f"/api/v1/small-grants/{sid}/transitions/award", headers=h).status_code == 409

    # public now: list, page, API without a token, calendar (art. 19a filter)
    assert TITLE in client.get("/small-grants/").get_data(as_text=True)
    assert [x["id"] for x in client.get("/api/v1/small-grants").get_json()["items"]] == [sid]
    assert TITLE in client.get("/").get_data(as_text=True)
    assert TITLE in client.get("/calendar?call_type=art19a").get_data(as_text=True)
    assert TITLE not in client.get("/calendar?call_type=standard").get_data(as_text=True)

    # anyone comments while published: anonymously on the page, with a token through the API
    r = client.post(f"/small-grants/{sid}", data={"author_name": "Jan Mieszkaniec", "body": "Bardzo potrzebne!"})
    assert r.status_code == 303
    resident = make_user("participant", stakeholder_type="resident")
    r = client.post(f"/api/v1/small-grants/{sid}/comments", headers=api_token(resident), json={"body": "Popieram."})
    assert r.status_code == 201
    before = count(SmallGrantComment)
    for bad in ({"body": ""}, {"body": "x" * 4001}, {}, {"body": "ok", "x": 1}):
        assert client.post(f"/api/v1/small-grants/{sid}/comments", headers=api_token(resident), json=bad).status_code == 422
    r = client.post(f"/small-grants/{sid}", data={"author_name": "", "body": "Bez podpisu"}, follow_redirects=True)
    assert "Podpisz uwagę" in r.get_data(as_text=True)
    assert count(SmallGrantComment) == before

    # the last moment of the window still counts; a moment later nothing is accepted, even
    # before the scheduler has run
    clock_at("2027-04-14T23:59:00")
    assert client.post(f"/api/v1/small-grants/{sid}/comments", headers=api_token(resident),
                       json={"body": "W ostatniej chwili"}).status_code == 201
    clock_at("2027-04-15T00:00:01")
    before = count(SmallGrantComment)
    r = client.post(f"/api/v1/small-grants/{sid}/comments", headers=api_token(resident), json={"body": "Za późno"})
    assert r.status_code == 409 and "R-19A-PUBLISH" in r.get_json()["detail"]
    r = client.post(f"/small-grants/{sid}", data={"author_name": "Jan", "body": "Za późno"}, follow_redirects=True)
    assert "R-19A-PUBLISH" in r.get_data(as_text=True)
    assert 'name="body"' not in client.get(f"/small-grants/{sid}").get_data(as_text=True)
    assert count(SmallGrantComment) == before

    # the scheduler closes the window (once)
    assert fresh(SmallGrant, int(sid)).state == "published"
    assert scheduler.run_due() >= 1
    assert fresh(SmallGrant, int(sid)).state == "comments_closed"
    assert scheduler.run_due() == 0

    # the officer considers the comments and awards through the page
    staff = app.test_client()
    login(officer, staff)
    page = staff.get(f"/small-grants/{sid}").get_data(as_text=True)
    assert "Bardzo potrzebne!" in page and "W ostatniej chwili" in page
    r = staff.post(f"/small-grants/{sid}/transitions/award",
                   data={"version": version_of(page), "justification": "Uwagi poparły zadanie."})
    assert r.status_code == 303
    got = fresh(SmallGrant, int(sid))
    assert got.state == "awarded" and got.decision == "Uwagi poparły zadanie." and got.decided_at is not None
    assert client.get(f"/api/v1/small-grants/{sid}").get_json()["state"] == "awarded"


def test_r_19a_publish_refusal_requires_a_justification(client, session, api_token, ngo, officer, year_2027):
    g = closed_for_comments(session, officer, *ngo, "5000.00")
    h = api_token(officer)
    for payload in ({}, {"justification": ""}, {"justification": "ab"}):
        r = client.post(f"/api/v1/small-grants/{g.id}/transitions/refuse", headers=h, json=payload)
        assert r.status_code == 422
    assert fresh(SmallGrant, g.id).state == "comments_closed"
    r = client.post(f"/api/v1/small-grants/{g.id}/transitions/refuse", headers=h,
                    json={"justification": "Zadanie nie ma charakteru pożytku publicznego."})
    assert r.status_code == 200 and r.get_json()["state"] == "refused"
    assert r.get_json()["decision"] == "Zadanie nie ma charakteru pożytku publicznego."


def test_r_19a_publish_scheduler_closes_only_when_due(session, officer, ngo, clock_at):
    clock_at("2027-04-05T10:00")
    member, org = ngo
    g, _w = gops.submit(session, member, org.id, {"title": TITLE, "amount": Decimal("100.00"),
                                                 "task_start": date(2027, 5, 1), "task_end": date(2027, 5, 2)})
    session.commit()
    gops.transition(session, g, "publish", officer)
    gid = g.id
    clock_at("2027-04-12T23:00")  # 7 days later is 12 April: the window runs to its end
    assert scheduler.run_due() == 0 and fresh(SmallGrant, gid).state == "published"
    clock_at("2027-04-13T00:00:01")
    assert scheduler.run_due() == 1 and fresh(SmallGrant, gid).state == "comments_closed"
