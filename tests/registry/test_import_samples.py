"""Issue 16 "Done when": the sample files (2,000 KRS extracts, a REGON export, three departments'
lists with overlapping, misspelled and invalid rows) leave each real organisation once in the
registry, with the conflicts queued and the invalid rows reported."""
from __future__ import annotations

from sqlalchemy import func, select

from bench.registry_samples import write
from grants.registry import imports, merging, sources
from grants.registry.import_models import DuplicateCandidate
from grants.registry.models import Organisation
from tests.factories import department


def test_sample_files_give_each_organisation_once(session, make_user, tmp_path):
    officer = make_user("officer")
    files = write(tmp_path)
    results = {}
    for kind in ("krs", "regon", "WSS", "WK", "WE"):
        path = files[kind]
        if kind in ("krs", "regon"):
            imp = imports.create(session, officer, kind, path.name, path.read_bytes(), dry_run=False)
        else:
            content = path.read_bytes()
            imp = imports.create(session, officer, "department", path.name, content, dry_run=False,
                                 department_id=department(session, kind).id)
            imp.mapping, imp.status = sources.guess_mapping(sources.table(content, path.name)[0]), "queued"
        session.commit()
        results[kind] = imports.run(session, imp.id)
    assert results["krs"].new == 2000 and results["krs"].errors == 6
    assert results["regon"].matched == 300 and results["regon"].new == 50
    assert all(results[k].errors == 2 for k in ("WSS", "WK", "WE"))
    # a KRS-only row like a REGON-only record (no identifier in common) is created and queued
    assert results["WE"].conflicts == 4
    pairs = session.scalars(select(DuplicateCandidate).where(DuplicateCandidate.status == "open")).all()
    assert len(pairs) == 4
    for pair in pairs:
        merging.merge(session, officer, session.get(Organisation, pair.first_id),
                      session.get(Organisation, pair.second_id), pair)
    session.commit()
    # 2,000 in KRS + 50 only in REGON + 50 only on the WE list; everything else matched
    active = select(Organisation).where(Organisation.merged_into_id.is_(None)).subquery()
    assert session.scalar(select(func.count()).select_from(active)) == 2100
    names = session.scalars(select(func.lower(Organisation.name)).where(Organisation.merged_into_id.is_(None))).all()
    assert len(names) == len(set(names))
    assert not session.scalars(select(DuplicateCandidate).where(DuplicateCandidate.status == "open")).all()
