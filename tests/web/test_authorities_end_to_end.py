"""Issue 22 "Done when": through the pages and the API only, the demo's second authority (Gmina
Wieliczka) runs its own contest from draft to published results while Kraków runs its own; one NGO
applies to both and sees both on its home; the officers of each see nothing of the other's.

Wieliczka's officer announces and publishes through the pages (CSRF on, every POST carries the token
of the page's own form) and the NGO fills and submits its offer through the pages; formal review,
the commission and the decision go through the API with bearer tokens, as does the whole of Kraków's
contest. The factories build only what no page or endpoint builds: departments and staff accounts.
Wieliczka's department has the same code as Kraków's (codes are unique per authority)."""
from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from werkzeug.datastructures import MultiDict

from grants.accounts.operations import create_user
from grants.contests.models import Contest
from grants.core import clock
from grants.demo_authorities import CODE
from grants.offers.models import Offer
from grants.registry import authorities
from grants.registry.models import Department
from tests.commissions.test_flow_web import _fast_hash, form, fresh, post, web_login
from tests.factories import PASSWORD, offer_content
from tests.flows import DocClient, api_formal_review, api_scoring, contest_form, contest_json, flat

SECTIONS = ("basic", "applicant", "task", "profile", "costs", "sources", "other")


def _token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def _act(client, page_url: str, action: str):
    """Presses the page's button for `action` (and confirms where the page asks to)."""
    page = client.get(page_url).get_data(as_text=True)
    r = post(client, action, form(page, action))
    if r.status_code == 200 and "Tej czynności nie można cofnąć." in r.get_data(as_text=True):
        r = post(client, action, form(r.get_data(as_text=True), action, at=action))
    assert r.status_code in (302, 303), (action, r.status_code, r.get_data(as_text=True)[:2000])
    return r


def _staff(session, email, role, department_code, grantor_code):
    u = create_user(session, email=email, password=PASSWORD, roles=[role], full_name=email.split("@")[0],
                    department_code=department_code, grantor_code=grantor_code)
    session.commit()
    return u


def _announce_and_publish_through_the_pages(app, officer, deadline) -> int:
    c = web_login(app, officer)
    page = c.get("/contests/new").get_data(as_text=True)
    year = clock.today().year + 1
    data = contest_form(f"Kultura w Wieliczce {year}", deadline, year, csrf_token=_token(page),
                        task_type="Upowszechnianie kultury w Gminie Wieliczka", task_conditions="W Gminie Wieliczka.")
    r = c.post("/contests/new", data=data)
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    cid = int(r.headers["Location"].rstrip("/").split("/")[-1])
    _act(c, f"/contests/{cid}", f"/contests/{cid}/transitions/publish")
    assert fresh(Contest, cid).state == "published"
    return cid


def _offer_through_the_pages(app, ngo, org, cid) -> int:
    c = web_login(app, ngo)
    page = c.get(f"/contests/{cid}").get_data(as_text=True)
    r = post(c, f"/contests/{cid}/offers", dict(form(page, f"/contests/{cid}/offers"), organisation_id=str(org.id)))
    assert r.status_code == 303, r.get_data(as_text=True)[:2000]
    oid = int(re.search(r"/offers/(\d+)", r.headers["Location"]).group(1))
    full = offer_content(fresh(Contest, cid), "15000.00")
    for name in (*SECTIONS, "declarations"):
        url = f"/offers/{oid}/sections/{name}"
        token = _token(c.get(url).get_data(as_text=True))
        data = ([("declarations.accepted[]", d) for d in full["declarations"]["accepted"]] if name == "declarations"
                else flat(name, full[name]))
        r = c.post(url, data=MultiDict([("csrf_token", token), ("version", str(fresh(Offer, oid).version))] + data))
        assert r.status_code == 303, (name, r.get_data(as_text=True)[:3000])
    _act(c, f"/offers/{oid}", f"/offers/{oid}/transitions/submit")
    assert fresh(Offer, oid).state == "submitted"
    return oid


def _api_contest(o: DocClient, n: DocClient, org_id: int, deadline) -> tuple[str, str]:
    """Kraków's contest, drafted, published and applied to through the API."""
    contest = o.call("create_contests", expect=201,
                     json=contest_json(f"Kultura w dzielnicach Krakowa {clock.today().year + 1}", deadline))
    assert contest["state"] == "draft"
    cid = contest["id"]
    assert o.transition("contests", cid, "publish")["state"] == "published"
    offer = n.call("create_offers", expect=201, json={"contest_id": cid, "organisation_id": str(org_id)})
    content = offer_content(fresh(Contest, int(cid)), "9000.00")
    patchable = n.components["schemas"]["OfferPatch"]["properties"]
    n.call("patch_offers", json={k: v for k, v in content.items() if k in patchable}, id=offer["id"])
    assert n.transition("offers", offer["id"], "submit")["state"] == "submitted"
    return cid, offer["id"]


def _api_to_results(o: DocClient, o2: DocClient, member_ids: tuple[int, int], cid: str, oid: str,
                    foreign_staff_id: int) -> str:
    """Closed contest → formal review → evaluation → commission → scores → protocol → decision."""
    api_formal_review(o, cid, oid)
    com = o.call("create_commissions", expect=201, json={"contest_id": cid})
    found = {x["id"] for x in o.call("search_users", query={"role": "officer"})["items"]}
    assert str(foreign_staff_id) not in found  # the other authority's officers are no one to appoint
    o.call("add_member", expect=422, json={"user_id": str(foreign_staff_id), "kind": "city"}, cid=com["id"])
    api_scoring(o, o2, member_ids, cid, com["id"], oid)
    o.transition("commissions", com["id"], "approve_protocol")
    assert o.transition("contests", cid, "decide")["state"] == "decided"
    return com["id"]


def test_second_authority_runs_its_contest_to_results_beside_krakow(csrf_app, client, session, make_user,
                                                                   make_org, clock_at, monkeypatch):
    from grants.workflows.scheduler import run_due  # the server's scheduler: time passing, not an URL

    _fast_hash(monkeypatch)
    app = csrf_app
    # ---- set-up no page makes: Kraków's staff (factories); Wieliczka by the operator's command,
    # its department (the same code as Kraków's) and staff
    krk_officer, krk_officer2 = make_user("officer"), make_user("officer")
    result = app.test_cli_runner().invoke(args=["grantors", "create", "--code", CODE, "--name", "Gmina Wieliczka",
                                                "--teryt", "1219063", "--colour", "#006b3f"])
    assert result.exit_code == 0, result.output
    wie = authorities.by_code(session, CODE)
    session.add(Department(grantor=wie, code="BIS", name="Referat Spraw Społecznych", fields=["culture"]))
    session.commit()
    wie_officer = _staff(session, "urzednik@wieliczka.example.org", "officer", "BIS", CODE)
    wie_officer2 = _staff(session, "urzednik2@wieliczka.example.org", "officer", "BIS", CODE)
    assert wie_officer.grantor_id == wie.id and krk_officer.grantor_id != wie.id
    assert wie_officer.department_id != krk_officer.department_id
    org = make_org("Stowarzyszenie Kultura w Dzielnicach")
    ngo = make_user("applicant", org=org)
    ids = {"org": org.id, "wie": (wie_officer.id, wie_officer2.id), "krk": (krk_officer.id, krk_officer2.id)}
    session.commit()

    doc = client.get("/api/v1/openapi.json").get_json()
    anon = DocClient(client, doc)
    ko, ko2 = anon.as_(krk_officer.email), anon.as_(krk_officer2.email)
    wo, wo2 = anon.as_(wie_officer.email), anon.as_(wie_officer2.email)
    n = anon.as_(ngo.email)

    # ---- Wieliczka through the pages: announced, published, applied to
    now = clock.now()
    wie_deadline = (now + timedelta(days=40)).replace(second=0, microsecond=0)
    wie_cid = _announce_and_publish_through_the_pages(app, wie_officer, wie_deadline)
    assert fresh(Contest, wie_cid).grantor_id == wie.id
    wie_oid = _offer_through_the_pages(app, ngo, org, wie_cid)
    # ---- Kraków through the API: drafted, published, applied to by the same NGO
    krk_cid, krk_oid = _api_contest(ko, n, ids["org"], now + timedelta(days=30))
    assert fresh(Contest, int(krk_cid)).grantor_id == krk_officer.grantor_id
    # a Kraków draft nobody of Wieliczka may see
    draft = ko.call("create_contests", expect=201, json=contest_json("Szkic Krakowa", now + timedelta(days=50)))

    # ---- the NGO's home lists both offers, each with its authority
    home = web_login(app, ngo).get("/").get_data(as_text=True)
    assert "Gmina Wieliczka" in home and wie.name in home
    assert f"/offers/{wie_oid}" in home and f"/offers/{krk_oid}" in home

    # ---- the deadlines pass; each authority takes its contest to results through the API
    clock_at(wie_deadline + timedelta(minutes=1))
    run_due()
    assert fresh(Contest, wie_cid).state == fresh(Contest, int(krk_cid)).state == "closed"
    wie_com = _api_to_results(wo, wo2, ids["wie"], str(wie_cid), str(wie_oid), ids["krk"][0])
    krk_com = _api_to_results(ko, ko2, ids["krk"], krk_cid, krk_oid, ids["wie"][0])

    # ---- the results are public, each on its authority's portal
    wie_results = anon.call("contest_results_read", cid=str(wie_cid))["items"]
    assert wie_results[0]["organisation"]["name"] == org.name and Decimal(wie_results[0]["awarded"]) == Decimal("15000")
    assert anon.call("contest_results_read", cid=krk_cid)["items"][0]["awarded"] == "9000.00"
    public = app.test_client().get(f"/contests/{wie_cid}").get_data(as_text=True)
    assert "Wyniki konkursu" in public
    portal = app.test_client().get(f"/{CODE}/").get_data(as_text=True)
    assert f"/contests/{wie_cid}" in portal and f"/contests/{krk_cid}\"" not in portal
    assert n.call("get_offers", id=str(wie_oid))["awarded_grant"] == "15000.00"
    assert n.call("get_offers", id=krk_oid)["awarded_grant"] == "9000.00"

    # ---- the officers of each see nothing of the other's: 404 through the pages and the API
    wie_web, krk_web = web_login(app, wie_officer), web_login(app, krk_officer)
    for web, api, offer, com in ((wie_web, wo, krk_oid, krk_com), (krk_web, ko, str(wie_oid), wie_com)):
        assert web.get(f"/offers/{offer}").status_code == 404
        assert web.get(f"/commissions/{com}").status_code == 404
        api.call("get_offers", expect=404, id=offer)
        api.call("get_commissions", expect=404, id=com)
        api.transition("offers", offer, "accept_formally", expect=404)
    assert wie_web.get(f"/contests/{draft['id']}").status_code == 404
    wo.call("get_contests", expect=404, id=draft["id"])
    assert draft["id"] not in {x["id"] for x in wo.call("list_contests")["items"]}
    assert krk_oid not in {x["id"] for x in wo.call("list_offers")["items"]}
    assert str(wie_oid) not in {x["id"] for x in ko.call("list_offers")["items"]}
