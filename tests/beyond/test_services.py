"""Mutual services between organisations (S12): listings, a broker's suggestion, confirmation and
rating; contact details only for organisations' members; no answer to one's own listing."""
from __future__ import annotations

from sqlalchemy import func, select

from grants.services import operations as ops
from grants.services.models import ServiceExchange

from .conftest import dashboard_figure


def _listing(client, headers, org, **extra):
    body = {"organisation_id": str(org.id), "kind": "request", "category": "accounting",
            "title": "Szukamy pomocy przy sprawozdaniu finansowym", "district": "XIII",
            "contact_email": "biuro@sasiedzi.example.org", **extra}
    r = client.post("/api/v1/service-listings", headers=headers, json=body)
    assert r.status_code == 201, r.get_data(as_text=True)
    return r.get_json()


def _do(client, headers, xid, name, json=None):
    r = client.post(f"/api/v1/service-exchanges/{xid}/transitions/{name}", headers=headers, json=json)
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()


def test_two_organisations_exchange_a_service_through_a_brokers_suggestion_and_rate_it(
        client, api_token, member, other_member, officer, org, other_org, session):
    owner, responder, broker = api_token(member), api_token(other_member), api_token(officer)
    listing = _listing(client, owner, org)
    r = client.post("/api/v1/service-exchanges", headers=broker,
                    json={"listing_id": listing["id"], "organisation_id": str(other_org.id),
                          "message": "Fundacja prowadzi księgowość dla kilku organizacji."})
    assert r.status_code == 201 and r.get_json()["state"] == "suggested"
    xid = r.get_json()["id"]
    assert _do(client, responder, xid, "accept_suggestion")["state"] == "proposed"
    assert _do(client, owner, xid, "confirm")["state"] == "agreed"
    assert _do(client, responder, xid, "complete")["state"] == "completed"
    _do(client, owner, xid, "rate", {"rating": 5, "comment": "Bardzo pomocni."})
    done = _do(client, responder, xid, "rate", {"rating": 4})
    assert done["owner_rating"] == 5 and done["responder_rating"] == 4
    again = client.post(f"/api/v1/service-exchanges/{xid}/transitions/rate", headers=owner, json={"rating": 1})
    assert again.status_code == 422  # rated once
    assert ops.counts(session)["completed"] == 1
    assert dashboard_figure(client, "Wymiany usług zrealizowane") == "1"  # the dashboards count it
    assert dashboard_figure(client, "Średnia ocena wymian (1–5)") == "4,5"


def test_an_organisation_cannot_answer_its_own_listing(client, api_token, member, org, session):
    headers = api_token(member)
    listing = _listing(client, headers, org)
    r = client.post("/api/v1/service-exchanges", headers=headers,
                    json={"listing_id": listing["id"], "organisation_id": str(org.id), "message": "Sami sobie pomożemy."})
    assert r.status_code == 422
    assert "własne ogłoszenie" in r.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(ServiceExchange)) == 0


def test_only_organisations_members_see_the_contact_details(client, api_token, member, org, business):
    listing = _listing(client, api_token(member), org)
    assert client.get(f"/api/v1/service-listings/{listing['id']}").get_json()["contact"] is None
    assert client.get(f"/api/v1/service-listings/{listing['id']}", headers=api_token(business)).get_json()["contact"] is None
    page = client.get(f"/services/{listing['id']}").get_data(as_text=True)
    assert "biuro@sasiedzi.example.org" not in page
    assert client.get(f"/api/v1/service-listings/{listing['id']}", headers=api_token(member)).get_json()["contact"]


def test_the_other_side_answers_and_confirms_through_the_pages(app, member, other_member, org, other_org, login,
                                                                session):
    owner, responder = app.test_client(), app.test_client()
    login(member, owner)
    login(other_member, responder)
    r = owner.post("/services/", data={"organisation_id": org.id, "kind": "offer", "category": "rooms",
                                       "title": "Sala na 30 osób w Podgórzu"})
    assert r.status_code == 303
    lid = int(r.headers["Location"].rstrip("/").split("/")[-1])
    r = responder.post(f"/services/{lid}/answer", data={"organisation_id": other_org.id,
                                                        "message": "Potrzebujemy sali na walne zebranie."})
    assert r.status_code == 303
    x = session.scalar(select(ServiceExchange))
    assert x.state == "proposed"
    r = owner.post(f"/services/exchanges/{x.id}/transitions/confirm", data={"version": x.version})
    assert r.status_code == 303
    session.expire_all()
    assert session.get(ServiceExchange, x.id).state == "agreed"
    # a stranger's page of the exchange does not exist for them
    assert app.test_client().get(f"/services/exchanges/{x.id}").status_code == 302
    bad = owner.post("/services/", data={"organisation_id": org.id, "kind": "x", "category": "y", "title": ""})
    assert bad.status_code == 422
