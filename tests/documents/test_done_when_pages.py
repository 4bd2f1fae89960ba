"""Issue 13's "done when" through the pages only (a person with a browser, no API token): the
statute and a partner letter attached on the offer's attachments page, the offer submitted from its
page with the confirmation step, the offer PDF and the confirmation downloaded from the links on the
offer page, the confirmation signed with a test certificate and uploaded on the attachments page,
the officer's page says "podpis nienaruszony, dokument zgodny"."""
from __future__ import annotations

import hashlib
import re
from io import BytesIO

from grants.contests import operations as cops
from grants.documents import attachments as aops
from grants.offers import operations as oops
from tests.factories import make_contest, offer_content

from .support import PDF, PNG, make_signer, sign


def _upload(web, oid: int, kind: str, data: bytes, name: str):
    return web.post(f"/offer/{oid}/attachments", data={"kind": kind, "file": (BytesIO(data), name)},
                    content_type="multipart/form-data", follow_redirects=True)


def test_done_when_through_the_pages(app, session, make_user, make_org, login, worker, stub_broker, tmp_path):
    officer, org = make_user("officer"), make_org()
    ngo = make_user("applicant", org=org)
    c = make_contest(session, officer, publish=False)
    aops.set_rules(session, officer, c, {"statute": ("required", 5), "partnership_letter": ("allowed", 5),
                                         "signed_confirmation": ("allowed", 5)})
    cops.transition(session, c, "publish", officer)
    o = oops.create(session, ngo, c, org.id)
    oops.save_sections(session, o, ngo, offer_content(c))
    session.commit()
    oid = o.id
    web = login(ngo, app.test_client())
    page = web.get(f"/offers/{oid}").get_data(as_text=True)
    assert f'href="/offer/{oid}/attachments"' in page  # the way to the attachments from the offer page
    form = web.get(f"/offer/{oid}/attachments").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in form and 'value="statute"' in form
    for kind, data, name in (("statute", PDF, "statut.pdf"), ("partnership_letter", PNG, "list-partnerski.png")):
        assert "Dodano załącznik." in _upload(web, oid, kind, data, name).get_data(as_text=True)
    version = session.get(type(o), oid).version
    asked = web.post(f"/offers/{oid}/transitions/submit", data={"version": version, "confirm_step": "1"})
    assert "Tej czynności nie można cofnąć." in asked.get_data(as_text=True)
    done = web.post(f"/offers/{oid}/transitions/submit", data={"version": version, "confirmed": "1"})
    assert done.status_code == 303
    stub_broker.join("grants", fail_fast=True)
    worker.join()
    page = web.get(f"/offers/{oid}").get_data(as_text=True)
    links = set(re.findall(r'href="([^"]+\.pdf|/offers/\d+/pdf)"', page))
    assert f"/offers/{oid}/pdf" in links and f"/offers/{oid}/confirmation.pdf" in links, links
    assert web.get(f"/offers/{oid}/pdf").data.startswith(b"%PDF-")
    confirmation = web.get(f"/offers/{oid}/confirmation.pdf")
    assert confirmation.data.startswith(b"%PDF-")
    signed = sign(confirmation.data, make_signer(tmp_path, "Anna Nowak"))
    form = web.get(f"/offer/{oid}/attachments").get_data(as_text=True)
    assert 'value="signed_confirmation"' in form  # after submission only the signed confirmation is accepted
    assert "Dodano załącznik." in _upload(web, oid, "signed_confirmation", signed, "potwierdzenie.pdf").get_data(as_text=True)
    staff = login(officer, app.test_client())
    page = staff.get(f"/offers/{oid}").get_data(as_text=True)
    assert "podpis nienaruszony, dokument zgodny" in page and "Anna Nowak" in page
    digest = hashlib.sha256(confirmation.data).hexdigest()
    assert confirmation.headers["X-Content-SHA256"] == digest
    verify = app.test_client().get(f"/verify/{digest}").get_data(as_text=True)
    assert "Potwierdzenie złożenia oferty" in verify and "bez zmian" in verify
