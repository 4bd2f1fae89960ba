"""The import pages (issue 16): upload, column mapping, progress, report XLSX, duplicates queue."""
from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from grants.registry import samples
from grants.registry.import_models import DuplicateCandidate, RegistryImport
from grants.registry.models import Organisation
from tests.factories import department


def _wait(stub_broker, worker):
    stub_broker.join("grants")
    worker.join()


def test_officer_imports_a_department_list_through_the_page(app, session, make_user, login, worker, stub_broker):
    officer = make_user("officer")
    dept = department(session, "WSS")
    client = login(officer, app.test_client())
    orgs = samples.organisations(6)
    content = samples.department_xlsx(samples.department_rows(orgs, seed=1, misspell=0, invalid=2))
    r = client.post("/registry/imports", data={"kind": "department", "department": str(dept.id), "dry_run": "y",
                                               "file": (io.BytesIO(content), "lista.xlsx")},
                    content_type="multipart/form-data")
    assert r.status_code == 302 and "/mapping" in r.location
    page = client.get(r.location).get_data(as_text=True)
    assert 'name="col_name"' in page and "Nazwa organizacji" in page
    form = {"dry_run": "y", "col_name": "Nazwa organizacji", "col_krs": "Nr KRS", "col_nip": "NIP",
            "col_email": "E-mail", "col_fields": "Sfera", "col_district": "Dzielnica", "col_address": "Adres"}
    r = client.post(r.location, data=form)
    assert r.status_code == 302
    _wait(stub_broker, worker)
    page = client.get(r.location).get_data(as_text=True)
    assert "<progress" in page and 'id="new">6<' in page and 'id="errors">2<' in page
    assert session.scalar(select(func.count()).select_from(Organisation)) == 0  # the dry run changed nothing
    r = client.post(r.location, data={"dry_run": "0"})
    _wait(stub_broker, worker)
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Organisation)) == 6
    imp = session.scalar(select(RegistryImport))
    xlsx = client.get(f"/registry/imports/{imp.id}/report.xlsx")
    ws = load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "Wiersz" and len(rows) == 9 and "Nieprawidłowy NIP" in rows[-1][4]


def test_upload_of_nothing_is_a_polish_message_not_a_500(app, session, make_user, login):
    client = login(make_user("officer"), app.test_client())
    r = client.post("/registry/imports", data={"kind": "krs", "file": (io.BytesIO(b""), "x.json")},
                    content_type="multipart/form-data")
    assert r.status_code == 422 and "Plik jest pusty" in r.get_data(as_text=True)


def test_applicants_and_anonymous_do_not_see_imports(app, session, make_user, login):
    assert app.test_client().get("/registry/imports").status_code in (302, 401)
    assert login(make_user("applicant"), app.test_client()).get("/registry/duplicates").status_code == 403


def test_officer_merges_a_queued_pair_and_the_merged_record_redirects(app, session, make_user, make_org, login):
    from grants.core import clock
    officer = make_user("officer")
    a, b = make_org("Fundacja Nowa"), make_org("Fundacja „Nowa”")
    pair = DuplicateCandidate(first_id=a.id, second_id=b.id, score=91, created_at=clock.real_now())
    session.add(pair)
    session.commit()
    client = login(officer, app.test_client())
    assert "Fundacja „Nowa”" in client.get("/registry/duplicates").get_data(as_text=True)
    r = client.post(f"/registry/duplicates/{pair.id}", data={"action": "keep_first"})
    assert r.status_code == 302
    session.expire_all()
    assert session.get(Organisation, b.id).merged_into_id == a.id
    r = client.get(f"/organisations/{b.id}")
    assert r.status_code == 301 and r.location.endswith(f"/organisations/{a.id}")
    assert "Fundacja „Nowa”" not in client.get("/organisations/").get_data(as_text=True)
