"""Staff are told of their own authority's objects only (issue 22): the finance staff a tranche
tells, and the officers an object of no department (or of a department without officers) tells,
are those of the object's authority, never another authority's."""
from __future__ import annotations

from types import SimpleNamespace

from grants.accounts.operations import create_user
from grants.notifications import audiences
from grants.registry.models import Department, Grantor
from tests.factories import department


def _other_authority(session):
    wie = Grantor(code="WIE", name="Gmina Wieliczka")
    session.add(wie)
    session.add(Department(grantor=wie, code="RSS", name="Referat Spraw Społecznych", fields=["culture"]))
    session.commit()
    return wie


def _staff(session, role, email, *, grantor_code=None, department_code=None):
    user = create_user(session, email=email, password="Haslo-do-testow-123", roles=[role], full_name="Ktoś",
                       grantor_code=grantor_code, department_code=department_code)
    session.commit()
    return user


def _object(**values):
    return SimpleNamespace(__workflow__=SimpleNamespace(object_type="tranche"), **values)


def test_finance_staff_of_the_objects_authority_only(session, make_user):
    krk = department(session).grantor
    wie = _other_authority(session)
    ours = make_user("finance")
    theirs = _staff(session, "finance", "skarbnik@wieliczka.example", grantor_code="WIE")
    assert audiences.resolve(session, audiences.FINANCE_STAFF, _object(grantor_id=krk.id)) == {ours.id}
    assert audiences.resolve(session, audiences.FINANCE_STAFF, _object(grantor_id=wie.id)) == {theirs.id}
    assert audiences.resolve(session, audiences.FINANCE_STAFF, _object(grantor_id=None)) == set()


def test_officers_of_the_authority_when_no_department_names_them(session, make_user):
    bis = department(session)
    wie = _other_authority(session)
    ours = make_user("officer")
    theirs = _staff(session, "officer", "urzednik@wieliczka.example", department_code=None, grantor_code="WIE")
    # an object of no department: its authority's officers
    assert audiences.resolve(session, audiences.OFFICERS, _object(grantor_id=bis.grantor_id)) == {ours.id}
    assert audiences.resolve(session, audiences.OFFICERS, _object(grantor_id=wie.id)) == {theirs.id}
    # a department without officers of its own: its authority's officers, not every authority's
    rss = session.query(Department).filter_by(code="RSS").one()
    assert audiences.resolve(session, audiences.OFFICERS, _object(department_id=rss.id)) == {theirs.id}
    assert audiences.resolve(session, audiences.OFFICERS, _object(department_id=bis.id)) == {ours.id}
