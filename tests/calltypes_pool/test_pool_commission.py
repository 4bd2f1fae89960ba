"""Officers compose commissions from the pool (S2): a pool candidate sits as the NGO nominee of the
nominating organisation, so R-COM-NGO excludes a nominee of an organisation taking part in the contest."""
from __future__ import annotations

from sqlalchemy import func, select

from grants.core import audit
from grants.commissions import operations as rops
from reviewers.models import Commission, CommissionMember
from tests.factories import contest_in_evaluation

from .helpers import counts, named, nominate_api


def _pool_of_two(client, session, make_user, make_org, api_token):
    """A contest in evaluation with an offer of org_a; a forming commission; two consented pool
    candidates, one nominated by org_a (taking part), one by org_n (not taking part)."""
    officer = make_user("officer")
    org_a, org_n = make_org("Fundacja Biorąca Udział"), make_org("Stowarzyszenie Obok")
    a, n = make_user("applicant", org=org_a), make_user("applicant", org=org_n)
    contest, _offers = contest_in_evaluation(session, officer, [(a, org_a, "9000.00")])
    com = rops.create(session, officer, contest)
    session.commit()
    cand_a = named(session, make_user("applicant"), "Adam Uczestnik")
    cand_n = named(session, make_user("applicant"), "Nina Niezależna")
    ids = {}
    for nominator, org, cand in ((a, org_a, cand_a), (n, org_n, cand_n)):
        r = nominate_api(client, api_token(nominator), org, cand)
        assert r.status_code == 201, r.get_data(as_text=True)
        ids[cand.id] = r.get_json()["id"]
        assert client.post(f"/api/v1/commission-pool/{ids[cand.id]}/consent", headers=api_token(cand)).status_code == 200
    return officer, com, (org_a, cand_a, ids[cand_a.id]), (org_n, cand_n, ids[cand_n.id])


def _members(session, com_id):
    session.expire_all()
    return list(session.scalars(select(CommissionMember).where(CommissionMember.commission_id == com_id)))


def test_r_com_ngo_officer_adds_from_pool_and_nominee_of_participating_organisation_is_excluded(
        client, session, make_user, make_org, api_token):
    officer, com, (org_a, cand_a, pid_a), (org_n, cand_n, pid_n) = _pool_of_two(client, session, make_user,
                                                                               make_org, api_token)
    h = api_token(officer)
    for pid in (pid_a, pid_n):
        r = client.post(f"/api/v1/commissions/{com.id}/members/from-pool", json={"candidate_id": pid}, headers=h)
        assert r.status_code == 200, r.get_data(as_text=True)
    members = {m["user_id"]: m for m in r.get_json()["members"]}
    assert members[str(cand_a.id)]["kind"] == "ngo"
    assert members[str(cand_a.id)]["nominating_organisation_id"] == str(org_a.id)
    assert "organizacja wskazująca" in members[str(cand_a.id)]["excluded_reason"]
    assert members[str(cand_n.id)]["nominating_organisation_id"] == str(org_n.id)
    assert members[str(cand_n.id)]["excluded_reason"] is None
    assert members[str(cand_n.id)]["voting"] is True
    # the candidates may now sit on commissions (their consent was to do so)
    session.expire_all()
    assert "commission_member" in session.get(type(cand_n), cand_n.id).role_names
    # audited on the commission, the pool candidate and the user
    assert "add_member" in [e.action for e in audit.history(session, "commission", com.id)]
    assert [e.action for e in audit.history(session, "pool_candidate", pid_n)][-1] == "add_to_commission"
    assert "grant_role" in [e.action for e in audit.history(session, "user", cand_n.id)]
    # the same person twice: refused, nothing changed
    r = client.post(f"/api/v1/commissions/{com.id}/members/from-pool", json={"candidate_id": pid_n}, headers=h)
    assert r.status_code == 422 and "zasiada" in r.get_json()["errors"][0]["message"]
    assert len(_members(session, com.id)) == 2


def test_non_officer_cannot_add_from_pool(client, session, make_user, make_org, api_token):
    officer, com, _a, (_org_n, cand_n, pid_n) = _pool_of_two(client, session, make_user, make_org, api_token)
    com, officer = session.get(Commission, com.id), session.get(type(officer), officer.id)
    rops.add_member(session, officer, com, user_id=officer.id, kind="city", is_chair=True)
    member = make_user("commission_member")
    rops.add_member(session, officer, com, user_id=member.id, kind="expert")
    session.commit()
    before = (len(_members(session, com.id)), counts(session))
    body = {"candidate_id": pid_n}
    url = f"/api/v1/commissions/{com.id}/members/from-pool"
    assert client.post(url, json=body).status_code == 401
    # sees the commission (sits on it) but may not compose it
    r = client.post(url, json=body, headers=api_token(member))
    assert r.status_code == 403 and r.headers["Content-Type"].startswith("application/problem+json")
    # the candidate themself, an applicant, an officer of another department: the commission is not theirs to see
    for who in (cand_n, make_user("applicant", org=make_org()), make_user("officer", department_code="WSS")):
        assert client.post(url, json=body, headers=api_token(who)).status_code == 404
    assert (len(_members(session, com.id)), counts(session)) == before
    # nor through the page
    from tests.factories import PASSWORD
    c = client
    c.post("/login", data={"email": member.email, "password": PASSWORD})
    assert c.post(f"/commissions/{com.id}/members/from-pool", data={"candidate_id": pid_n,
                                                                  "version": com.version}).status_code == 403
    assert len(_members(session, com.id)) == before[0]


def test_candidate_without_consent_or_withdrawn_cannot_be_added(client, session, make_user, make_org, api_token):
    officer, com, (org_a, cand_a, pid_a), (org_n, cand_n, pid_n) = _pool_of_two(client, session, make_user,
                                                                               make_org, api_token)
    nominator = make_user("applicant", org=org_n)
    waiting = named(session, make_user("applicant"), "Witold Czekający")
    pid_w = nominate_api(client, api_token(nominator), org_n, waiting).get_json()["id"]
    assert client.post(f"/api/v1/commission-pool/{pid_n}/withdraw", headers=api_token(cand_n)).status_code == 200
    h = api_token(officer)
    url = f"/api/v1/commissions/{com.id}/members/from-pool"
    before = (len(_members(session, com.id)), counts(session))
    for body, words in (({"candidate_id": pid_w}, "zgody"), ({"candidate_id": pid_n}, "wycofany"),
                        ({"candidate_id": "999999"}, "Nie ma takiego"), ({"candidate_id": "abc"}, "Nie ma takiego")):
        r = client.post(url, json=body, headers=h)
        assert r.status_code == 422, r.get_data(as_text=True)
        assert words in r.get_json()["errors"][0]["message"]
    assert client.post(url, json={}, headers=h).status_code == 422
    assert client.post(url, json={"candidate_id": pid_a, "x": 1}, headers=h).status_code == 422
    assert client.post(url, headers={**h, "Content-Type": "application/json"}, data="[").status_code == 400
    assert client.post(url, json={"candidate_id": pid_a}, headers={**h, "If-Match": '"99"'}).status_code == 409
    assert (len(_members(session, com.id)), counts(session)) == before
    session.expire_all()
    assert "commission_member" not in session.get(type(waiting), waiting.id).role_names
    # a commission past forming: 409 whatever the body says
    com, officer = session.get(Commission, com.id), session.get(type(officer), officer.id)
    rops.add_member(session, officer, com, user_id=officer.id, kind="city", is_chair=True)
    rops.add_member(session, officer, com, user_id=make_user("officer").id, kind="city")
    session.commit()
    rops.transition(session, com, "open_declarations", officer, {"without_ngo_reason": "none_nominated"})
    r = client.post(url, json={"candidate_id": pid_a}, headers=h)
    assert r.status_code == 409, r.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(CommissionMember)
                          .where(CommissionMember.commission_id == com.id)) == 2
    assert session.get(Commission, com.id).state == "declarations"
