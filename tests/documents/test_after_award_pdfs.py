"""PDFs of the results, the final report and the settlement statement (explained line by line)."""
from __future__ import annotations

from decimal import Decimal

from tests.after_award.test_settlements import IN_2024, _calculate, _settling

from .test_issued import _pdf_text_ok, pdf_objects


def test_results_report_and_settlement_pdfs(app, client, session, world, login):
    w = world(("40000.00",), moved_to=IN_2024)
    a, s = _settling(w, 0, task_end="2025-11-14", from_grant=[Decimal("18000.00"), Decimal("2000.00")])
    s = _calculate(w, s["id"])
    rep = w.final_report(a["id"])
    c = app.test_client()
    login(w.ngos[0], c)
    r = c.get(f"/reports/{rep['id']}/document.pdf")
    assert r.status_code == 200
    _pdf_text_ok(r.data)
    page = c.get(f"/reports/{rep['id']}/document.html").get_data(as_text=True)
    assert "SPRAWOZDANIE KOŃCOWE" in page and "18 000,00" in page.replace("\xa0", " ")
    r = c.get(f"/settlements/{s['id']}/document.pdf")
    assert r.status_code == 200
    _pdf_text_ok(r.data)
    page = c.get(f"/settlements/{s['id']}/document.html").get_data(as_text=True)
    assert "Wyliczenie pozycja po pozycji" in page and "20 000,00" in page.replace("\xa0", " ")
    assert "20000.00" not in page  # amounts as a reader writes them (issue 14)
    other = app.test_client()
    from tests.factories import make_org, make_user
    login(make_user(session, "applicant", org=make_org(session)), other)
    assert other.get(f"/settlements/{s['id']}/document.pdf").status_code == 404
    assert other.get(f"/reports/{rep['id']}/document.pdf").status_code == 404
    contest = w.contest
    public = app.test_client()
    assert contest.results_published_at is not None  # the decision publishes them (R-RESULTS)
    r = public.get(f"/contests/{contest.id}/results.pdf")
    assert r.status_code == 200 and b"+Doc-Sans" in pdf_objects(r.data)
    assert w.orgs[0].name in public.get(f"/contests/{contest.id}/results.html").get_data(as_text=True)


def test_results_not_public_before_the_decision(client, session, make_user):
    from tests.factories import make_contest
    c = make_contest(session, make_user("officer"))
    assert client.get(f"/contests/{c.id}/results.pdf").status_code == 404


def test_r_doc_issued_settlement_statement_at_the_request_to_return(app, client, session, world):
    import json

    from sqlalchemy import select

    from grants.core.audit import AuditEntry
    from grants.documents import handlers
    from grants.documents import operations as dops
    w = world(("40000.00",), moved_to=IN_2024)
    a, s = _settling(w, 0, task_end="2025-11-14", from_grant=[Decimal("18000.00"), Decimal("2000.00")])
    _calculate(w, s["id"])
    r = w.post(f"/api/v1/settlements/{s['id']}/transitions/request_return", w.hf, {})
    assert r.status_code == 200, r.get_data(as_text=True)
    with app.app_context():
        handlers._settlement({"id": s["id"], "to": "awaiting_return"}, "e1")
        handlers._settlement({"id": s["id"], "to": "awaiting_return"}, "e2")
    docs = dops.of_object(session, "settlement", [int(s["id"])])
    assert [d.ref for d in docs] == ["request_return"]
    entries = session.scalars(select(AuditEntry).where(AuditEntry.object_type == "settlement",
                                                       AuditEntry.action == "document_issued")).all()
    assert [json.loads(e.payload)["sha256"] for e in entries] == [docs[0].sha256]
    assert "Rozliczenie dotacji" in client.get(f"/verify/{docs[0].sha256}").get_data(as_text=True)


def test_partial_report_pdf(app, session, world, login):
    """A partial report (demanded by the officer, R-REP-FINAL) has its PDF and print page, for the
    organisation and the officer, not for another organisation."""
    from datetime import timedelta

    from grants.core import clock
    from tests.factories import make_org, make_user
    w = world(("9000.00",), moved_to="2026-10-01T10:00")
    a = w.draft(0)
    w.sign(a["id"])
    due = (clock.today() + timedelta(days=30)).isoformat()
    p = w.ok(w.post("/api/v1/reports", w.h, {"agreement_id": a["id"], "due_on": due}), 201)
    assert p["kind"] == "partial"
    for person in (w.ngos[0], w.officer):
        c = login(person, app.test_client())
        r = c.get(f"/reports/{p['id']}/document.pdf")
        assert r.status_code == 200 and r.mimetype == "application/pdf"
        _pdf_text_ok(r.data)
        assert "sprawozdanie-" in r.headers["Content-Disposition"] and "partial" in r.headers["Content-Disposition"]
        page = c.get(f"/reports/{p['id']}/document.html").get_data(as_text=True)
        assert "SPRAWOZDANIE CZĘŚCIOWE Z WYKONANIA ZADANIA PUBLICZNEGO" in page and a["number"] in page
    other = login(make_user(session, "applicant", org=make_org(session)), app.test_client())
    assert other.get(f"/reports/{p['id']}/document.pdf").status_code == 404


def test_r_doc_issued_agreement_pdf_carries_its_annexes(app, session, world, login):
    """The agreement issued after an approved annex (a new version) lists its załączniki and the
    annex with what it changed, in words (dates, tranches); its hash verifies on /verify."""
    import json

    from sqlalchemy import select

    from grants.core.audit import AuditEntry
    from grants.documents import handlers
    from grants.documents import operations as dops
    w = world(("9000.00",), moved_to="2026-10-01T10:00")
    a = w.draft(0)
    w.sign(a["id"])
    with app.app_context():
        handlers._agreement({"id": a["id"]}, "sign")
    new_end = a["task_end"][:4] + "-12-15"
    change = {"reason": "Dłuższa realizacja warsztatów", "changes": {"task_end": new_end, "tranches": [
        {"amount": "4500.00", "due_on": a["task_start"]}, {"amount": "4500.00", "due_on": a["task_start"]}]}}
    w.ok(w.post(f"/api/v1/agreements/{a['id']}/annexes", w.hn[0], change), 201)
    w.ok(w.post(f"/api/v1/agreements/{a['id']}/annexes/1/decision", w.h, {"approve": True}))
    with app.app_context():
        handlers._agreement({"id": a["id"]}, "annex")
        handlers._agreement({"id": a["id"]}, "annex-again")  # issued once per version
    docs = dops.of_object(session, "agreement", [int(a["id"])])
    assert sorted(d.ref for d in docs) == ["1", "2"]
    issued = next(d for d in docs if d.ref == "2")
    entries = session.scalars(select(AuditEntry).where(AuditEntry.object_type == "agreement",
                                                       AuditEntry.action == "document_issued")).all()
    assert issued.sha256 in {json.loads(e.payload)["sha256"] for e in entries}
    c = login(w.ngos[0], app.test_client())
    pdf = c.get(f"/agreements/{a['id']}/pdf")
    assert pdf.status_code == 200 and pdf.headers["X-Content-SHA256"] == issued.sha256
    _pdf_text_ok(pdf.data)
    page = c.get(f"/agreements/{a['id']}/print").get_data(as_text=True)
    assert "Załącznik nr 1: oferta nr" in page and "Aneks nr 1 z dnia" in page
    assert "Dłuższa realizacja warsztatów" in page
    annex = page[page.index('<section class="annex">'):]
    assert "15.12." + new_end[:4] in annex and "Koniec realizacji zadania" in annex
    assert "transza 1: 4\u00a0500,00\u00a0zł" in annex and "task_end" not in annex
    verify = app.test_client().get(f"/verify/{issued.sha256}").get_data(as_text=True)
    assert "Umowa o wsparcie realizacji zadania publicznego" in verify and "bez zmian" in verify
