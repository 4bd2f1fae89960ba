"""A large document made by a dramatiq job: the page shows progress, then offers the download."""
from __future__ import annotations

from grants.documents.models import DocumentJob
from tests.factories import make_contest
from tests.offers.support import submitted


def test_offer_pdf_in_the_background_with_progress(app, client, session, make_user, make_org, login, worker,
                                                   stub_broker):
    officer, org = make_user("officer"), make_org()
    ngo = make_user("applicant", org=org)
    o = submitted(session, make_contest(session, officer), ngo, org)
    login(ngo)
    r = client.post(f"/offers/{o.id}/pdf/background")
    assert r.status_code == 303
    job_url = r.headers["Location"]
    stub_broker.join("grants", fail_fast=True)
    worker.join()
    session.expire_all()
    page = client.get(job_url).get_data(as_text=True)
    assert "Dokument jest gotowy" in page and "Pobierz PDF" in page
    status = client.get(job_url + ".json").get_json()
    assert status["status"] == "done" and status["progress"] == 100 and status["pages"] >= 1
    pdf = client.get(status["download"])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    other = app.test_client()
    login(officer, other)
    assert other.get(job_url).status_code == 404  # the job is the requester's own


def test_progress_page_while_running(app, client, session, make_user, make_org, login):
    officer, org = make_user("officer"), make_org()
    ngo = make_user("applicant", org=org)
    o = submitted(session, make_contest(session, officer), ngo, org)
    from grants.core import clock
    session.add(DocumentJob(id="a" * 32, kind="offer", object_id=o.id, user_id=ngo.id, status="running", progress=30,
                            step="layout", created_at=clock.real_now()))
    session.commit()
    login(ngo)
    page = client.get("/documents/jobs/" + "a" * 32).get_data(as_text=True)
    assert 'value="30"' in page and "układ stron" in page and 'http-equiv="refresh"' in page


def _run_job(client, url, stub_broker, worker, session) -> dict:
    r = client.post(url)
    assert r.status_code == 303, r.get_data(as_text=True)
    job_url = r.headers["Location"]
    stub_broker.join("grants", fail_fast=True)
    worker.join()
    session.expire_all()
    page = client.get(job_url).get_data(as_text=True)
    assert "Dokument jest gotowy" in page and "Pobierz PDF" in page
    status = client.get(job_url + ".json").get_json()
    assert status["status"] == "done" and status["progress"] == 100 and status["pages"] >= 1
    pdf = client.get(status["download"])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    return {"job": job_url, **status}


def test_protocol_and_settlement_in_the_background(app, session, world, login, worker, stub_broker):
    """Beyond the offer: the commission's protocol with its ranking and the settlement statement are
    made by the job too (progress, then the download); only those who see the whole document ask."""
    from decimal import Decimal

    from sqlalchemy import select

    from reviewers.models import Commission
    from tests.after_award.test_settlements import IN_2024, _calculate, _settling
    w = world(("40000.00",), moved_to=IN_2024)
    com = session.scalar(select(Commission).where(Commission.contest_id == w.contest.id))
    staff = login(w.officer, app.test_client())
    assert 'action="/commissions/%d/protocol/background"' % com.id in staff.get(f"/commissions/{com.id}").get_data(as_text=True)
    _run_job(staff, f"/commissions/{com.id}/protocol/background", stub_broker, worker, session)
    ngo = login(w.ngos[0], app.test_client())
    assert ngo.post(f"/commissions/{com.id}/protocol/background").status_code == 404  # not theirs to see whole
    a, s = _settling(w, 0, task_end="2025-11-14", from_grant=[Decimal("18000.00"), Decimal("2000.00")])
    s = _calculate(w, s["id"])
    job = _run_job(ngo, f"/settlements/{s['id']}/document/background", stub_broker, worker, session)
    assert staff.get(job["job"]).status_code == 404  # the job is the requester's own
