"""The reads a client needs (issue 15), each with who sees what: organisations, people for commissions,
contest results (R-RESULTS), clone, the offers a commission member scores, dated parameters, awards."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.factories import decided_contest, make_contest

API = "/api/v1"
PROBLEM = "application/problem+json"


@pytest.fixture
def people(make_user, make_org):
    org, other_org = make_org("Fundacja Pod Wawelem"), make_org("Stowarzyszenie Nad Wisłą")

    class P:
        pass
    p = P()
    p.org, p.other_org = org, other_org
    p.member = make_user("applicant", org=org)
    p.outsider = make_user("applicant", org=other_org)
    p.officer = make_user("officer")
    p.officer2 = make_user("officer")
    p.other_officer = make_user("officer", department_code="WSS")
    p.admin = make_user("admin")
    p.expert = make_user("commission_member")
    return p


def _problem(r, status):
    assert r.status_code == status, (r.status_code, r.get_data(as_text=True)[:400])
    assert r.mimetype == PROBLEM
    return r.get_json()


# ------------------------------------------------------------------ organisations

def test_organisations_search_by_name_krs_and_nip_is_public(client, people):
    org = people.org
    for q in ("pod wawelem", org.krs, org.nip):
        body = client.get(f"{API}/organisations", query_string={"q": q}).get_json()
        assert [i["id"] for i in body["items"]] == [str(org.id)], q
        item = body["items"][0]
        assert item["name"] == org.name and item["krs"] == org.krs and item["full"] is False
        assert item.get("members") is None and item.get("created_at") is None
    assert client.get(f"{API}/organisations", query_string={"q": "%"}).get_json()["total"] == 0  # LIKE escaped


@pytest.mark.parametrize("who,full", [("anonymous", False), ("outsider", False), ("member", True),
                                      ("officer", True), ("admin", True)])
def test_organisation_record_visibility_matrix(client, api_token, people, who, full):
    headers = {} if who == "anonymous" else api_token(getattr(people, who))
    body = client.get(f"{API}/organisations/{people.org.id}", headers=headers).get_json()
    assert body["full"] is full
    if full:
        assert [m["email"] for m in body["members"]] == [people.member.email]
        assert body["created_at"]
    else:
        assert body.get("members") is None
        assert people.member.email not in str(body)
    assert body["my_role"] == ("board" if who == "member" else None) or who != "member"


def test_organisations_mine_needs_a_token_and_lists_own(client, api_token, people):
    _problem(client.get(f"{API}/organisations?mine=1"), 401)
    body = client.get(f"{API}/organisations?mine=1", headers=api_token(people.member)).get_json()
    assert [i["id"] for i in body["items"]] == [str(people.org.id)] and body["items"][0]["full"] is True
    _problem(client.get(f"{API}/organisations/abc"), 404)
    _problem(client.get(f"{API}/organisations?nope=1"), 422)


# ------------------------------------------------------------------ users for commissions

@pytest.mark.parametrize("who,status", [("anonymous", 401), ("member", 403), ("expert", 403), ("officer", 200),
                                        ("admin", 200)])
def test_users_search_matrix(client, api_token, people, who, status):
    headers = {} if who == "anonymous" else api_token(getattr(people, who))
    r = client.get(f"{API}/users", query_string={"role": "commission_member"}, headers=headers)
    assert r.status_code == status
    if status != 200:
        return
    items = r.get_json()["items"]
    assert [i["id"] for i in items] == [str(people.expert.id)]
    assert items[0]["email"] == (people.expert.email if who == "admin" else None)
    assert "commission_member" in items[0]["roles"]


def test_users_search_by_name_role_and_refusals(client, api_token, people, session):
    people.expert.full_name = "Zofia Ekspertka"
    session.commit()
    h = api_token(people.officer)
    body = client.get(f"{API}/users", query_string={"q": "zofia"}, headers=h).get_json()
    assert [i["id"] for i in body["items"]] == [str(people.expert.id)] and body["items"][0]["email"] is None
    # an officer does not find people by e-mail (an address would leak through the search)
    assert client.get(f"{API}/users", query_string={"q": people.expert.email}, headers=h).get_json()["total"] == 0
    mine = client.get(f"{API}/users", query_string={"role": "officer"}, headers=h).get_json()["items"]
    assert {i["id"]: i["email"] for i in mine}[str(people.officer.id)] == people.officer.email  # one's own
    assert [e["field"] for e in _problem(client.get(f"{API}/users?role=pope", headers=h), 422)["errors"]] == ["role"]
    assert [e["field"] for e in _problem(client.get(f"{API}/users?rol=officer", headers=h), 422)["errors"]] == ["rol"]


# ------------------------------------------------------------------ results, awards, clone

@pytest.fixture
def decided(session, people):
    contest, offers = decided_contest(session, people.officer, [(people.member, people.org, "9000.00")],
                                      people.officer2)
    return contest, offers


def test_r_results_public_once_published_with_organisation_task_and_amount(client, session, people, decided):
    contest, (offer,) = decided
    body = client.get(f"{API}/contests/{contest.id}/results").get_json()
    assert body["total"] == 1 and body["awarded_total"] == "9000.00"
    item = body["items"][0]
    assert item["organisation"] == {"id": str(people.org.id), "name": people.org.name}
    assert item["task"] == offer.title and item["awarded"] == "9000.00" and item["funded"] is True


def test_r_results_not_published_yet_is_409_and_a_draft_is_404(client, session, people):
    published = make_contest(session, people.officer)
    draft = make_contest(session, people.officer, publish=False, title="Szkic tajny")
    _problem(client.get(f"{API}/contests/{published.id}/results"), 409)
    _problem(client.get(f"{API}/contests/{draft.id}/results"), 404)


def test_awarded_grant_on_offers(client, api_token, people, decided):
    _contest, (offer,) = decided
    body = client.get(f"{API}/offers/{offer.id}", headers=api_token(people.member)).get_json()
    assert body["awarded_grant"] == "9000.00"


@pytest.mark.parametrize("who,status", [("anonymous", 401), ("member", 403), ("other_officer", 403),
                                        ("officer", 201), ("admin", 201)])
def test_clone_matrix(client, session, api_token, people, who, status):
    from grants.contests.models import Contest
    contest = make_contest(session, people.officer)
    before = session.scalar(select(func.count()).select_from(Contest))
    headers = {} if who == "anonymous" else api_token(getattr(people, who))
    r = client.post(f"{API}/contests/{contest.id}/clone", headers=headers)
    assert r.status_code == status, r.get_data(as_text=True)
    session.expire_all()
    after = session.scalar(select(func.count()).select_from(Contest))
    if status == 201:
        body = r.get_json()
        assert body["state"] == "draft" and body["year"] == contest.year + 1 and after == before + 1
    else:
        assert after == before


# ------------------------------------------------------------------ a commission member's offers

def test_commission_member_reads_the_offers_they_score_and_nothing_of_excluded_ones(
        client, session, api_token, people, make_org, make_user):
    from tests.factories import contest_in_evaluation
    from grants.commissions import operations as rops
    from reviewers.declarations import organisations_to_declare
    org2 = make_org("Fundacja Druga")
    member2 = make_user("applicant", org=org2)
    contest, (o1, o2) = contest_in_evaluation(session, people.officer, [(people.member, people.org, "9000.00"),
                                                                        (member2, org2, "8000.00")])
    com = rops.create(session, people.officer, contest)
    rops.add_member(session, people.officer, com, user_id=people.officer.id, kind="city", is_chair=True)
    rops.add_member(session, people.officer, com, user_id=people.officer2.id, kind="city")
    session.commit()
    rops.transition(session, com, "open_declarations", people.officer, {"without_ngo_reason": "none_nominated"})
    for org_id in organisations_to_declare(session, com):
        rops.declare(session, people.officer, com, org_id, False)
        conflict = org_id == org2.id  # officer2 has a conflict with org2
        rops.declare(session, people.officer2, com, org_id, conflict, ["family"] if conflict else [])
    session.commit()
    rops.transition(session, com, "start_scoring", people.officer)
    url = f"{API}/commissions/{com.id}/offers"
    h2 = api_token(people.officer2)
    body = client.get(url, headers=h2).get_json()
    assert [i["id"] for i in body["items"]] == [str(o1.id)]
    item = body["items"][0]
    assert item["title"] == o1.title and item["organisation"]["name"] == people.org.name
    assert item["requested_grant"] == "9000.00" and item["content"]["task"]["title"] and item["may_score"] is True
    assert "Fundacja Druga" not in client.get(url, headers=h2).get_data(as_text=True)
    _problem(client.get(f"{url}/{o2.id}", headers=h2), 404)  # excluded: as if absent
    assert client.get(f"{url}/{o1.id}", headers=h2).status_code == 200
    # the chair (not excluded) reads both; an applicant does not see the commission at all
    assert client.get(url, headers=api_token(people.officer)).get_json()["total"] == 2
    _problem(client.get(url, headers=api_token(people.member)), 404)
    _problem(client.get(url), 401)


# ------------------------------------------------------------------ dated parameters

def test_parameters_read_by_anyone_written_by_admins(client, session, api_token, people):
    body = client.get(f"{API}/parameters").get_json()
    keys = {i["key"]: i for i in body["items"]}
    assert keys["interest.tax_arrears_rate"]["current"] and keys["art19a.max_amount"]["current"] == "10000.00"
    new = {"key": "art19a.max_amount", "valid_from": "2020-01-01", "value": "12000.00"}
    _problem(client.post(f"{API}/parameters", json=new), 401)
    _problem(client.post(f"{API}/parameters", json=new, headers=api_token(people.officer)), 403)
    admin = api_token(people.admin)
    for bad, field in [({**new, "value": "1e3"}, "value"), ({**new, "key": "nope"}, "key"),
                       ({**new, "value": "-5"}, "value"), ({**new, "valid_from": "jutro"}, "valid_from")]:
        assert [e["field"] for e in _problem(client.post(f"{API}/parameters", json=bad, headers=admin), 422)["errors"]] \
            == [field]
    r = client.post(f"{API}/parameters", json=new, headers=admin)
    assert r.status_code == 201 and r.get_json()["current"] == "12000"
    assert {i["key"]: i for i in client.get(f"{API}/parameters").get_json()["items"]}["art19a.max_amount"][
        "rows"][-1] == {"valid_from": "2020-01-01", "value": "12000", "source": "set"}
