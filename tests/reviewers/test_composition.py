"""R-COM-NGO and R-COM-EXPERT: who sits on the commission, who is excluded and why, when the
commission may work without NGO nominees."""
from __future__ import annotations

import pytest

from grants.commissions import operations as ops
from reviewers.models import Commission
from tests.reviewers.helpers import World, compose, contest_in_evaluation, counts


def _add(client, h, cid, user, kind, org=None, chair=False):
    body = {"user_id": str(user.id), "kind": kind, "is_chair": chair}
    if org is not None:
        body["nominating_organisation_id"] = str(org.id)
    return client.post(f"/api/v1/commissions/{cid}/members", json=body, headers=h)


def test_r_com_ngo_nominee_of_participating_organisation_excluded_with_reason(client, session, make_user, make_org,
                                                                             api_token, login):
    officer = make_user("officer")
    org_a, org_n = make_org(name="Fundacja Oferent"), make_org(name="Stowarzyszenie Obserwator")
    a = make_user("applicant", org=org_a)
    contest, _ = contest_in_evaluation(session, officer, [(a, org_a, "9000.00")])
    h = api_token(officer)
    cid = client.post("/api/v1/commissions", json={"contest_id": str(contest.id)}, headers=h).get_json()["id"]
    taking_part, other = make_user("commission_member"), make_user("commission_member")
    assert _add(client, h, cid, officer, "city", chair=True).status_code == 200
    assert _add(client, h, cid, taking_part, "ngo", org_a).status_code == 200
    r = _add(client, h, cid, other, "ngo", org_n)
    assert r.status_code == 200
    members = {m["user_id"]: m for m in r.get_json()["members"]}
    reason = members[str(taking_part.id)]["excluded_reason"]
    assert "organizacja wskazująca" in reason and "Fundacja Oferent" in reason
    assert members[str(taking_part.id)]["voting"] is False
    assert members[str(other.id)]["excluded_reason"] is None and members[str(other.id)]["voting"] is True
    page = login(officer).get(f"/commissions/{cid}").get_data(as_text=True)
    assert "R-COM-NGO" in page and "Fundacja Oferent" in page


def test_r_com_ngo_nominee_added_before_the_offer_is_excluded_when_declarations_open(session, make_user, make_org):
    """The commission may be composed while offers come in: the exclusion follows the facts at the
    opening of declarations, not the moment the member was added."""
    officer = make_user("officer")
    org_a, org_b = make_org(), make_org()
    a, b = make_user("applicant", org=org_a), make_user("applicant", org=org_b)
    early = make_user("commission_member")
    box = {}

    def form_commission(contest):
        box["c"] = compose(session, officer, contest, [(officer, "city", None, True),
                                                       (make_user("officer"), "city", None, False),
                                                       (early, "ngo", org_a, False)])
        assert box["c"].member_for(early).excluded_reason is None  # org_a has not submitted yet

    contest, _ = contest_in_evaluation(session, officer, [(a, org_a, "9000.00"), (b, org_b, "9000.00")],
                                       before_submit=form_commission)
    c = box["c"]
    with pytest.raises(Exception) as e:  # the only NGO nominee is now excluded: a reason is needed
        ops.transition(session, c, "open_declarations", officer, {})
    assert "R-COM-NGO" in str(e.value)
    session.rollback()
    ops.transition(session, c, "open_declarations", officer, {"without_ngo_reason": "all_excluded"})
    session.refresh(c)
    m = c.member_for(early)
    assert m.excluded_reason and "organizacja wskazująca" in m.excluded_reason
    assert not m.voting
    from reviewers.declarations import missing_declarations
    assert all(mid != m.id for mid, _ in missing_declarations(session, c))


@pytest.mark.parametrize("reason", [None, "none_nominated", "all_excluded"])
def test_r_com_ngo_without_nominees_reason_checked_against_facts(client, session, make_user, make_org, api_token, reason):
    officer = make_user("officer")
    org_a = make_org()
    a = make_user("applicant", org=org_a)
    contest, _ = contest_in_evaluation(session, officer, [(a, org_a, "9000.00")])
    c = compose(session, officer, contest, [(officer, "city", None, True), (make_user("officer"), "city", None, False),
                                            (make_user("commission_member"), "ngo", org_a, False)])
    h = api_token(officer)
    cid = c.id
    before = counts(session)
    body = {"without_ngo_reason": reason} if reason else {}
    r = client.post(f"/api/v1/commissions/{cid}/transitions/open_declarations", json=body, headers=h)
    if reason == "all_excluded":  # true: the only nominee is excluded
        assert r.status_code == 200, r.get_data(as_text=True)
        assert r.get_json()["without_ngo_reason"] == "all_excluded"
        return
    # no reason, or "nobody was nominated" while someone was: refused, nothing changed
    assert r.status_code == 422, r.get_data(as_text=True)
    assert "R-COM-NGO" in r.get_data(as_text=True)
    assert counts(session) == before
    c = session.get(Commission, cid)
    assert c.state == "forming" and c.without_ngo_reason is None


def test_r_com_ngo_all_excluded_refused_when_nobody_was_nominated(client, session, make_user, make_org, api_token):
    officer = make_user("officer")
    org_a = make_org()
    contest, _ = contest_in_evaluation(session, officer, [(make_user("applicant", org=org_a), org_a, "9000.00")])
    c = compose(session, officer, contest, [(officer, "city", None, True), (make_user("officer"), "city", None, False)])
    h = api_token(officer)
    r = client.post(f"/api/v1/commissions/{c.id}/transitions/open_declarations",
                    json={"without_ngo_reason": "all_excluded"}, headers=h)
    assert r.status_code == 422 and "R-COM-NGO" in r.get_data(as_text=True)
    r = client.post(f"/api/v1/commissions/{c.id}/transitions/open_declarations",
                    json={"without_ngo_reason": "none_nominated"}, headers=h)
    assert r.status_code == 200, r.get_data(as_text=True)


def test_r_com_ngo_reason_refused_while_active_nominees_sit(client, session, make_user, make_org, api_token):
    """Claiming to work without NGO nominees while one sits would put a false statement in the protocol."""
    w = World(session, make_user, make_org)
    h = api_token(w.officer)
    before = counts(session)
    r = client.post(f"/api/v1/commissions/{w.c.id}/transitions/open_declarations",
                    json={"without_ngo_reason": "none_take_part"}, headers=h)
    assert r.status_code == 422 and "R-COM-NGO" in r.get_data(as_text=True)
    assert counts(session) == before
    r = client.post(f"/api/v1/commissions/{w.c.id}/transitions/open_declarations", json={}, headers=h)
    assert r.status_code == 200 and r.get_json()["without_ngo_reason"] is None


def test_r_com_expert_cannot_chair(client, session, make_user, make_org, api_token):
    officer = make_user("officer")
    org_a = make_org()
    contest, _ = contest_in_evaluation(session, officer, [(make_user("applicant", org=org_a), org_a, "9000.00")])
    c = compose(session, officer, contest, [(officer, "city", None, True)])
    h = api_token(officer)
    cid, expert = c.id, make_user("commission_member")
    before = counts(session)
    r = _add(client, h, cid, expert, "expert", chair=True)
    assert r.status_code == 422 and "R-COM-EXPERT" in r.get_data(as_text=True)
    assert counts(session) == before
    c = session.get(Commission, cid)
    assert [m.user_id for m in c.members] == [officer.id] and c.members[0].is_chair


def test_r_com_expert_is_not_a_voting_member(session, make_user, make_org):
    """Two voting members are required: an expert does not make up the number (R-COM-MANDATORY)."""
    officer = make_user("officer")
    org_a = make_org()
    contest, _ = contest_in_evaluation(session, officer, [(make_user("applicant", org=org_a), org_a, "9000.00")])
    c = compose(session, officer, contest, [(officer, "city", None, True),
                                            (make_user("commission_member"), "expert", None, False)])
    with pytest.raises(Exception):
        ops.transition(session, c, "open_declarations", officer, {"without_ngo_reason": "none_nominated"})
    session.rollback()
    session.refresh(c)
    assert c.state == "forming"
