"""One registry, each authority's own notes (issue 22): an officer of Kraków notes something on an
organisation; Kraków's admin reads it; the other authority's officer, the organisation's member and
a visitor never see it, and nobody of no authority may add one."""
from __future__ import annotations

from sqlalchemy import select

from grants.accounts.operations import create_user
from grants.registry import authorities
from grants.registry.models import Department, OrganisationNote
from tests.factories import PASSWORD, make_org, make_user

NOTE = "NOTATKA-KRK-7c1e: rzetelnie rozlicza dotacje"


def test_each_authority_keeps_its_own_notes_on_a_shared_organisation(app, session, login):
    org = make_org(session)
    krk_officer, krk_admin = make_user(session, "officer"), make_user(session, "admin")
    member = make_user(session, "applicant", org=org)
    g = authorities.create(session, None, code="WIE", name="Gmina Wieliczka", teryt="1219063")
    session.add(Department(grantor=g, code="WIE-BIS", name="Referat", fields=[]))
    session.commit()
    wie_officer = make_user(session, "officer", department_code="WIE-BIS")
    wie_admin = create_user(session, email="admin@wie.example.org", password=PASSWORD, roles=["admin"],
                            grantor_code="WIE")
    session.commit()
    c = login(krk_officer, app.test_client())
    assert c.post(f"/organisations/{org.id}/notes", data={"body": NOTE}).status_code == 303
    assert session.scalar(select(OrganisationNote.grantor_id)) == krk_officer.grantor_id
    assert NOTE in login(krk_admin, app.test_client()).get(f"/organisations/{org.id}").get_data(as_text=True)
    for other in (wie_officer, wie_admin, member):
        page = login(other, app.test_client()).get(f"/organisations/{org.id}")
        assert page.status_code == 200 and NOTE not in page.get_data(as_text=True), other.email
    assert NOTE not in app.test_client().get(f"/organisations/{org.id}").get_data(as_text=True)
    assert login(member, app.test_client()).post(f"/organisations/{org.id}/notes",
                                                 data={"body": "x"}).status_code == 404
    assert session.scalar(select(OrganisationNote.id).where(OrganisationNote.body == "x")) is None
