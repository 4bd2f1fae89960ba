"""References in request bodies (ids of contests, organisations, users, agreements…) that are not
numbers, are out of an INTEGER column's range or point nowhere: a 4xx naming the field, never a 500
(the database never sees them)."""
from __future__ import annotations

import pytest

HUGE = "99999999999999999999"

CREATES = [
    ("/api/v1/offers", {"contest_id": "{v}", "organisation_id": "{org}"}, "contest_id"),
    ("/api/v1/offers", {"contest_id": "{contest}", "organisation_id": "{v}"}, "organisation_id"),
    ("/api/v1/commissions", {"contest_id": "{v}"}, "contest_id"),
    ("/api/v1/agreements", {"offer_id": "{v}"}, "offer_id"),
    ("/api/v1/reports", {"agreement_id": "{v}"}, "agreement_id"),
    ("/api/v1/small-grants", {"organisation_id": "{v}", "title": "T", "amount": "100.00"}, "organisation_id"),
    ("/api/v1/initiatives", {"organisation_id": "{v}", "title": "T"}, "organisation_id"),
    ("/api/v1/directions", {"consultation_id": "{v}", "title": "T"}, "consultation_id"),
    ("/api/v1/consultations", {"title": "T", "department_id": "{v}"}, "department_id"),
    ("/api/v1/contests", {"title": "T", "department_id": "{v}"}, "department_id"),
]


@pytest.mark.parametrize("value", [HUGE, "0", "-1", "1e3", "abc", "999999"])
@pytest.mark.parametrize("path, body, field", CREATES)
def test_bad_reference_in_a_create_body_is_never_a_500(client, session, make_user, make_org, api_token,
                                                       path, body, field, value):
    from tests.factories import make_contest
    admin = make_user("admin")
    org = make_org()
    ngo = make_user("applicant", org=org)
    contest = make_contest(session, admin)
    filled = {k: v.format(v=value, org=org.id, contest=contest.id) for k, v in body.items()}
    for h in (api_token(admin), api_token(ngo)):
        r = client.post(path, json=filled, headers=h)
        assert r.status_code != 500, (path, filled, r.get_data(as_text=True)[:300])
        assert 400 <= r.status_code < 500, (path, filled, r.status_code, r.get_data(as_text=True)[:300])
        if r.status_code == 422:
            assert r.mimetype == "application/problem+json"


PATHS = [
    ("delete", "/api/v1/commissions/{c}/members/{v}"), ("put", "/api/v1/commissions/{c}/score-cards/{v}"),
    ("get", "/api/v1/commissions/{v}/ranking"), ("delete", "/api/v1/offers/{v}/members/{v}"),
    ("post", "/api/v1/offers/{v}/members/{v}/confirm"), ("get", "/api/v1/commission-pool/{v}"),
    ("patch", "/api/v1/commission-pool/{v}"), ("get", "/api/v1/agreements/{v}/milestones/{v}"),
    ("get", "/api/v1/commissions/{c}/concept-cards/{v}"), ("post", "/api/v1/settlements/{v}/returns"),
    ("get", "/api/v1/offers/{v}"), ("patch", "/api/v1/contests/{v}"),
]


@pytest.mark.parametrize("value", [HUGE, "-1", "abc", "0"])
@pytest.mark.parametrize("method, path", PATHS)
def test_bad_id_in_a_path_is_never_a_500(client, session, make_user, api_token, method, path, value):
    admin = make_user("admin")
    r = getattr(client, method)(path.format(v=value, c=1), json={"scores": {}, "justifications": {}},
                                headers=api_token(admin))
    assert 400 <= r.status_code < 500, (path, value, r.status_code, r.get_data(as_text=True)[:300])
