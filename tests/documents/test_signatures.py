"""Signed confirmations (PAdES): verified with pyHanko against the confirmation issued for the offer."""
from __future__ import annotations

from io import BytesIO

from sqlalchemy import select

from grants.documents import issuing
from grants.documents.models import Attachment
from grants.documents.signatures import verify_confirmation
from grants.offers.models import Offer
from tests.factories import make_contest
from tests.offers.support import submitted

from .support import make_signer, sign


def _confirmed(app, session, make_user, make_org):
    officer, org = make_user("officer"), make_org()
    ngo = make_user("applicant", org=org)
    contest = make_contest(session, officer)
    o = submitted(session, contest, ngo, org)
    with app.app_context():
        doc = issuing.confirmation(session, o)
        pdf = issuing.store().get(doc.storage_key)
    return officer, ngo, o, pdf


def test_signed_confirmation_intact_and_matching(app, client, session, make_user, make_org, login, tmp_path):
    officer, ngo, o, pdf = _confirmed(app, session, make_user, make_org)
    signed = sign(pdf, make_signer(tmp_path, "Jan Kowalski"))
    login(ngo)
    r = client.post(f"/offer/{o.id}/attachments", data={"kind": "signed_confirmation",
                                                        "file": (BytesIO(signed), "potwierdzenie-podpisane.pdf")},
                    content_type="multipart/form-data", follow_redirects=True)
    assert "Dodano załącznik" in r.get_data(as_text=True)
    a = session.scalar(select(Attachment).where(Attachment.owner_id == o.id, Attachment.kind == "signed_confirmation"))
    sig = a.signature
    assert sig["signed"] and sig["intact"] and sig["matches"] and sig["match_by"] == "hash"
    assert "Jan Kowalski" in sig["signer"] and "Testowe CA" in sig["issuer"] and sig["signing_time"]
    assert sig["trust"] == "not_checked"  # no trust anchors configured: never claim more than was checked
    staff = app.test_client()
    login(officer, staff)
    page = staff.get(f"/offers/{o.id}").get_data(as_text=True)
    assert "podpis nienaruszony, dokument zgodny" in page and "Jan Kowalski" in page
    assert "nie sprawdzono (nie skonfigurowano zaufanych wystawców)" in page


def test_signed_confirmation_tampered_one_byte(app, session, make_user, make_org, tmp_path):
    officer, ngo, o, pdf = _confirmed(app, session, make_user, make_org)
    signed = bytearray(sign(pdf, make_signer(tmp_path)))
    i = len(pdf) // 2  # inside the signed content
    signed[i] = signed[i] ^ 0x01
    with app.app_context():
        res = verify_confirmation(session, o, bytes(signed))
    assert res["signed"] and not res["intact"] and not res["matches"]
    assert "naruszony" in res["reason"] or "nie da się" in res["reason"]


def test_signed_confirmation_of_another_document(app, session, make_user, make_org, tmp_path):
    officer, ngo, o, pdf = _confirmed(app, session, make_user, make_org)
    _o2, _ngo2, o2, other_pdf = _confirmed(app, session, make_user, make_org)
    signed = sign(other_pdf, make_signer(tmp_path))
    with app.app_context():
        res = verify_confirmation(session, session.get(Offer, o.id), signed)
    assert res["signed"] and res["intact"] and not res["matches"]
    assert "nie jest potwierdzeniem wystawionym dla tej oferty" in res["reason"]


def test_unsigned_file_is_flagged(app, session, make_user, make_org):
    officer, ngo, o, pdf = _confirmed(app, session, make_user, make_org)
    with app.app_context():
        res = verify_confirmation(session, o, pdf)
    assert not res["signed"] and "nie zawiera podpisu" in res["reason"]
    with app.app_context():
        res = verify_confirmation(session, o, b"%PDF-1.4 broken")
    assert not res["signed"] and res["reason"]


def test_trust_reported_only_against_configured_anchors(app, session, make_user, make_org, tmp_path, monkeypatch):
    officer, ngo, o, pdf = _confirmed(app, session, make_user, make_org)
    signed = sign(pdf, make_signer(tmp_path))
    monkeypatch.setenv("GRANTS_SIGNATURE_TRUST_ANCHORS", str(tmp_path / "cert.pem"))
    with app.app_context():
        assert verify_confirmation(session, o, signed)["trust"] == "trusted"
    other = tmp_path / "other"
    other.mkdir()
    make_signer(other, "Ktoś Inny")
    monkeypatch.setenv("GRANTS_SIGNATURE_TRUST_ANCHORS", str(other / "cert.pem"))
    with app.app_context():
        res = verify_confirmation(session, o, signed)
    assert res["trust"] == "untrusted" and res["intact"] and res["matches"]
