"""Concept cards through the API (/api/v1/commissions/<id>/concept-cards, .../concept-ranking), in the
contract's order of checks: 401, 404, 409 (state), 403, 409 (If-Match), 400, 422. R-SCORE,
R-COM-IMPARTIAL, R-COM-EXPERT. Ids are kept, not objects: a request ends the test's session."""
from __future__ import annotations

from grants.calltypes.innovation.models import ConceptCard
from grants.commissions import operations as rops
from reviewers.models import Commission

from .helpers import CRITERIA, counts, scoring_world


def _setup(session, make_user, make_org, api_token, **kw):
    officer, city2, expert, orgs, contest, concepts, c = scoring_world(session, make_user, make_org, n=2,
                                                                       conflicts=[("city2", 0)], **kw)
    outsider = make_user("officer")  # of the same department, not on the commission
    t = {"officer": api_token(officer), "city2": api_token(city2), "expert": api_token(expert),
         "outsider": api_token(outsider), "applicant": api_token(make_user("applicant", org=orgs[0])),
         "other_dept": api_token(make_user("officer", department_code="ZZZ"))}
    return t, c.id, [k.id for k in concepts], officer.id


def _full(points="7", text="Uzasadnienie"):
    return {"scores": {k: points for k in CRITERIA}, "justifications": {k: text for k in CRITERIA}, "submit": True}


def test_concept_cards_api_save_draft_then_submit_and_read_back(client, session, make_user, make_org, api_token):
    t, cid, (k0, k1), _ = _setup(session, make_user, make_org, api_token)
    url = f"/api/v1/commissions/{cid}/concept-cards/{k1}"
    r = client.get(url, headers=t["city2"])
    assert r.status_code == 200 and r.get_json()["state"] is None and r.get_json()["editable"] is True
    assert [x["code"] for x in r.get_json()["criteria"]] == list(CRITERIA)
    r = client.put(url, json={"scores": {"novelty": "6"}}, headers=t["city2"])
    assert r.status_code == 200, r.get_data(as_text=True)
    body = r.get_json()
    assert body["state"] == "draft" and body["scores"] == {"novelty": "6"} and r.headers["ETag"] == f'"{body["version"]}"'
    r = client.put(url, json=_full("8"), headers={**t["city2"], "If-Match": r.headers["ETag"]})
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.get_json()["state"] == "submitted" and r.get_json()["submitted_at"]
    r = client.put(url, json=_full("9"), headers=t["city2"])
    assert r.status_code == 409  # a submitted card is final
    r = client.get(url, headers=t["city2"])
    assert r.get_json()["scores"] == {k: "8" for k in CRITERIA} and r.get_json()["editable"] is False


def test_concept_cards_api_checks_in_the_contract_order(client, session, make_user, make_org, api_token):
    t, cid, (k0, k1), officer_id = _setup(session, make_user, make_org, api_token)
    url = f"/api/v1/commissions/{cid}/concept-cards/{k1}"
    before = counts(session)
    # 401 without a token
    assert client.put(url, json=_full()).status_code == 401
    assert client.get(f"/api/v1/commissions/{cid}/concept-cards").status_code == 401
    assert client.get(f"/api/v1/commissions/{cid}/concept-ranking").status_code == 401
    # 404: commission not visible (another department, an applicant), unknown concept
    assert client.put(url, json=_full(), headers=t["other_dept"]).status_code == 404
    assert client.put(url, json=_full(), headers=t["applicant"]).status_code == 404
    for bad in ("999999", "abc", "-1", "1" * 30):
        assert client.put(f"/api/v1/commissions/{cid}/concept-cards/{bad}", json=_full(),
                          headers=t["city2"]).status_code == 404
    assert client.get("/api/v1/commissions/999999/concept-cards", headers=t["officer"]).status_code == 404
    # 403: not a member; a member excluded from that concept by a declared conflict (R-COM-IMPARTIAL)
    assert client.put(url, json=_full(), headers=t["outsider"]).status_code == 403
    assert client.get(url, headers=t["outsider"]).status_code == 403
    excluded = f"/api/v1/commissions/{cid}/concept-cards/{k0}"
    assert client.put(excluded, json=_full(), headers=t["city2"]).status_code == 403
    assert client.get(excluded, headers=t["city2"]).status_code == 403
    # 400 malformed JSON; 422 wrong types, unknown fields, a score above the maximum, missing justification
    r = client.put(url, data="{not json", content_type="application/json", headers=t["city2"])
    assert r.status_code == 400 and r.content_type == "application/problem+json"
    for body in ({"scores": ["7"]}, {"scores": {}, "amount": "1000.00"}, {"scores": {"novelty": 7.5}},
                 {"scores": {"novelty": "11"}}, {"scores": {"costs": "3"}},
                 {"scores": {k: "5" for k in CRITERIA}, "submit": True}, "[]"):
        r = client.put(url, json=body, headers=t["city2"])
        assert r.status_code == 422, (body, r.get_data(as_text=True))
        assert r.get_json()["errors"]
    r = client.put(url, json={"scores": {"novelty": "11"}}, headers=t["city2"])
    assert r.get_json()["errors"][0]["field"] == "scores.novelty"
    assert counts(session) == before
    # 409 stale If-Match, after a draft exists
    r = client.put(url, json={"scores": {"novelty": "3"}}, headers=t["city2"])
    assert r.status_code == 200
    r = client.put(url, json={"scores": {"novelty": "4"}}, headers={**t["city2"], "If-Match": '"99"'})
    assert r.status_code == 409 and "stale" in r.get_json()["type"]
    # 409 once scoring is closed (the state answers before the role)
    from grants.accounts.models import User
    session.expire_all()
    rops.transition(session, session.get(Commission, cid), "close_scoring", session.get(User, officer_id),
                    {"reason": "Koniec terminu oceny."})
    assert client.put(url, json=_full(), headers=t["outsider"]).status_code == 409
    assert client.put(url, json=_full(), headers=t["city2"]).status_code == 409


def test_r_com_impartial_blind_scoring_and_redacted_ranking_through_the_api(client, session, make_user, make_org,
                                                                            api_token):
    t, cid, (k0, k1), officer_id = _setup(session, make_user, make_org, api_token)
    for who, concept, pts in (("officer", k0, "9"), ("officer", k1, "5"), ("city2", k1, "7"), ("expert", k0, "1")):
        r = client.put(f"/api/v1/commissions/{cid}/concept-cards/{concept}", json=_full(pts), headers=t[who])
        assert r.status_code == 200, r.get_data(as_text=True)
    lst = lambda who: client.get(f"/api/v1/commissions/{cid}/concept-cards", headers=t[who]).get_json()["items"]  # noqa: E731
    assert len(lst("officer")) == 2 and len(lst("city2")) == 1  # each sees their own while scoring
    assert lst("outsider") == []  # officers see no scores while blind
    assert client.get(f"/api/v1/commissions/{cid}/concept-ranking", headers=t["officer"]).status_code == 409
    r = client.post(f"/api/v1/commissions/{cid}/transitions/close_scoring", json={}, headers=t["officer"])
    assert r.status_code == 200, r.get_data(as_text=True)
    assert len(lst("outsider")) == 4
    assert {x["concept_id"] for x in lst("city2")} == {str(k1)}  # never the excluded concept's cards
    r = client.get(f"/api/v1/commissions/{cid}/concept-ranking", headers=t["officer"])
    items = r.get_json()["items"]
    assert [x["concept_id"] for x in items] == [str(k0), str(k1)]
    assert [x["score"] for x in items] == ["45.00", "30.00"] and items[0]["advisory"] == "5.00"
    assert [x["rank"] for x in items] == [1, 2] and r.get_json()["shortlist_size"] == 2
    hidden = client.get(f"/api/v1/commissions/{cid}/concept-ranking", headers=t["city2"]).get_json()["items"]
    row = next(x for x in hidden if x["concept_id"] == str(k0))
    assert row["score"] is None and row["advisory"] is None and all(x["rank"] is None for x in hidden)
    assert session.query(ConceptCard).count() == 4


def test_concept_card_routes_answer_404_for_a_commission_of_an_offers_contest(client, session, make_user, make_org,
                                                                              api_token):
    from tests.reviewers.helpers import compose, contest_in_evaluation
    officer, org = make_user("officer"), make_org()
    contest, offers = contest_in_evaluation(session, officer, [(make_user("applicant", org=org), org, "9000.00")])
    c = compose(session, officer, contest, [(officer, "city", None, True)])
    h = api_token(officer)
    assert client.get(f"/api/v1/commissions/{c.id}/concept-cards", headers=h).status_code == 404
    assert client.put(f"/api/v1/commissions/{c.id}/concept-cards/{offers[0].id}", json={},
                      headers=h).status_code == 404


def test_s9_concept_call_decided_through_the_api_shortlists_and_awards_nothing(client, session, make_user, make_org,
                                                                               api_token):
    """Cards, close, protocol and decision through the API; the concepts' states read back from
    /api/v1/concepts (shortlisted ones only after the decision: the guard names R-RESULTS before)."""
    officer, city2, expert, orgs, contest, concepts, c = scoring_world(session, make_user, make_org, n=3,
                                                                       shortlist_size=1)
    t = {"officer": api_token(officer), "city2": api_token(city2)}
    cid, contest_id, ids = c.id, contest.id, [k.id for k in concepts]
    r = client.get(f"/api/v1/concepts/{ids[0]}", headers=t["officer"])
    assert r.status_code == 200
    shortlist = next(x for x in r.get_json()["transitions"] if x["name"] == "shortlist")
    assert shortlist["allowed"] is False and shortlist["rule"] == "R-RESULTS"
    for who in ("officer", "city2"):
        for k, pts in zip(ids, ("6", "9", "2")):
            r = client.put(f"/api/v1/commissions/{cid}/concept-cards/{k}", json=_full(pts), headers=t[who])
            assert r.status_code == 200, r.get_data(as_text=True)
    for name in ("close_scoring", "approve_protocol"):
        r = client.post(f"/api/v1/commissions/{cid}/transitions/{name}", json={}, headers=t["officer"])
        assert r.status_code == 200, r.get_data(as_text=True)
    protocol = client.get(f"/api/v1/commissions/{cid}/protocol", headers=t["officer"]).get_json()["protocol"]
    assert [x["concept_id"] for x in protocol["concepts"]["ranking"]] == [ids[1], ids[0], ids[2]]
    r = client.post(f"/api/v1/contests/{contest_id}/transitions/decide", json={}, headers=t["officer"])
    assert r.status_code == 200, r.get_data(as_text=True)
    states = [client.get(f"/api/v1/concepts/{k}", headers=t["officer"]).get_json()["state"] for k in ids]
    assert states == ["not_shortlisted", "shortlisted", "not_shortlisted"]
    body = client.get(f"/api/v1/concepts/{ids[1]}", headers=t["officer"]).get_json()
    assert not any(k in body for k in ("awarded_grant", "proposed_grant", "requested_grant"))


def test_r_com_impartial_protocol_api_hides_the_excluded_concepts_scores(client, session, make_user, make_org,
                                                                         api_token):
    t, cid, (k0, k1), _officer_id = _setup(session, make_user, make_org, api_token)
    for who, concept in (("officer", k0), ("officer", k1), ("city2", k1)):
        r = client.put(f"/api/v1/commissions/{cid}/concept-cards/{concept}", json=_full("8"), headers=t[who])
        assert r.status_code == 200, r.get_data(as_text=True)
    for name in ("close_scoring", "approve_protocol"):
        r = client.post(f"/api/v1/commissions/{cid}/transitions/{name}", json={}, headers=t["officer"])
        assert r.status_code == 200, r.get_data(as_text=True)
    full = client.get(f"/api/v1/commissions/{cid}/protocol", headers=t["officer"]).get_json()
    assert {x["concept_id"] for x in full["protocol"]["concepts"]["cards"]} == {k0, k1} or \
        {str(x["concept_id"]) for x in full["protocol"]["concepts"]["cards"]} == {str(k0), str(k1)}
    r = client.get(f"/api/v1/commissions/{cid}/protocol", headers=t["city2"])
    body = r.get_json()
    assert r.status_code == 200 and body["redacted"] is True
    part = body["protocol"]["concepts"]
    assert all(str(x["concept_id"]) != str(k0) for x in part["cards"])  # the conflicted member's concept
    row = next(x for x in part["ranking"] if str(x["concept_id"]) == str(k0))
    assert row["score"] is None and row["rank"] is None
