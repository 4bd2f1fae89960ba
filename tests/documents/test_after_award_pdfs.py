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
    assert "Wyliczenie pozycja po pozycji" in page and "20000.00" in page
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
