"""Attachments: the contest's rules, uploads checked by content, submission refused while a required
one is missing, frozen with the submitted offer, downloads only for those who see the offer."""
from __future__ import annotations

from io import BytesIO

from sqlalchemy import func, select

from grants.documents import attachments as aops
from grants.documents import files
from grants.documents.models import Attachment
from grants.offers import operations as oops
from grants.offers.models import Offer
from tests.factories import make_contest, offer_content

from .support import ELF, PDF, PNG, docx, odt


def _contest_with_rules(session, officer, rules):
    c = make_contest(session, officer, publish=False)
    aops.set_rules(session, officer, c, rules)
    from grants.contests import operations as cops
    cops.transition(session, c, "publish", officer)
    return c


def _draft(session, contest, ngo, org):
    o = oops.create(session, ngo, contest, org.id)
    oops.save_sections(session, o, ngo, offer_content(contest))
    session.commit()
    return o


def _upload(client, o, kind, data, name, owner="offer"):
    return client.post(f"/{owner}/{o.id}/attachments", data={"kind": kind, "file": (BytesIO(data), name)},
                       content_type="multipart/form-data", follow_redirects=True)


def _count(session, o) -> int:
    return session.scalar(select(func.count()).select_from(Attachment).where(Attachment.owner_id == o.id))


def test_sniff_by_content_not_name():
    assert files.sniff(PDF) == "application/pdf"
    assert files.sniff(PNG) == "image/png"
    assert files.sniff(b"\xff\xd8\xff\xe0" + b"\x00" * 64) == "image/jpeg"
    assert files.sniff(docx()).endswith("wordprocessingml.document")
    assert files.sniff(odt()) == "application/vnd.oasis.opendocument.text"
    assert files.sniff(ELF) is None and files.sniff(b"MZ\x90\x00" + b"\x00" * 64) is None
    assert files.safe_name("Statut stowarzyszenia (2024).PDF", "application/pdf") == "Statut stowarzyszenia _2024.pdf"
    assert files.safe_name("zdjęcie.jpeg.exe", "image/png") == "zdjęcie_jpeg.png"


def test_statute_and_letter_then_submit_refused_without_required(client, session, make_user, make_org, login):
    officer, org = make_user("officer"), make_org()
    ngo = make_user("applicant", org=org)
    contest = _contest_with_rules(session, officer, {"statute": ("required", 5), "partnership_letter": ("allowed", 5),
                                                     "signed_confirmation": ("allowed", 5)})
    o = _draft(session, contest, ngo, org)
    login(ngo)
    r = client.post(f"/offers/{o.id}/transitions/submit", data={"version": o.version}, follow_redirects=True)
    assert "Brakuje wymaganego załącznika: Statut organizacji" in r.get_data(as_text=True)
    o = session.get(Offer, o.id)
    assert o.state == "draft"
    page = _upload(client, o, "statute", PDF, "statut.pdf").get_data(as_text=True)
    assert "Dodano załącznik" in page and "statut.pdf" in page
    assert "Dodano załącznik" in _upload(client, o, "partnership_letter", PNG, "list.png").get_data(as_text=True)
    assert "nie przewiduje" in _upload(client, o, "other", PDF, "inny.pdf").get_data(as_text=True)
    o = session.get(Offer, o.id)
    oops.transition(session, o, "submit", ngo)
    assert o.state == "submitted"
    page = _upload(client, o, "statute", PDF + b" ", "statut2.pdf").get_data(as_text=True)
    assert "zamrożone" in page and _count(session, o) == 2
    a = session.scalar(select(Attachment).where(Attachment.owner_id == o.id, Attachment.kind == "statute"))
    r = client.post(f"/offer/{o.id}/attachments/{a.id}/delete", follow_redirects=True)
    assert "zamrożone" in r.get_data(as_text=True) and _count(session, o) == 2
    r = client.get(f"/attachments/{a.id}")
    assert r.status_code == 200 and r.data == PDF and "statut.pdf" in r.headers["Content-Disposition"]


def test_bad_files_refused_with_clear_messages(client, session, make_user, make_org, login):
    officer, org = make_user("officer"), make_org()
    ngo = make_user("applicant", org=org)
    contest = _contest_with_rules(session, officer, {"statute": ("allowed", 10)})
    o = _draft(session, contest, ngo, org)
    login(ngo)
    big = PDF + b"0" * (60 * 1024 * 1024)
    r = _upload(client, o, "statute", big, "statut.pdf")
    text = r.get_data(as_text=True)
    assert r.status_code in (200, 413) and ("za duży" in text.lower() or "zbyt duże" in text)
    assert "nie jest dopuszczony" in _upload(client, o, "statute", ELF, "statut.pdf").get_data(as_text=True)
    assert "ścieżki" in _upload(client, o, "statute", PDF, "../../etc/passwd.pdf").get_data(as_text=True)
    assert "ścieżki" in _upload(client, o, "statute", PDF, "..\\..\\boot.ini.pdf").get_data(as_text=True)
    assert _count(session, o) == 0


def test_size_limit_of_the_contest(session, make_user, make_org, app):
    officer, org = make_user("officer"), make_org()
    ngo = make_user("applicant", org=org)
    contest = _contest_with_rules(session, officer, {"statute": ("allowed", 1)})
    o = _draft(session, contest, ngo, org)
    import pytest
    from grants.documents.issuing import store
    with app.app_context(), pytest.raises(files.FileRefused, match="za duży: 1,5 MB, a dopuszczalne jest 1 MB"):
        aops.upload(session, store(), ngo, o, "statute", PDF + b"0" * (1536 * 1024), "s.pdf")


def test_downloads_follow_the_offer_visibility(client, app, session, make_user, make_org, login):
    officer, org = make_user("officer"), make_org()
    ngo = make_user("applicant", org=org)
    contest = _contest_with_rules(session, officer, {"statute": ("allowed", 5)})
    o = _draft(session, contest, ngo, org)
    login(ngo)
    _upload(client, o, "statute", PDF, "statut.pdf")
    a = session.scalar(select(Attachment).where(Attachment.owner_id == o.id))
    other = app.test_client()
    login(make_user("applicant", org=make_org()), other)
    assert other.get(f"/attachments/{a.id}").status_code == 404
    assert other.get(f"/offer/{o.id}/attachments").status_code == 404
    staff = app.test_client()
    login(officer, staff)
    assert staff.get(f"/attachments/{a.id}").status_code == 404  # a draft: not even the officer
    assert app.test_client().get(f"/attachments/{a.id}").status_code in (302, 401)  # the public never
    o = session.get(Offer, o.id)
    oops.transition(session, o, "submit", ngo)
    assert staff.get(f"/attachments/{a.id}").status_code == 200


def test_commission_member_only_for_offers_they_score(client, app, session, world, login, make_user):
    from grants.documents.issuing import store
    w = world(grants=("9000.00", "8000.00"))
    o1, o2 = w.offers
    with app.app_context():
        a = Attachment(owner_type="offer", owner_id=o1.id, kind="statute", filename="s.pdf", content_type="application/pdf",
                       size=len(PDF), sha256=store().put(PDF), storage_key=store().put(PDF),
                       uploaded_at=o1.submitted_at)
        session.add(a)
        session.commit()
    member = app.test_client()
    login(w.officer2, member)  # sits on the commission of this contest
    assert member.get(f"/attachments/{a.id}").status_code == 200
    outsider = app.test_client()
    login(make_user("commission_member"), outsider)
    assert outsider.get(f"/attachments/{a.id}").status_code == 404


def test_contest_rules_page(client, app, session, make_user, login):
    officer = make_user("officer")
    c = make_contest(session, officer, publish=False)
    login(officer)
    r = client.post(f"/contests/{c.id}/attachments", data={"mode.statute": "required", "max.statute": "2,5",
                                                           "mode.other": "allowed", "max.other": "x"},
                    follow_redirects=True)
    assert "musi być liczbą megabajtów" in r.get_data(as_text=True)
    r = client.post(f"/contests/{c.id}/attachments", data={"mode.statute": "required", "max.statute": "2,5",
                                                           "mode.other": "allowed", "max.other": "3"},
                    follow_redirects=True)
    assert "Zapisano" in r.get_data(as_text=True)
    rules = aops.rules_of(session, c)
    assert rules["statute"].required and rules["statute"].max_bytes == int(2.5 * 1048576) and set(rules) == {"statute", "other"}
    other_dept = app.test_client()
    login(make_user("officer", department_code="ZDR"), other_dept)
    assert other_dept.post(f"/contests/{c.id}/attachments", data={"mode.statute": "no"}).status_code in (403, 404)
