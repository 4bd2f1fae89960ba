"""Partnerships with business (S10): the catalogue, a business participant's interest, contacts
exchanged only after both consent (recorded), outcomes counted for the dashboards."""
from __future__ import annotations

from sqlalchemy import select

from grants.core.audit import AuditEntry
from grants.partnerships import operations as ops

from .conftest import dashboard_figure


def _offer(client, headers, org, publish=True):
    r = client.post("/api/v1/partnership-offers", headers=headers, json={
        "organisation_id": str(org.id), "title": "Wolontariat pracowniczy przy remoncie świetlicy",
        "description": "Zapraszamy zespoły firm do wspólnego remontu świetlicy dla dzieci.",
        "kinds": ["volunteering", "joint_project"], "audiences": ["sme", "large"], "seeks": ["equipment"],
        "district": "XIII", "field": "culture", "contact_email": "partnerstwa@sasiedzi.example.org"})
    assert r.status_code == 201, r.get_data(as_text=True)
    oid = r.get_json()["id"]
    if publish:
        assert client.post(f"/api/v1/partnership-offers/{oid}/transitions/publish", headers=headers).status_code == 200
    return oid


def _do(client, headers, iid, name, json=None, status=200):
    r = client.post(f"/api/v1/partnership-interests/{iid}/transitions/{name}", headers=headers, json=json)
    assert r.status_code == status, r.get_data(as_text=True)
    return r.get_json()


def test_a_business_finds_an_offer_expresses_interest_and_both_consent_before_seeing_contacts(
        client, api_token, member, org, business, session):
    ngo, firm = api_token(member), api_token(business)
    oid = _offer(client, ngo, org)
    catalogue = client.get("/partnerships/?kind=volunteering&district=XIII").get_data(as_text=True)
    assert "Wolontariat pracowniczy przy remoncie świetlicy" in catalogue
    assert "Wolontariat pracowniczy przy remoncie" not in client.get("/partnerships/?kind=venue").get_data(as_text=True)
    r = client.post("/api/v1/partnership-interests", headers=firm, json={
        "offer_id": oid, "company": "Krakowska Drukarnia Sp. z o.o.", "message": "Chętnie wyślemy 10 osób w maju.",
        "contact_email": "csr@drukarnia.example.com"})
    assert r.status_code == 201
    iid = r.get_json()["id"]
    assert r.get_json()["contacts"] is None
    _do(client, ngo, iid, "answer", {"answer": "Dziękujemy! Zapraszamy w maju."})
    assert _do(client, firm, iid, "business_consent")["contacts"] is None  # one consent is not enough
    seen_by_ngo = client.get(f"/api/v1/partnership-interests/{iid}", headers=ngo).get_json()
    assert seen_by_ngo["contacts"] is None
    done = _do(client, ngo, iid, "org_consent_too")
    assert done["state"] == "connected" and done["contacts"]["email"] == "csr@drukarnia.example.com"
    firm_view = client.get(f"/api/v1/partnership-interests/{iid}", headers=firm).get_json()
    assert firm_view["contacts"]["email"] == "partnerstwa@sasiedzi.example.org"
    consents = session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "partnership_interest",
                                                               AuditEntry.object_id == iid)).all()
    assert {"business_consent", "org_consent_too"} <= set(consents)  # the consents are recorded
    _do(client, firm, iid, "mark_started")
    assert ops.counts(session)["started"] == 1
    assert dashboard_figure(client, "Partnerstwa rozpoczęte") == "1"  # the dashboards count it


def test_only_a_business_participant_expresses_interest_and_no_contacts_before_consent_on_the_page(
        app, client, api_token, member, other_member, org, business, login):
    oid = _offer(client, api_token(member), org)
    r = client.post("/api/v1/partnership-interests", headers=api_token(other_member),
                    json={"offer_id": oid, "company": "X", "message": "Jesteśmy zainteresowani."})
    assert r.status_code == 403
    firm = app.test_client()
    login(business, firm)
    r = firm.post(f"/partnerships/{oid}/interest", data={"company": "Drukarnia", "message": "Chętnie pomożemy w maju.",
                                                         "contact_email": "csr@drukarnia.example.com"})
    assert r.status_code == 303
    page = firm.get(r.headers["Location"]).get_data(as_text=True)
    assert "partnerstwa@sasiedzi.example.org" not in page
    assert "gdy obie strony zgodzą" in page


def test_a_draft_is_not_in_the_catalogue_and_an_officer_can_pause_a_published_offer(
        client, api_token, member, org, officer):
    draft = _offer(client, api_token(member), org, publish=False)
    assert client.get(f"/api/v1/partnership-offers/{draft}").status_code == 404
    oid = _offer(client, api_token(member), org)
    r = client.post(f"/api/v1/partnership-offers/{oid}/transitions/pause", headers=api_token(officer))
    assert r.status_code == 200 and r.get_json()["state"] == "paused"
    assert client.get("/partnerships/booklet").status_code == 200
