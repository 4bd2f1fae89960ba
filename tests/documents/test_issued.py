"""PDFs of the official documents and issued documents (R-DOC-ISSUED)."""
from __future__ import annotations

import hashlib
import json
import re
import zlib

from sqlalchemy import select

from grants.core.audit import AuditEntry
from grants.documents import handlers, issuing
from grants.documents import operations as dops
from grants.documents.models import IssuedDocument
from grants.offers import operations as oops
from tests.factories import make_contest, offer_content
from tests.offers.support import submitted


def _setup(session, make_user, make_org):
    officer = make_user("officer")
    org = make_org()
    ngo = make_user("applicant", org=org)
    contest = make_contest(session, officer)
    return officer, org, ngo, contest


def pdf_objects(data: bytes) -> bytes:
    """The PDF's bytes with every compressed stream inflated (to look for names in them)."""
    out = [data]
    for m in re.finditer(rb"stream\r?\n", data):
        try:
            out.append(zlib.decompressobj().decompress(data[m.end():]))
        except zlib.error:
            pass
    return b"".join(out)


def _pdf_text_ok(data: bytes) -> None:
    assert data.startswith(b"%PDF-")
    objects = pdf_objects(data)
    assert b"+Doc-Sans" in objects and b"/FontFile2" in objects  # DejaVu (Polish glyphs) embedded


def test_offer_pdf_from_the_print_template(client, session, make_user, make_org, login):
    officer, org, ngo, contest = _setup(session, make_user, make_org)
    o = submitted(session, contest, ngo, org)
    login(ngo)
    r = client.get(f"/offers/{o.id}/pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    _pdf_text_ok(r.data)
    assert r.headers["X-Content-SHA256"] == hashlib.sha256(r.data).hexdigest()
    page = client.get(f"/offers/{o.id}/print").get_data(as_text=True)  # the print page still works
    assert "V.A" in page and "V.B" in page and "VII." in page


def test_offer_pdf_not_for_another_organisation(client, session, make_user, make_org, login):
    officer, org, ngo, contest = _setup(session, make_user, make_org)
    o = submitted(session, contest, ngo, org)
    other = make_user("applicant", org=make_org())
    login(other)
    assert client.get(f"/offers/{o.id}/pdf").status_code == 404
    assert client.get(f"/offers/{o.id}/confirmation.pdf").status_code == 404


def test_announcement_pdf_is_public(client, session, make_user, make_org):
    officer, org, ngo, contest = _setup(session, make_user, make_org)
    r = client.get(f"/contests/{contest.id}/pdf")
    assert r.status_code == 200
    _pdf_text_ok(r.data)


def test_r_doc_issued_confirmation_at_submission_through_the_job(app, client, session, make_user, make_org, login,
                                                                 worker, stub_broker):
    officer, org, ngo, contest = _setup(session, make_user, make_org)
    o = oops.create(session, ngo, contest, org.id)
    oops.save_sections(session, o, ngo, offer_content(contest))
    session.commit()
    oops.transition(session, o, "submit", ngo)
    stub_broker.join("grants", fail_fast=True)
    worker.join()
    session.expire_all()
    doc = dops.find(session, "confirmation", "offer", o.id, "1")
    assert doc is not None, "the confirmation is issued by the submission's job"
    assert doc.subject_hash == o.revisions[-1].content_hash
    entry = session.scalar(select(AuditEntry).where(AuditEntry.object_type == "offer", AuditEntry.object_id == str(o.id),
                                                    AuditEntry.action == "document_issued"))
    assert json.loads(entry.payload)["sha256"] == doc.sha256
    login(ngo)
    r = client.get(f"/offers/{o.id}/confirmation.pdf")
    assert r.status_code == 200 and hashlib.sha256(r.data).hexdigest() == doc.sha256


def test_r_doc_issued_never_regenerated(app, session, make_user, make_org):
    officer, org, ngo, contest = _setup(session, make_user, make_org)
    o = submitted(session, contest, ngo, org)
    with app.app_context():
        first = issuing.confirmation(session, o)
        calls = []
        again = dops.issue(session, issuing.store(), kind="confirmation", model=type(o), object_type="offer",
                           object_id=o.id, ref="1", number="x", title="x", make_pdf=lambda: calls.append(1) or b"%PDF-x")
    assert again.id == first.id and calls == []
    assert session.scalar(select(IssuedDocument).where(IssuedDocument.object_id == str(o.id))).sha256 == first.sha256
    n = session.query(AuditEntry).filter_by(object_type="offer", object_id=str(o.id), action="document_issued").count()
    assert n == 1


def test_r_doc_issued_the_same_bytes_at_a_later_transition_are_the_same_document(app, session, make_user, make_org):
    """A statement unchanged between two transitions (the request to return, then closing) is one
    issued document: the later transition's audit entry points to it, nothing is stored twice."""
    officer, org, ngo, contest = _setup(session, make_user, make_org)
    o = submitted(session, contest, ngo, org)
    with app.app_context():
        kw = dict(kind="statement", model=type(o), object_type="offer", object_id=o.id, title="x",
                  make_pdf=lambda: b"%PDF-the same bytes")
        first = dops.issue(session, issuing.store(), ref="request_return", number="S/1", **kw)
        later = dops.issue(session, issuing.store(), ref="close", number="S/1/close", **kw)
    assert later.id == first.id
    assert session.query(IssuedDocument).filter_by(sha256=first.sha256).count() == 1
    refs = [e.payload_data["ref"] for e in session.query(AuditEntry).filter_by(
        object_type="offer", object_id=str(o.id), action="document_issued").order_by(AuditEntry.id)]
    assert refs[-2:] == ["request_return", "close"]


def test_r_doc_issued_verify_by_hash_and_upload(app, client, session, make_user, make_org):
    officer, org, ngo, contest = _setup(session, make_user, make_org)
    o = submitted(session, contest, ngo, org)
    with app.app_context():
        doc = issuing.confirmation(session, o)
        data = issuing.store().get(doc.storage_key)
    page = client.get(f"/verify/{doc.sha256}").get_data(as_text=True)
    assert "Potwierdzenie złożenia oferty" in page and doc.number in page and "bez zmian" in page
    # the QR code points at the offer's content hash: the page names the confirmation issued for it
    page = client.get(f"/verify/{o.revisions[-1].content_hash}").get_data(as_text=True)
    assert doc.sha256 in page
    from io import BytesIO
    ok = client.post(f"/verify/{doc.sha256}", data={"file": (BytesIO(data), "p.pdf")},
                     content_type="multipart/form-data").get_data(as_text=True)
    assert "jest identyczny" in ok
    tampered = bytearray(data)
    tampered[len(tampered) // 2] ^= 1
    bad = client.post(f"/verify/{doc.sha256}", data={"file": (BytesIO(bytes(tampered)), "p.pdf")},
                      content_type="multipart/form-data").get_data(as_text=True)
    assert "NIE jest identyczny" in bad
    assert "Nie znaleziono" in client.get("/verify/" + "0" * 64).get_data(as_text=True)
    r = client.get("/verify/not-a-hash")
    assert r.status_code == 200 and "To nie jest skrót SHA-256" in r.get_data(as_text=True)


def test_r_doc_issued_protocol_and_agreement(app, client, session, world, login):
    w = world()
    from reviewers.models import Commission
    com = session.scalar(select(Commission).where(Commission.contest_id == w.contest.id))
    with app.app_context():
        handlers._protocol({"id": com.id}, "e1")
        handlers._protocol({"id": com.id}, "e2")  # a retried job issues nothing new
    docs = dops.of_object(session, "commission", [com.id])
    assert len(docs) == 1 and docs[0].kind == "protocol"
    audit = session.scalars(select(AuditEntry).where(AuditEntry.object_type == "commission",
                                                     AuditEntry.action == "document_issued")).all()
    assert [json.loads(a.payload)["sha256"] for a in audit] == [docs[0].sha256]
    a = w.draft()
    w.sign(a["id"])
    with app.app_context():
        handlers._agreement({"id": int(a["id"])}, "e3")
    adoc = dops.find(session, "agreement", "agreement", int(a["id"]), "1")
    assert adoc is not None
    login(w.officer)
    r = client.get(f"/agreements/{a['id']}/pdf")
    assert hashlib.sha256(r.data).hexdigest() == adoc.sha256
    r = client.get(f"/commissions/{com.id}/protocol.pdf")
    assert hashlib.sha256(r.data).hexdigest() == docs[0].sha256
    assert "Umowa" in client.get(f"/verify/{adoc.sha256}").get_data(as_text=True)


def test_without_pango_print_pages_work_and_pdf_says_what_to_install(client, session, make_user, make_org, login,
                                                                     monkeypatch):
    from grants.documents import pdf
    monkeypatch.setattr(pdf, "weasyprint", None)
    monkeypatch.setattr(pdf, "_MISSING", "OSError: cannot load library 'libpango-1.0-0'")
    officer, org, ngo, contest = _setup(session, make_user, make_org)
    r = client.get(f"/contests/{contest.id}/pdf")
    assert r.status_code == 503 and "apt-get install -y libpango-1.0-0" in r.get_data(as_text=True)
    assert client.get(f"/contests/{contest.id}/print").status_code == 200


def test_r_doc_issued_confirmation_issued_on_first_download_when_the_job_has_not_run(client, session, make_user,
                                                                                   make_org, login):
    officer, org, ngo, contest = _setup(session, make_user, make_org)
    o = submitted(session, contest, ngo, org)  # no worker: the job has not run
    login(ngo)
    first = client.get(f"/offers/{o.id}/confirmation.pdf")
    second = client.get(f"/offers/{o.id}/confirmation.pdf")
    assert first.status_code == 200 and first.data == second.data  # issued once, then served as stored
    assert session.query(IssuedDocument).filter_by(object_id=str(o.id), kind="confirmation").count() == 1
