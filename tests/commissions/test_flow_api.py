"""A contest from formal review to published results through the API (issue 5's "done when")."""
from grants.core import outbox
from tests.factories import contest_in_evaluation


def test_commission_scoring_allocation_decision_and_update(client, session, make_user, make_org, api_token):
    officer = make_user("officer")
    org_a, org_b, org_c, org_n = make_org(), make_org(), make_org(), make_org()
    a, b, cc = make_user("applicant", org=org_a), make_user("applicant", org=org_b), make_user("applicant", org=org_c)
    contest, (oa, ob, oc) = contest_in_evaluation(session, officer, [(a, org_a, "40000.00"), (b, org_b, "30000.00"),
                                                                     (cc, org_c, "9000.00")])
    h = api_token(officer)
    chair, city2 = officer, make_user("officer")
    nominee_taking_part = make_user("commission_member")  # nominated by org_a, which submitted: excluded
    nominee = make_user("commission_member")  # nominated by org_n, not taking part
    expert = make_user("commission_member")
    r = client.post("/api/v1/commissions", json={"contest_id": str(contest.id)}, headers=h)
    assert r.status_code == 201, r.get_data(as_text=True)
    cid = r.get_json()["id"]
    for u, kind, org, is_chair in [(chair, "city", None, True), (city2, "city", None, False),
                                   (nominee_taking_part, "ngo", org_a, False), (nominee, "ngo", org_n, False),
                                   (expert, "expert", None, False)]:
        body = {"user_id": str(u.id), "kind": kind, "is_chair": is_chair}
        if org:
            body["nominating_organisation_id"] = str(org.id)
        r = client.post(f"/api/v1/commissions/{cid}/members", json=body, headers=h)
        assert r.status_code == 200, r.get_data(as_text=True)
    members = r.get_json()["members"]
    excluded = [m for m in members if m["excluded_reason"]]
    assert [m["user_id"] for m in excluded] == [str(nominee_taking_part.id)]
    r = client.post(f"/api/v1/commissions/{cid}/transitions/open_declarations", json={}, headers=h)
    assert r.status_code == 200, r.get_data(as_text=True)
    tokens = {u.id: api_token(u) for u in (chair, city2, nominee, expert)}
    orgs = client.get(f"/api/v1/commissions/{cid}/declarations", headers=h).get_json()["organisations"]
    assert sorted(orgs) == sorted(str(o.id) for o in (org_a, org_b, org_c))
    for u in (chair, city2, nominee, expert):
        for org in orgs:
            conflict = u is city2 and org == str(org_b.id)
            body = {"organisation_id": org, "conflict": conflict, "grounds": ["family"] if conflict else []}
            r = client.post(f"/api/v1/commissions/{cid}/declarations", json=body, headers=tokens[u.id])
            assert r.status_code == 201, r.get_data(as_text=True)
    r = client.post(f"/api/v1/commissions/{cid}/transitions/start_scoring", json={}, headers=tokens[chair.id])
    assert r.status_code == 200, r.get_data(as_text=True)
    crit = [x["code"] for x in contest.criteria]
    plan = {oa.id: 4, ob.id: 5, oc.id: 1}  # per criterion; threshold 20 over six criteria
    for u in (chair, city2, nominee, expert):
        for o in (oa, ob, oc):
            if u is city2 and o is ob:
                r = client.put(f"/api/v1/commissions/{cid}/score-cards/{o.id}", json={"scores": {}}, headers=tokens[u.id])
                assert r.status_code == 403  # R-COM-IMPARTIAL: cannot open an excluded offer's card
                continue
            pts = 1 if u is expert else plan[o.id]
            body = {"scores": {k: str(min(pts, 5)) for k in crit}, "justifications": {k: "Uzasadnienie" for k in crit},
                    "submit": True}
            r = client.put(f"/api/v1/commissions/{cid}/score-cards/{o.id}", json=body, headers=tokens[u.id])
            assert r.status_code == 200, r.get_data(as_text=True)
    # blind: a member sees only their own cards while scoring
    cards = client.get(f"/api/v1/commissions/{cid}/score-cards", headers=tokens[nominee.id]).get_json()["items"]
    assert {c["member_id"] for c in cards} == {next(m["id"] for m in members if m["user_id"] == str(nominee.id))}
    r = client.post(f"/api/v1/commissions/{cid}/transitions/close_scoring", json={}, headers=tokens[chair.id])
    assert r.status_code == 200, r.get_data(as_text=True)
    ranking = client.get(f"/api/v1/commissions/{cid}/ranking", headers=h).get_json()["items"]
    assert [x["offer_id"] for x in ranking][:2] == [str(ob.id), str(oa.id)]
    hidden = client.get(f"/api/v1/commissions/{cid}/ranking", headers=tokens[city2.id]).get_json()["items"]
    assert next(x for x in hidden if x["offer_id"] == str(ob.id))["score"] is None
    # the default proposal (R-ALLOC) was filled in; the budget is 300 000, so everyone passing gets the full amount
    proposed = {x["offer_id"]: x["proposed"] for x in ranking}
    assert proposed[str(ob.id)] == "30000.00"
    r = client.patch(f"/api/v1/commissions/{cid}/allocation", json={"amounts": {str(oa.id): "35000.00"}}, headers=h)
    assert r.status_code == 200, r.get_data(as_text=True)
    r = client.patch(f"/api/v1/commissions/{cid}/allocation", json={"amounts": {str(oa.id): "45000.00"}}, headers=h)
    assert r.status_code == 422  # above the requested amount
    r = client.post(f"/api/v1/commissions/{cid}/transitions/approve_protocol", json={}, headers=tokens[chair.id])
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.get_json()["protocol_sha256"]
    before = session.query(outbox.OutboxEvent).filter(outbox.OutboxEvent.topic == "email.send").count()
    r = client.post(f"/api/v1/contests/{contest.id}/transitions/decide", json={}, headers=h)
    assert r.status_code == 200, r.get_data(as_text=True)
    session.expire_all()
    states = {o.id: client.get(f"/api/v1/offers/{o.id}", headers=h).get_json()["state"] for o in (oa, ob, oc)}
    assert states[ob.id] == "ready_for_agreement"
    assert states[oa.id] == "update_required"
    assert states[oc.id] == "not_selected"
    assert session.query(outbox.OutboxEvent).filter(outbox.OutboxEvent.topic == "email.send").count() >= before + 3
    # R-UPDATE: the partially funded applicant updates the offer to the awarded amount
    from tests.factories import offer_content
    ha = api_token(a)
    r = client.post(f"/api/v1/offers/{oa.id}/transitions/submit_update", json={}, headers=ha)
    assert r.status_code == 422 and "R-UPDATE" in r.get_data(as_text=True)
    body = offer_content(contest, "35000.00")
    r = client.patch(f"/api/v1/offers/{oa.id}", json={"costs": body["costs"], "sources": body["sources"]}, headers=ha)
    assert r.status_code == 200, r.get_data(as_text=True)
    r = client.post(f"/api/v1/offers/{oa.id}/transitions/submit_update", json={}, headers=ha)
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.get_json()["state"] == "ready_for_agreement"
    assert r.get_json()["receipt"]["kind"] == "update"
    # results are public (R-RESULTS)
    anon = client.get(f"/api/v1/contests/{contest.id}").get_json()
    assert anon["state"] == "decided"
