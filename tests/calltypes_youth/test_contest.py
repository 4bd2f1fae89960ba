"""A youth-entrepreneurship contest: its age bounds as the contest's own parameters, checked on every
write (clear Polish errors, nothing changed), and the criteria presets added to the art. 15 ones."""
from __future__ import annotations

import pytest

from grants.calltypes import get as get_call_type

from grants.contests.models import Contest
from tests.calltypes_youth.helpers import CODE, api_body, count


def test_youth_contest_with_its_age_bounds_created_and_published_through_the_api(client, session, make_user, api_token):
    officer = make_user("officer")
    h = api_token(officer)
    body = api_body(call_params={"min_age": "14", "max_age": 19, "min_ventures": 2})
    r = client.post("/api/v1/contests", json=body, headers=h)
    assert r.status_code == 201, r.get_data(as_text=True)
    c = r.get_json()
    assert c["call_type"] == CODE
    assert c["call_params"] == {"min_age": 14, "max_age": 19, "min_ventures": 2}  # normalised
    codes = [x["code"] for x in c["criteria"]]
    # R-EVAL-CRITERIA: the art. 15 criteria first, then the type's presets
    assert codes[:3] == ["capacity", "costs", "quality"]
    assert codes[-4:] == ["youth_lead", "practical_learning", "school_partnership", "lasting_effect"]
    r = client.post(f"/api/v1/contests/{c['id']}/transitions/publish", json={}, headers=h)
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.get_json()["state"] == "published"
    # the public sees the published announcement with its bounds
    pub = client.get(f"/api/v1/contests/{c['id']}").get_json()
    assert pub["call_params"]["min_age"] == 14


def test_youth_contest_without_parameters_takes_the_default_bounds_13_to_25(client, session, make_user, api_token):
    officer = make_user("officer")
    h = api_token(officer)
    body = api_body()
    del body["call_params"]
    c = client.post("/api/v1/contests", json=body, headers=h).get_json()
    # the type's defaults are stored, so the announcement shows the bounds in force
    assert c["call_params"] == {"min_age": 13, "max_age": 25, "min_ventures": 1}
    contest = session.get(Contest, int(c["id"]))
    p = get_call_type(CODE).params(contest)
    assert (p.min_age, p.max_age, p.min_ventures) == (13, 25, 1)
    r = client.post(f"/api/v1/contests/{c['id']}/transitions/publish", json={}, headers=h)
    assert r.status_code == 200 and r.get_json()["state"] == "published", r.get_data(as_text=True)


@pytest.mark.parametrize("params, field, words", [
    ({"min_age": 20, "max_age": 15}, "call_params.max_age", "nie może być niższa od dolnej (20)"),
    ({"min_age": 5}, "call_params.min_age", "6–35"),
    ({"max_age": 36}, "call_params.max_age", "6–35"),
    ({"min_age": "trzynaście"}, "call_params.min_age", "liczbę całkowitą"),
    ({"min_age": 13.5}, "call_params.min_age", "liczbę całkowitą"),
    ({"min_age": True}, "call_params.min_age", "liczbę całkowitą"),
    ({"min_ventures": 0}, "call_params.min_ventures", "co najmniej jedno"),
    ({"max_participants": 10}, "call_params.max_participants", ""),
])
def test_youth_contest_bad_age_bounds_refused_and_nothing_created(client, session, make_user, api_token,
                                                                  params, field, words):
    officer = make_user("officer")
    h = api_token(officer)
    r = client.post("/api/v1/contests", json=api_body(call_params=params), headers=h)
    assert r.status_code == 422, r.get_data(as_text=True)
    errors = r.get_json()["errors"]
    assert [e["field"] for e in errors] == [field], errors
    assert words in errors[0]["message"]
    assert count(session, Contest) == 0


def test_youth_contest_bad_bounds_on_patch_change_nothing(client, session, make_user, api_token):
    officer = make_user("officer")
    h = api_token(officer)
    c = client.post("/api/v1/contests", json=api_body(), headers=h).get_json()
    r = client.patch(f"/api/v1/contests/{c['id']}", json={"call_params": {"min_age": 18, "max_age": 16}}, headers=h)
    assert r.status_code == 422, r.get_data(as_text=True)
    after = client.get(f"/api/v1/contests/{c['id']}", headers=h).get_json()
    assert (after["call_params"], after["version"]) == (c["call_params"], c["version"])
    # a good change is kept
    r = client.patch(f"/api/v1/contests/{c['id']}", json={"call_params": {"min_age": 16, "max_age": 18}}, headers=h)
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.get_json()["call_params"] == {"min_age": 16, "max_age": 18, "min_ventures": 1}


def test_only_officers_announce_a_youth_contest(client, make_user, make_org, api_token, session):
    ngo = make_user("applicant", org=make_org())
    assert client.post("/api/v1/contests", json=api_body(), headers=api_token(ngo)).status_code == 403
    assert client.post("/api/v1/contests", json=api_body()).status_code == 401
    assert count(session, Contest) == 0
