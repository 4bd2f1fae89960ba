"""Federation building (S2): the contest's minimum of member organisations, the member list the
applicant keeps, confirmations from the members' own accounts, and submission refused until enough
members confirmed (unconfirmed members do not count)."""
from __future__ import annotations

import pytest

from grants.calltypes.federation.models import OfferMember
from grants.offers.models import Offer
from tests.calltypes_federation.helpers import (CODE, api_body, audit_actions, build, confirm_all, count,
                                                fed_content, fresh, member_rows)


# ---------------------------------------------------------------- the contest

def test_federation_contest_publishes_with_min_members_its_criteria_and_checklist(client, make_user, api_token):
    officer = make_user("officer")
    h = api_token(officer)
    r = client.post("/api/v1/contests", json=api_body(min_members=4), headers=h)
    assert r.status_code == 201, r.get_data(as_text=True)
    c = r.get_json()
    assert c["call_type"] == CODE
    got = client.get(f"/api/v1/contests/{c['id']}", headers=h).get_json()
    assert got.get("call_params", {"min_members": 4}) == {"min_members": 4}
    r = client.post(f"/api/v1/contests/{c['id']}/transitions/publish", headers=h)
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.get_json()["state"] == "published"
    from grants.contests.models import Contest
    stored = fresh(Contest, int(c["id"]))
    assert stored.call_params == {"min_members": 4}
    codes = {x["code"] for x in stored.criteria}
    assert {"representation", "membership_growth", "dialogue", "sustainability", "capacity"} <= codes
    assert "members_confirmed" in {x["code"] for x in stored.formal_checklist}


def test_federation_contest_default_min_members_is_three(session, make_user):
    from grants.calltypes import get
    from tests.calltypes_federation.helpers import fed_contest
    officer = make_user("officer")
    c = fed_contest(session, officer, publish=False, call_params={})
    assert c.call_params == {"min_members": 3}
    assert get(CODE).min_members(c) == 3


@pytest.mark.parametrize("bad", [1, 0, -3, 501, "trzy", None, True])
def test_federation_contest_min_members_out_of_bounds_refused_in_polish(client, make_user, api_token, bad):
    from grants.contests.models import Contest
    h = api_token(make_user("officer"))
    before = count(Contest)
    r = client.post("/api/v1/contests", json=api_body(call_params={"min_members": bad}), headers=h)
    assert r.status_code == 422, r.get_data(as_text=True)
    err = next(e for e in r.get_json()["errors"] if e["field"] == "call_params.min_members")
    assert "liczb" in err["message"]  # "podaj liczbę całkowitą" / "minimalna liczba ... od 2 do 500"
    assert count(Contest) == before
    r = client.post("/api/v1/contests", json=api_body(call_params={"min_members": 3, "max_members": 9}), headers=h)
    assert r.status_code == 422 and count(Contest) == before


# ---------------------------------------------------------------- the member list

def test_applicant_adds_and_removes_members_from_the_registry_audited(session, make_user, make_org):
    from grants.calltypes.federation import members as mops
    fed = build(session, make_user, make_org, members=2)
    extra = make_org("Fundacja Dołączająca")
    v = fresh(Offer, fed.offer.id).version
    mops.add(session, fed.lead, fed.o(session), extra.id, v)
    session.commit()
    assert [m[0] for m in member_rows(fed.offer.id)] == [fed.orgs[0].id, fed.orgs[1].id, extra.id]
    assert fresh(Offer, fed.offer.id).version == v + 1  # the applicant's edit moves the version
    mops.remove(session, fed.lead, fed.o(session), fed.orgs[0].id)
    session.commit()
    assert [m[0] for m in member_rows(fed.offer.id)] == [fed.orgs[1].id, extra.id]
    actions = audit_actions(fed.offer.id)
    assert actions.count("member_add") == 3 and actions.count("member_remove") == 1


@pytest.mark.parametrize("case", ["itself", "duplicate", "unknown", "not_a_number"])
def test_adding_a_member_refused_itself_duplicate_unknown_with_a_clear_reason_nothing_changed(
        client, session, make_user, make_org, api_token, case):
    fed = build(session, make_user, make_org, members=1)
    target = {"itself": str(fed.lead_org.id), "duplicate": str(fed.orgs[0].id), "unknown": "999999",
              "not_a_number": "abc"}[case]
    before = (member_rows(fed.offer.id), fresh(Offer, fed.offer.id).version, len(audit_actions(fed.offer.id)))
    r = client.post(f"/api/v1/offers/{fed.offer.id}/members", json={"organisation_id": target},
                    headers=api_token(fed.lead))
    assert r.status_code == 422, r.get_data(as_text=True)
    msg = r.get_json()["errors"][0]["message"]
    assert {"itself": "swoim własnym członkiem", "duplicate": "jest już na liście", "unknown": "Nie ma w rejestrze",
            "not_a_number": "Wybierz organizację"}[case] in msg
    assert (member_rows(fed.offer.id), fresh(Offer, fed.offer.id).version, len(audit_actions(fed.offer.id))) == before


def test_only_the_applicant_changes_the_member_list(client, session, make_user, make_org, api_token):
    fed = build(session, make_user, make_org, members=2)
    extra = make_org()
    before = member_rows(fed.offer.id)
    # a named member sees its own row but may not add others nor remove anyone
    h = api_token(fed.users[0])
    r = client.post(f"/api/v1/offers/{fed.offer.id}/members", json={"organisation_id": str(extra.id)}, headers=h)
    assert r.status_code == 403 and r.get_json()["type"] == "/problems/forbidden"
    assert client.delete(f"/api/v1/offers/{fed.offer.id}/members/{fed.orgs[0].id}", headers=h).status_code == 403
    # the other member's row is not even visible to it
    assert client.delete(f"/api/v1/offers/{fed.offer.id}/members/{fed.orgs[1].id}", headers=h).status_code == 404
    assert member_rows(fed.offer.id) == before


# ---------------------------------------------------------------- confirmations

def test_member_confirming_for_another_organisation_refused_with_a_clear_reason(client, session, make_user, make_org,
                                                                                api_token):
    fed = build(session, make_user, make_org, members=2)
    before = (member_rows(fed.offer.id), len(audit_actions(fed.offer.id)))
    # member 0 for member 1: API and page
    r = client.post(f"/api/v1/offers/{fed.offer.id}/members/{fed.orgs[1].id}/confirm", headers=api_token(fed.users[0]))
    assert r.status_code == 403, r.get_data(as_text=True)
    assert "w imieniu innej organizacji" in r.get_json()["detail"]
    # the applicant for its member
    r = client.post(f"/api/v1/offers/{fed.offer.id}/members/{fed.orgs[0].id}/confirm", headers=api_token(fed.lead))
    assert r.status_code == 403 and "ze swojego konta" in r.get_json()["detail"]
    assert (member_rows(fed.offer.id), len(audit_actions(fed.offer.id))) == before


def test_member_confirming_for_another_organisation_refused_on_the_page(app, session, make_user, make_org, login):
    fed = build(session, make_user, make_org, members=2)
    c = login(fed.users[0], app.test_client())
    r = c.post(f"/federation/offers/{fed.offer.id}/members/{fed.orgs[1].id}/confirm")
    assert r.status_code == 403
    assert "w imieniu innej organizacji" in r.get_data(as_text=True)
    assert member_rows(fed.offer.id) == [(fed.orgs[0].id, False, False), (fed.orgs[1].id, False, False)]


def test_confirmation_is_audited_and_leaves_the_offers_version_alone(session, make_user, make_org):
    from grants.calltypes.federation import members as mops
    fed = build(session, make_user, make_org, members=2)
    v = fresh(Offer, fed.offer.id).version
    mops.confirm(session, fed.users[0], fed.o(session), fed.orgs[0].id)
    session.commit()
    mops.confirm(session, fed.users[0], fed.o(session), fed.orgs[0].id)  # twice: nothing more
    session.commit()
    mops.decline(session, fed.users[1], fed.o(session), fed.orgs[1].id)
    session.commit()
    assert member_rows(fed.offer.id) == [(fed.orgs[0].id, True, True), (fed.orgs[1].id, False, True)]
    assert fresh(Offer, fed.offer.id).version == v  # the applicant's open form does not go stale
    actions = audit_actions(fed.offer.id)
    assert actions.count("member_confirm") == 1 and actions.count("member_decline") == 1
    # withdrawing a confirmation: no longer counted
    mops.decline(session, fed.users[0], fed.o(session), fed.orgs[0].id)
    session.commit()
    assert member_rows(fed.offer.id)[0] == (fed.orgs[0].id, False, True)
    assert audit_actions(fed.offer.id).count("member_decline") == 2


# ---------------------------------------------------------------- submission

def _submit(client, api_token, fed):
    return client.post(f"/api/v1/offers/{fed.offer.id}/transitions/submit", headers=api_token(fed.lead))


def test_coalition_of_two_when_three_are_required_refused_naming_who_has_not_confirmed(
        client, session, make_user, make_org, api_token):
    """A coalition (joint offer) of the lead and one confirmed partner is two organisations; a third
    named member has not confirmed: refused, and the reason names it."""
    fed = build(session, make_user, make_org, min_members=3, members=2, kind="coalition", partners=1)
    confirm_all(session, fed, which=[0])
    r = _submit(client, api_token, fed)
    assert r.status_code == 422, r.get_data(as_text=True)
    detail = r.get_json()["detail"]
    assert "co najmniej 3" in detail and "liczy 2" in detail
    assert "Nie potwierdziły jeszcze: Stowarzyszenie Członkowskie 2" in detail
    assert "Stowarzyszenie Członkowskie 1" not in detail.split("Nie potwierdziły")[1]
    assert fresh(Offer, fed.offer.id).state == "draft"
    # the offer's problems (API) say the same
    probs = client.get(f"/api/v1/offers/{fed.offer.id}", headers=api_token(fed.lead)).get_json()["problems"]
    assert [p["field"] for p in probs] == ["call.members"]
    # the third confirms from its own account: submitted
    confirm_all(session, fed, which=[1])
    r = _submit(client, api_token, fed)
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.get_json()["state"] == "submitted"


def test_federation_unconfirmed_and_declined_members_do_not_count(client, session, make_user, make_org, api_token):
    from grants.calltypes.federation import members as mops
    fed = build(session, make_user, make_org, min_members=3, members=4)
    confirm_all(session, fed, which=[0, 1])
    mops.decline(session, fed.users[2], fed.o(session), fed.orgs[2].id)
    session.commit()
    r = _submit(client, api_token, fed)
    assert r.status_code == 422
    detail = r.get_json()["detail"]
    assert "co najmniej 3" in detail and "potwierdziło 2" in detail
    assert "Nie potwierdziły jeszcze: Stowarzyszenie Członkowskie 4" in detail
    assert "Odmówiły potwierdzenia: Stowarzyszenie Członkowskie 3" in detail
    # the federation itself is not its own member: it does not count (unlike a coalition's lead)
    mops.confirm(session, fed.users[3], fed.o(session), fed.orgs[3].id)
    session.commit()
    assert _submit(client, api_token, fed).status_code == 200


def test_all_named_members_declined_asks_for_more_members(client, session, make_user, make_org, api_token):
    from grants.calltypes.federation import members as mops
    fed = build(session, make_user, make_org, min_members=2, members=1)
    mops.decline(session, fed.users[0], fed.o(session), fed.orgs[0].id)
    session.commit()
    r = _submit(client, api_token, fed)
    assert r.status_code == 422
    assert "Dodaj kolejne organizacje członkowskie z rejestru" in r.get_json()["detail"]


def test_r_off_joint_coalition_must_submit_a_joint_offer_whose_partners_are_members(
        client, session, make_user, make_org, api_token):
    from grants.calltypes.federation import members as mops
    from grants.offers import operations as oops
    fed = build(session, make_user, make_org, min_members=2, members=2, kind="coalition")
    confirm_all(session, fed)
    # a coalition without partners: not a joint offer
    r = _submit(client, api_token, fed)
    assert r.status_code == 422 and "R-OFF-JOINT" in r.get_json()["type"]
    assert "ofertę wspólną" in r.get_json()["detail"]
    # a partner that is not on the member list
    outsider = make_org("Fundacja Partnerska Spoza Listy")
    oops.set_partners(session, fed.o(session), fed.lead, [fed.orgs[0].id, outsider.id])
    split = fed_content(fed.contest, "coalition", split_to=fed.lead_org.id)["costs"]  # V.C
    oops.save_sections(session, fed.o(session), fed.lead, {"costs": split})
    session.commit()
    probs = client.get(f"/api/v1/offers/{fed.offer.id}", headers=api_token(fed.lead)).get_json()["problems"]
    assert any(p["field"] == "call.members" and p["rule"] == "R-OFF-JOINT" and "Fundacja Partnerska Spoza Listy"
               in p["message"] for p in probs), probs
    mops.add(session, fed.lead, fed.o(session), outsider.id)
    session.commit()
    outsider_user = make_user("applicant", org=outsider)
    mops.confirm(session, outsider_user, fed.o(session), outsider.id)
    session.commit()
    r = _submit(client, api_token, fed)
    assert r.status_code == 200, r.get_data(as_text=True)


def test_offer_section_requires_who_applies_and_the_representation_work(client, session, make_user, make_org,
                                                                        api_token):
    from grants.offers import operations as oops
    fed = build(session, make_user, make_org, min_members=2, members=2)
    confirm_all(session, fed)
    oops.save_sections(session, fed.o(session), fed.lead, {"call": {}})
    session.commit()
    probs = client.get(f"/api/v1/offers/{fed.offer.id}", headers=api_token(fed.lead)).get_json()["problems"]
    assert {p["field"] for p in probs} == {"call.applicant_kind", "call.representation"}
    assert _submit(client, api_token, fed).status_code == 422
    # a kind that is not one: refused on save, in Polish, nothing stored
    with pytest.raises(oops.OfferError) as e:
        oops.save_sections(session, fed.o(session), fed.lead, {"call": {"applicant_kind": "club"}})
    assert e.value.errors[0]["field"] == "call.applicant_kind" and "wybierz" in e.value.errors[0]["message"]
    session.rollback()
    assert fresh(Offer, fed.offer.id).content["call"] == {"applicant_kind": None, "representation": ""}


def test_members_are_fixed_once_the_offer_is_submitted(client, session, make_user, make_org, api_token):
    fed = build(session, make_user, make_org, min_members=2, members=3)
    confirm_all(session, fed, which=[0, 1])
    assert _submit(client, api_token, fed).status_code == 200
    before = member_rows(fed.offer.id)
    extra = make_org()
    r = client.post(f"/api/v1/offers/{fed.offer.id}/members", json={"organisation_id": str(extra.id)},
                    headers=api_token(fed.lead))
    assert r.status_code == 409 and r.get_json()["type"] == "/problems/not-editable"
    for name in ("confirm", "decline"):
        r = client.post(f"/api/v1/offers/{fed.offer.id}/members/{fed.orgs[2].id}/{name}", headers=api_token(fed.users[2]))
        assert r.status_code == 409, r.get_data(as_text=True)
    r = client.post(f"/api/v1/offers/{fed.offer.id}/members/{fed.orgs[0].id}/decline", headers=api_token(fed.users[0]))
    assert r.status_code == 409
    assert member_rows(fed.offer.id) == before
    assert count(OfferMember) == 3
