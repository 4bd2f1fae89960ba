"""Imports into the one registry (issue 16): KRS extracts, REGON exports and departments' lists,
dry run first, bad rows reported and nothing changed, a re-run changes nothing, duplicates queued."""
from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy import func, select

from grants.core.audit import AuditEntry
from grants.registry import imports, samples
from grants.registry.import_models import DuplicateCandidate, OrganisationSource, RegistryImport
from grants.registry.models import Organisation
from tests.factories import department


def _count(session, model):
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def _run(session, officer, kind, filename, content, dry_run=False, batch=imports.BATCH, **kw):
    imp = imports.create(session, officer, kind, filename, content, dry_run=dry_run, **kw)
    session.commit()
    return imports.run(session, imp.id, batch=batch)


def test_krs_dump_dry_run_changes_nothing_then_imports_and_a_rerun_changes_nothing(session, make_user):
    officer = make_user("officer")
    orgs = samples.organisations(30)
    content = samples.krs_jsonl(orgs, bad=3)
    imp = _run(session, officer, "krs", "krs.jsonl", content, dry_run=True)
    assert (imp.status, imp.rows_read, imp.new, imp.errors) == ("done", 33, 30, 3)
    assert _count(session, Organisation) == 0 and _count(session, OrganisationSource) == 0
    imp = _run(session, officer, "krs", "krs.jsonl", content)
    assert (imp.new, imp.matched, imp.errors) == (30, 0, 3)
    assert _count(session, Organisation) == 30
    org = session.scalar(select(Organisation).where(Organisation.krs == orgs[0]["krs"]))
    assert org.nip == orgs[0]["nip"] and org.regon == orgs[0]["regon"] and org.legal_form in ("foundation", "association")
    src = session.scalar(select(OrganisationSource).where(OrganisationSource.organisation_id == org.id))
    assert src.kind == "krs" and src.as_of == "2026-12-01"
    audits = _count(session, AuditEntry)
    again = _run(session, officer, "krs", "krs.jsonl", content)
    assert (again.new, again.matched, again.conflicts, again.errors) == (0, 30, 0, 3)
    assert _count(session, Organisation) == 30 and _count(session, OrganisationSource) == 30
    assert _count(session, AuditEntry) == audits + 1  # the run's own entry only


def test_bad_rows_are_reported_with_their_number_and_reason(session, make_user):
    officer = make_user("officer")
    imp = _run(session, officer, "krs", "krs.jsonl", samples.krs_jsonl(samples.organisations(2), bad=3) + b"{oops\n")
    errors = {n: reason for n, outcome, _oid, _name, reason in imp.report if outcome == "error"}
    assert "Nieprawidłowy NIP" in errors[3] and "Brak nazwy" in errors[4] and "Nieczytelna data" in errors[5]
    assert "JSON" in errors[6]
    assert _count(session, Organisation) == 2


def test_new_records_keep_every_character_and_their_own_sources(session, make_user):
    # PostgreSQL inserts through COPY with ids drawn beforehand: tabs, backslashes, newlines and
    # quotes survive, JSON stays JSON, and each source points at its own record
    officer = make_user("officer")
    orgs = samples.organisations(5)
    orgs[0] = dict(orgs[0], name='Fundacja „Tab\tSlash\\N\\nQuote\'"\'\nnr 1', street="Nowa\\Huta")
    imp = _run(session, officer, "krs", "krs.jsonl", samples.krs_jsonl(orgs), batch=2)
    assert imp.new == 5
    org = session.scalar(select(Organisation).where(Organisation.krs == orgs[0]["krs"]))
    assert org.name == orgs[0]["name"].upper() and "\\" in org.address and org.fields == []
    for o in orgs:
        src = session.scalar(select(OrganisationSource).join(Organisation).where(Organisation.krs == o["krs"]))
        assert src.source_key == o["krs"] and src.data["nip"] == o["nip"] and src.data["opp"] is False
    dept = department(session, "WSS")
    content = samples.department_csv([[o["name"], o["krs"], "", "", "kultura", "", ""] for o in orgs[:2]]
                                     + [["Fundacja Nowa\tLinia", "", samples.nip(555000007), "a@example.org", "sport", "", ""]])
    imp = imports.create(session, officer, "department", "l.csv", content, department_id=dept.id, dry_run=False,
                         mapping={"name": "Nazwa organizacji", "krs": "Nr KRS", "nip": "NIP", "email": "E-mail",
                                  "fields": "Sfera"})
    session.commit()
    imp = imports.run(session, imp.id)
    assert (imp.matched, imp.new) == (2, 1), imp.report
    fresh = session.scalar(select(Organisation).where(Organisation.nip == samples.nip(555000007)))
    assert fresh.name == "Fundacja Nowa\tLinia" and fresh.fields and fresh.email == "a@example.org"


def test_krs_single_file_and_zip_folder(session, make_user):
    officer = make_user("officer")
    orgs = samples.organisations(4)
    one = json.dumps(samples.krs_extract(orgs[0])).encode()
    assert _run(session, officer, "krs", "0000100001.json", one).new == 1
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for o in orgs:
            zf.writestr(f"odpisy/{o['krs']}.json", json.dumps(samples.krs_extract(o)))
    imp = _run(session, officer, "krs", "odpisy.zip", buf.getvalue())
    assert (imp.new, imp.matched) == (3, 1)


def test_regon_export_matches_by_regon_and_nip_and_keeps_its_dates(session, make_user):
    officer = make_user("officer")
    orgs = samples.organisations(5)
    _run(session, officer, "krs", "krs.jsonl", samples.krs_jsonl(orgs[:3]))
    imp = _run(session, officer, "regon", "bir.xml", samples.regon_xml(orgs))
    assert (imp.matched, imp.new, imp.errors) == (3, 2, 0)
    src = session.scalar(select(OrganisationSource).where(OrganisationSource.kind == "regon"))
    assert src.data["pkd"] == "9499Z" and src.data["started"] == "2015-03-01"
    csv_export = ("Regon;Nip;Nazwa;Ulica;KodPocztowy;Miejscowosc;DataZakonczeniaDzialalnosci\n"
                  f"{orgs[0]['regon']};{orgs[0]['nip']};{orgs[0]['name']};Długa 1;30-001;Kraków;\n"
                  "123456786;;Zła suma;;;;\n"
                  f"{orgs[1]['regon']};;Nazwa;;;;32.13.2020\n").encode()
    imp = _run(session, officer, "regon", "bir.csv", csv_export)
    assert (imp.matched, imp.errors) == (1, 2)
    assert "Nieprawidłowy REGON" in imp.report[1][4] and "Nieczytelna data" in imp.report[2][4]


def test_xml_with_entities_is_refused(session, make_user):
    officer = make_user("officer")
    bomb = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><root><dane><Regon>&a;</Regon></dane></root>'
    imp = _run(session, officer, "regon", "x.xml", bomb)
    assert imp.errors == 1 and _count(session, Organisation) == 0


def test_three_departments_lists_overlap_each_organisation_exists_once_conflicts_queued(session, make_user):
    officer = make_user("officer")
    orgs = samples.organisations(40)
    _run(session, officer, "krs", "krs.jsonl", samples.krs_jsonl(orgs[:30]))
    for code, part, fmt in (("WSS", orgs[0:15], "csv"), ("WK", orgs[10:25], "xlsx"), ("WE", orgs[20:40], "csv")):
        dept = department(session, code)
        rows = samples.department_rows(part, seed=len(code))
        content = samples.department_csv(rows) if fmt == "csv" else samples.department_xlsx(rows)
        imp = imports.create(session, officer, "department", f"{code}.{fmt}", content, department_id=dept.id)
        assert imp.status == "mapping"
        header, _ = imports.sources.table(content, imp.filename)
        imports.set_mapping(session, officer, imp, imports.sources.guess_mapping(header), dry_run=False)
        session.commit()
        imp = imports.run(session, imp.id)
        assert imp.errors == 2, imp.report
    # 30 from KRS + 10 only on the WE list (with KRS or NIP); the rows typed without identifiers matched
    assert _count(session, Organisation) == 40
    names = session.scalars(select(Organisation.name)).all()
    assert len(set(n.lower() for n in names)) == 40
    sources_of_first = session.scalars(select(OrganisationSource.label).join(Organisation).where(
        Organisation.krs == orgs[0]["krs"])).all()
    assert sorted(sources_of_first) == ["KRS", "WSS"]


def test_similar_new_organisation_is_queued_as_a_conflict(session, make_user):
    officer = make_user("officer")
    orgs = samples.organisations(2)
    _run(session, officer, "krs", "krs.jsonl", samples.krs_jsonl([dict(orgs[0], nip="")]))  # KRS without NIP
    twin = dict(orgs[0], krs="", nip=orgs[1]["nip"])  # same name and address, a NIP, no KRS
    dept = department(session, "WSS")
    content = samples.department_csv([[twin["name"], "", twin["nip"], "", "", "", f"ul. {twin['street']} {twin['house']}"]])
    imp = imports.create(session, officer, "department", "l.csv", content, department_id=dept.id, dry_run=False,
                         mapping={"name": "Nazwa organizacji", "nip": "NIP", "address": "Adres"})
    session.commit()
    imp = imports.run(session, imp.id)
    assert imp.conflicts == 1
    pair = session.scalar(select(DuplicateCandidate))
    assert pair.status == "open" and pair.score >= 80


def test_two_records_with_different_krs_are_never_candidates(session, make_user):
    officer = make_user("officer")
    o = samples.organisations(1)[0]
    twin = dict(o, krs="0000999999", nip=samples.nip(555555555), regon=samples.regon(55555555))
    _run(session, officer, "krs", "k.jsonl", samples.krs_jsonl([o, twin]))
    assert _count(session, Organisation) == 2 and _count(session, DuplicateCandidate) == 0
    clash = dict(o, krs="0000888888", nip=samples.nip(444444444))  # REGON of `o`, another KRS
    imp = _run(session, officer, "krs", "k2.jsonl", samples.krs_jsonl([clash]))
    assert imp.conflicts == 1 and "sprzeczne" in imp.report[0][4] and _count(session, Organisation) == 2


def test_only_staff_import(session, make_user):
    import pytest
    from grants.core.permissions import PermissionDenied
    with pytest.raises(PermissionDenied):
        imports.create(session, make_user("applicant"), "krs", "k.json", b"{}")


def test_import_runs_as_a_job(session, make_user, worker, stub_broker):
    from grants.registry.tasks import run_registry_import
    officer = make_user("officer")
    imp = imports.create(session, officer, "krs", "k.jsonl", samples.krs_jsonl(samples.organisations(3)), dry_run=False)
    session.commit()
    run_registry_import.send(imp.id)
    stub_broker.join("grants")
    worker.join()
    session.expire_all()
    assert session.get(RegistryImport, imp.id).status == "done" and _count(session, Organisation) == 3


def test_a_krs_extract_like_a_record_without_krs_is_queued(session, make_user):
    officer = make_user("officer")
    o = samples.organisations(1)[0]
    dept = department(session, "WSS")
    content = samples.department_csv([[o["name"], "", samples.nip(777777777), "", "", "",
                                       f"ul. {o['street']} {o['house']}, {o['postcode']} Kraków"]])
    imp = imports.create(session, officer, "department", "l.csv", content, department_id=dept.id, dry_run=False,
                         mapping={"name": "Nazwa organizacji", "nip": "NIP", "address": "Adres"})
    session.commit()
    assert imports.run(session, imp.id).new == 1
    imp = _run(session, officer, "krs", "k.jsonl", samples.krs_jsonl([dict(o, nip="")]))
    assert imp.conflicts == 1 and _count(session, DuplicateCandidate) == 1
