"""Who sees and does what with a federation offer's members. Decided: whoever sees the offer
(grants.offers.operations.visible) sees all its members; a member of a NAMED organisation sees the
offer's title, applicant and contest and its own membership rows only (not the draft's content, not
the other members) and answers for its own organisation only; anyone else gets a 404. API errors in
the contract's order: 401, 404, 409 (not open in this state), 403, 409 stale If-Match, 400/422."""
from __future__ import annotations

import pytest

from grants.offers.models import Offer
from tests.calltypes_federation.helpers import SECRET, audit_actions, build, confirm_all, fresh, member_rows


@pytest.fixture
def world(session, make_user, make_org):
    fed = build(session, make_user, make_org, min_members=2, members=2)
    fed.other = make_user("applicant", org=make_org("Fundacja Zupełnie Obca"))
    fed.no_org = make_user("applicant")
    fed.admin = make_user("admin")
    return fed


def test_named_member_sees_title_applicant_and_its_own_row_only(client, world, api_token):
    h = api_token(world.users[0])
    r = client.get(f"/api/v1/offers/{world.offer_id}/members", headers=h)
    assert r.status_code == 200, r.get_data(as_text=True)
    body = r.get_json()
    assert body["scope"] == "own"
    assert [m["organisation_id"] for m in body["items"]] == [str(world.orgs[0].id)]
    assert body["offer"]["title"] == "Warsztaty teatralne dla seniorów"
    assert body["offer"]["applicant"] == "Federacja Organizacji Krakowskich"
    text = r.get_data(as_text=True)
    assert SECRET not in text and "Stowarzyszenie Członkowskie 2" not in text and "content" not in body
    assert "ETag" not in r.headers  # the offer's version is the applicant's business
    # the offer itself stays invisible: API, page, print
    assert client.get(f"/api/v1/offers/{world.offer_id}", headers=h).status_code == 404
    assert client.get(f"/api/v1/offers/{world.offer_id}/revisions", headers=h).status_code == 404


def test_named_member_page_shows_no_draft_content(app, world, login):
    c = login(world.users[0], app.test_client())
    r = c.get(f"/federation/offers/{world.offer_id}/membership")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "Warsztaty teatralne dla seniorów" in html and "Federacja Organizacji Krakowskich" in html
    assert "Stowarzyszenie Członkowskie 1" in html and "Potwierdzam członkostwo" in html
    assert SECRET not in html and "Stowarzyszenie Członkowskie 2" not in html
    for url in (f"/offers/{world.offer_id}", f"/offers/{world.offer_id}/print", f"/offers/{world.offer_id}/sections/task"):
        r = c.get(url)
        assert r.status_code == 404 and SECRET not in r.get_data(as_text=True)


def test_the_applicant_sees_every_member_with_its_state(client, session, world, api_token):
    confirm_all(session, world, which=[1])
    r = client.get(f"/api/v1/offers/{world.offer_id}/members", headers=api_token(world.lead))
    body = r.get_json()
    assert r.status_code == 200 and body["scope"] == "all"
    assert [(m["name"], m["status"]) for m in body["items"]] == [
        ("Stowarzyszenie Członkowskie 1", "pending"), ("Stowarzyszenie Członkowskie 2", "confirmed")]
    assert body["items"][1]["confirmed_at"] and body["items"][0]["confirmed_at"] is None
    assert (body["min_members"], body["confirmed"], body["counted"]) == (2, 1, 1)
    assert r.headers["ETag"] == f'"{fresh(Offer, world.offer_id).version}"'


@pytest.mark.parametrize("who", ["other", "no_org", "officer", "admin"])
def test_another_ngo_or_staff_cannot_see_the_draft_members_nor_confirm(client, world, api_token, app, login, who):
    user = getattr(world, who)
    h = api_token(user)
    before = (member_rows(world.offer_id), len(audit_actions(world.offer_id)))
    base = f"/api/v1/offers/{world.offer_id}/members"
    assert client.get(base, headers=h).status_code == 404
    assert client.post(base, json={"organisation_id": str(world.orgs[0].id)}, headers=h).status_code == 404
    for name in ("confirm", "decline"):
        r = client.post(f"{base}/{world.orgs[0].id}/{name}", headers=h)
        assert r.status_code == 404 and SECRET not in r.get_data(as_text=True)
    assert client.delete(f"{base}/{world.orgs[0].id}", headers=h).status_code == 404
    c = login(user, app.test_client())
    for method, url in (("GET", f"/federation/offers/{world.offer_id}/membership"),
                        ("POST", f"/federation/offers/{world.offer_id}/members/{world.orgs[0].id}/confirm"),
                        ("POST", f"/federation/offers/{world.offer_id}/members"),
                        ("POST", f"/federation/offers/{world.offer_id}/members/{world.orgs[0].id}/remove")):
        r = c.open(url, method=method)
        assert r.status_code == 404, (url, r.status_code)
    assert "Warsztaty teatralne dla seniorów" not in c.get("/").get_data(as_text=True)
    assert (member_rows(world.offer_id), len(audit_actions(world.offer_id))) == before


def test_anonymous_gets_401_before_404_and_the_login_page(client, world):
    for method, url in (("GET", f"/api/v1/offers/{world.offer_id}/members"),
                        ("GET", "/api/v1/offers/999999/members"),
                        ("POST", f"/api/v1/offers/{world.offer_id}/members/{world.orgs[0].id}/confirm"),
                        ("DELETE", f"/api/v1/offers/{world.offer_id}/members/{world.orgs[0].id}")):
        r = client.open(url, method=method)
        assert r.status_code == 401 and r.mimetype == "application/problem+json"
    r = client.get(f"/federation/offers/{world.offer_id}/membership")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    r = client.post(f"/federation/offers/{world.offer_id}/members/{world.orgs[0].id}/confirm")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert member_rows(world.offer_id)[0] == (world.orgs[0].id, False, False)


def test_contract_order_404_409_403_stale_422(client, session, world, api_token):
    lead, member = api_token(world.lead), api_token(world.users[0])
    base = f"/api/v1/offers/{world.offer_id}/members"
    # 404: no such offer, a malformed id, an organisation not named (own one), before anything else
    assert client.post("/api/v1/offers/999999/members", data="{", headers=lead).status_code == 404
    assert client.post("/api/v1/offers/abc/members", json={}, headers=lead).status_code == 404
    stranger_org_member = world.other
    assert client.post(f"{base}/{world.orgs[0].id}/confirm", headers=api_token(stranger_org_member)).status_code == 404
    # 403 before the body is read: a member may not add (malformed JSON still a 403)
    r = client.post(base, data="{", headers={**member, "Content-Type": "application/json"})
    assert r.status_code == 403
    # stale If-Match before the body: 409 with the current version
    v = fresh(Offer, world.offer_id).version
    r = client.post(base, data="{", headers={**lead, "If-Match": f'"{v - 1}"', "Content-Type": "application/json"})
    assert r.status_code == 409 and r.get_json()["type"] == "/problems/stale-version"
    r = client.post(base, data="{", headers={**lead, "If-Match": '"zzz"', "Content-Type": "application/json"})
    assert r.status_code == 409
    # then 400 malformed and 422 wrong fields
    r = client.post(base, data="{", headers={**lead, "If-Match": f'"{v}"', "Content-Type": "application/json"})
    assert r.status_code == 400
    r = client.post(base, json={"organisation": "1"}, headers=lead)
    assert r.status_code == 422
    # confirm takes no body
    r = client.post(f"{base}/{world.orgs[0].id}/confirm", json={"for": "x"}, headers=member)
    assert r.status_code == 422
    assert member_rows(world.offer_id) == [(world.orgs[0].id, False, False), (world.orgs[1].id, False, False)]
    # after submission: 409 (not open in this state) comes before 403 (not the applicant)
    confirm_all(session, world)
    assert client.post(f"/api/v1/offers/{world.offer_id}/transitions/submit", headers=lead).status_code == 200
    r = client.post(base, json={"organisation_id": "1"}, headers=member)
    assert r.status_code == 409 and r.get_json()["type"] == "/problems/not-editable"


def test_officer_sees_members_of_a_submitted_offer_but_changes_nothing(client, session, world, api_token):
    confirm_all(session, world)
    assert client.post(f"/api/v1/offers/{world.offer_id}/transitions/submit",
                       headers=api_token(world.lead)).status_code == 200
    h = api_token(world.officer)
    r = client.get(f"/api/v1/offers/{world.offer_id}/members", headers=h)
    assert r.status_code == 200 and r.get_json()["scope"] == "all" and r.get_json()["confirmed"] == 2
    assert client.post(f"/api/v1/offers/{world.offer_id}/members/{world.orgs[0].id}/decline", headers=h).status_code == 409
    assert client.get(f"/api/v1/offers/{world.offer_id}/members", headers=api_token(world.other)).status_code == 404


def test_home_lists_offers_awaiting_my_organisations_confirmation(app, session, world, login):
    from grants.calltypes.federation import members as mops
    c = login(world.users[0], app.test_client())
    html = c.get("/").get_data(as_text=True)
    assert "Potwierdź członkostwo" in html and "Warsztaty teatralne dla seniorów" in html
    assert f"/federation/offers/{world.offer_id}/membership" in html
    assert SECRET not in html
    mops.confirm(session, world.users[0], world.o(session), world.orgs[0].id)
    session.commit()
    html = c.get("/").get_data(as_text=True)
    assert f"/federation/offers/{world.offer_id}/membership" not in html
    # the applicant's own home does not ask it to confirm anything
    assert "Potwierdź członkostwo" not in login(world.lead, app.test_client()).get("/").get_data(as_text=True)


def test_web_forms_need_the_csrf_token(csrf_app, world):
    import re

    from tests.factories import PASSWORD
    c = csrf_app.test_client()
    page = c.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert c.post("/login", data={"email": world.users[0].email, "password": PASSWORD,
                                  "csrf_token": token}).status_code == 302
    r = c.post(f"/federation/offers/{world.offer_id}/members/{world.orgs[0].id}/confirm")
    assert r.status_code == 400
    assert member_rows(world.offer_id)[0] == (world.orgs[0].id, False, False)
    page = c.get(f"/federation/offers/{world.offer_id}/membership").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = c.post(f"/federation/offers/{world.offer_id}/members/{world.orgs[0].id}/confirm", data={"csrf_token": token})
    assert r.status_code == 303
    assert member_rows(world.offer_id)[0] == (world.orgs[0].id, True, True)
