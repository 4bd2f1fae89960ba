"""Issue 13's "done when", end to end through the API and the pages: statute and partner letter
attached, submission, offer PDF and confirmation downloaded, the confirmation signed with a test
certificate and uploaded, the officer sees "podpis nienaruszony, dokument zgodny"."""
from __future__ import annotations

import hashlib
from io import BytesIO

from grants.documents import attachments as aops
from tests.factories import make_contest, offer_content

from .support import PDF, PNG, make_signer, sign


def test_done_when_attach_submit_sign_verify(app, client, session, make_user, make_org, login, api_token, worker,
                                             stub_broker, tmp_path):
    officer, org = make_user("officer"), make_org()
    ngo = make_user("applicant", org=org)
    c = make_contest(session, officer, publish=False)
    aops.set_rules(session, officer, c, {"statute": ("required", 5), "partnership_letter": ("allowed", 5),
                                         "signed_confirmation": ("allowed", 5)})
    from grants.contests import operations as cops
    cops.transition(session, c, "publish", officer)
    h = api_token(ngo)
    oid = client.post("/api/v1/offers", headers=h, json={"contest_id": str(c.id), "organisation_id": str(org.id)}).get_json()["id"]
    r = client.patch(f"/api/v1/offers/{oid}", headers={**h, "If-Match": '"1"'}, json=offer_content(c))
    assert r.status_code == 200, r.get_data(as_text=True)
    for kind, data, name in (("statute", PDF, "statut.pdf"), ("partnership_letter", PNG, "list-partnerski.png")):
        r = client.post(f"/api/v1/offers/{oid}/attachments", headers=h, data={"kind": kind, "file": (BytesIO(data), name)},
                        content_type="multipart/form-data")
        assert r.status_code == 201, r.get_json()
    r = client.post(f"/api/v1/offers/{oid}/transitions/submit", headers=h)
    assert r.status_code == 200, r.get_data(as_text=True)
    stub_broker.join("grants", fail_fast=True)
    worker.join()
    docs = {d["kind"]: d for d in client.get(f"/api/v1/offers/{oid}/documents", headers=h).get_json()["items"]}
    assert "confirmation" in docs, "issued by the submission's job"
    login(ngo)
    offer_pdf = client.get(docs["offer"]["url"])
    assert offer_pdf.data.startswith(b"%PDF-")
    confirmation = client.get(f"/offers/{oid}/confirmation.pdf").data
    assert hashlib.sha256(confirmation).hexdigest() == docs["confirmation"]["sha256"]
    signed = sign(confirmation, make_signer(tmp_path, "Anna Nowak"))
    r = client.post(f"/api/v1/offers/{oid}/attachments", headers=h,
                    data={"kind": "signed_confirmation", "file": (BytesIO(signed), "potwierdzenie.pdf")},
                    content_type="multipart/form-data")
    assert r.status_code == 201 and r.get_json()["signature"]["matches"]
    staff = app.test_client()
    login(officer, staff)
    page = staff.get(f"/offers/{oid}").get_data(as_text=True)
    assert "podpis nienaruszony, dokument zgodny" in page and "Anna Nowak" in page
    assert "statut.pdf" in page and "list-partnerski.png" in page
    verify = client.get(f"/verify/{docs['confirmation']['sha256']}").get_data(as_text=True)
    assert "Potwierdzenie złożenia oferty" in verify and "bez zmian" in verify
