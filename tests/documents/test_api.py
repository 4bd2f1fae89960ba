"""The API: GET .../attachments, multipart upload, GET .../documents; the same checks as the pages."""
from __future__ import annotations

from io import BytesIO

from grants.documents import issuing
from tests.factories import make_contest
from tests.offers.support import draft

from .support import ELF, PDF


def test_attachments_and_documents_through_the_api(app, client, session, make_user, make_org, api_token):
    officer, org = make_user("officer"), make_org()
    ngo = make_user("applicant", org=org)
    contest = make_contest(session, officer)
    o = draft(session, contest, ngo, org)
    h = api_token(ngo)
    r = client.post(f"/api/v1/offers/{o.id}/attachments", headers=h,
                    data={"kind": "statute", "file": (BytesIO(PDF), "statut.pdf")}, content_type="multipart/form-data")
    assert r.status_code == 201, r.get_json()
    item = r.get_json()
    assert item["kind"] == "statute" and item["filename"] == "statut.pdf" and item["content_type"] == "application/pdf"
    r = client.post(f"/api/v1/offers/{o.id}/attachments", headers=h,
                    data={"kind": "statute", "file": (BytesIO(ELF), "statut.pdf")}, content_type="multipart/form-data")
    assert r.status_code == 422 and "nie jest dopuszczony" in r.get_json()["errors"][0]["message"]
    r = client.post(f"/api/v1/offers/{o.id}/attachments", headers=h, json={"kind": "statute"})
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "file"
    listing = client.get(f"/api/v1/offers/{o.id}/attachments", headers=h).get_json()
    assert listing["total"] == 1
    assert client.get(listing["items"][0]["url"], headers=h).data == PDF
    other = api_token(make_user("applicant", org=make_org()))
    assert client.get(f"/api/v1/offers/{o.id}/attachments", headers=other).status_code == 404
    assert client.post(f"/api/v1/offers/{o.id}/attachments", headers=other,
                       data={"kind": "statute", "file": (BytesIO(PDF), "x.pdf")}).status_code == 404
    assert client.get(f"/api/v1/offers/{o.id}/attachments").status_code == 401
    from grants.offers import operations as oops
    from grants.offers.models import Offer
    o = session.get(Offer, o.id)
    oops.transition(session, o, "submit", ngo)
    with app.app_context():
        doc = issuing.confirmation(session, o)
    docs = client.get(f"/api/v1/offers/{o.id}/documents", headers=h).get_json()
    kinds = {d["kind"]: d for d in docs["items"]}
    assert kinds["confirmation"]["sha256"] == doc.sha256 and kinds["offer"]["url"].endswith(f"/offers/{o.id}/pdf")


def test_openapi_documents_the_upload(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    post = spec["paths"]["/api/v1/offers/{obj_id}/attachments"]["post"]
    assert "multipart/form-data" in post["requestBody"]["content"]
    assert "/api/v1/offers/{obj_id}/documents" in spec["paths"]
