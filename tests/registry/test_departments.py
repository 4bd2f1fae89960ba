"""Art. 12 initiatives and art. 19a small grants belong to a department, chosen at submission from
the field (grants.registry.departments); officers see, assess and award only their department's,
admins all and reassign them (page and API). Reproduces the finding of issue 21 ("any officer may
assess or award them")."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from grants.core import clock, db
from grants.initiatives import operations as iops
from grants.initiatives.models import Initiative
from grants.programmes.models import Programme
from grants.registry import departments
from grants.registry.models import Department
from grants.small_grants import operations as gops
from grants.small_grants.models import SmallGrant
from grants.workflows.base import SYSTEM, apply_transition
from tests.factories import department

DESCRIPTION = "Zadanie z opisem odbiorców, działań i rezultatów, złożone z własnej inicjatywy."


def _get(model, pk):
    with Session(db.get_engine()) as s:
        return s.get(model, pk)


@pytest.fixture
def city(session, make_user, make_org):
    """BIS handles local communities, KD culture; an officer in each, an admin, an NGO."""
    bis, kd = department(session, "BIS"), department(session, "KD")
    bis.fields, kd.fields = ["local_communities"], ["culture", "national_tradition"]
    session.commit()
    org = make_org()
    org.fields = ["local_communities"]
    session.commit()
    return {"bis": bis, "kd": kd, "org": org, "ngo": make_user("applicant", org=org),
            "bis_officer": make_user("officer", department_code="BIS"),
            "kd_officer": make_user("officer", department_code="KD"), "admin": make_user("admin")}


def _initiative(session, city, field):
    o = iops.submit(session, city["ngo"], city["org"].id, {"title": "Festiwal", "description": DESCRIPTION,
                                                           "field": field, "estimated_cost": Decimal("1000.00")})
    session.commit()
    return o


def test_department_chosen_from_the_field_then_the_organisations_fields(session, city):
    assert departments.for_field(session, "culture").code == "KD"
    assert departments.for_field(session, "sport") is None
    assert _initiative(session, city, "culture").department_id == city["kd"].id
    # no field, or one no department handles: the organisation's fields (local_communities: BIS)
    assert _initiative(session, city, None).department_id == city["bis"].id
    assert _initiative(session, city, "sport").department_id == city["bis"].id
    city["org"].fields = ["sport"]
    session.commit()
    assert _initiative(session, city, "sport").department_id is None  # the admins' until assigned


def test_initiative_officer_of_another_department_gets_404_and_nothing_changes(app, client, session, city, login,
                                                                               api_token):
    o = _initiative(session, city, "culture")  # KD's
    h = api_token(city["bis_officer"])
    assert client.get(f"/api/v1/initiatives/{o.id}", headers=h).status_code == 404
    assert client.get("/api/v1/initiatives", headers=h).get_json()["total"] == 0
    assert client.post(f"/api/v1/initiatives/{o.id}/transitions/start_assessment", headers=h).status_code == 404
    c = login(city["bis_officer"], app.test_client())
    assert c.get(f"/initiatives/{o.id}").status_code == 404
    assert c.post(f"/initiatives/{o.id}/transitions/start_assessment", data={"version": "1"}).status_code == 404
    assert "Festiwal" not in c.get("/").get_data(as_text=True)
    assert _get(Initiative, o.id).state == "submitted"
    # the department's officer assesses it
    r = client.post(f"/api/v1/initiatives/{o.id}/transitions/start_assessment", headers=api_token(city["kd_officer"]))
    assert r.status_code == 200 and r.get_json()["state"] == "under_assessment"


def test_initiative_without_department_is_the_admins(client, session, city, api_token):
    city["org"].fields = []
    session.commit()
    o = _initiative(session, city, None)
    assert o.department_id is None
    for officer in (city["bis_officer"], city["kd_officer"]):
        assert client.get(f"/api/v1/initiatives/{o.id}", headers=api_token(officer)).status_code == 404
    got = client.get(f"/api/v1/initiatives/{o.id}", headers=api_token(city["admin"]))
    assert got.status_code == 200 and got.get_json()["department_id"] is None


def test_admin_reassigns_an_initiative_through_the_api_others_cannot(client, session, city, api_token):
    o = _initiative(session, city, "culture")
    r = client.patch(f"/api/v1/initiatives/{o.id}", headers=api_token(city["kd_officer"]),
                     json={"department_id": str(city["bis"].id)})
    assert r.status_code == 403
    r = client.patch(f"/api/v1/initiatives/{o.id}", headers=api_token(city["admin"]), json={"department_id": "99999"})
    assert r.status_code == 422
    assert _get(Initiative, o.id).department_id == city["kd"].id
    r = client.patch(f"/api/v1/initiatives/{o.id}", headers=api_token(city["admin"]),
                     json={"department_id": str(city["bis"].id)})
    assert r.status_code == 200 and r.get_json()["department_id"] == str(city["bis"].id)
    assert client.get(f"/api/v1/initiatives/{o.id}", headers=api_token(city["bis_officer"])).status_code == 200
    assert client.get(f"/api/v1/initiatives/{o.id}", headers=api_token(city["kd_officer"])).status_code == 404


def test_admin_reassigns_an_initiative_through_the_page(app, session, city, login):
    o = _initiative(session, city, "culture")
    page = login(city["admin"], app.test_client())
    assert "Przypisz do wydziału" in page.get(f"/initiatives/{o.id}").get_data(as_text=True)
    r = page.post(f"/initiatives/{o.id}/department", data={"department_id": str(city["bis"].id)})
    assert r.status_code == 303
    assert _get(Initiative, o.id).department_id == city["bis"].id
    other = login(city["bis_officer"], app.test_client())
    assert other.post(f"/initiatives/{o.id}/department", data={"department_id": str(city["kd"].id)}).status_code == 403
    assert _get(Initiative, o.id).department_id == city["bis"].id


def _small_grant(session, city, field):
    g, _w = gops.submit(session, city["ngo"], city["org"].id, {
        "title": "Koncert", "amount": Decimal("5000.00"), "field": field,
        "task_start": date(2027, 5, 1), "task_end": date(2027, 6, 30)})
    session.commit()
    return g


def test_small_grant_officer_of_another_department_cannot_publish_or_award(app, client, session, city, api_token,
                                                                           login, clock_at):
    clock_at("2027-03-01T10:00")
    session.add(Programme(grantor_id=city["kd"].grantor_id, year=2027, title="Program 2027", priorities="", commission_rules="",
                          planned_funds={"culture": "1000000.00"}, adopted_on=date(2026, 11, 20), created_at=clock.now()))
    session.commit()
    g = _small_grant(session, city, "culture")
    assert g.department_id == city["kd"].id
    h = api_token(city["bis_officer"])
    # before publication it is not public: 404 for the other department
    assert client.get(f"/api/v1/small-grants/{g.id}", headers=h).status_code == 404
    assert client.post(f"/api/v1/small-grants/{g.id}/transitions/publish", headers=h).status_code == 404
    assert _get(SmallGrant, g.id).state == "submitted"
    hk = api_token(city["kd_officer"])
    assert client.post(f"/api/v1/small-grants/{g.id}/transitions/publish", headers=hk).status_code == 200
    with Session(db.get_engine()) as s:
        apply_transition(s, s.get(SmallGrant, g.id), "close_comments", SYSTEM)
    # public now, but awarding is the department's
    got = client.get(f"/api/v1/small-grants/{g.id}", headers=h).get_json()
    award = [t for t in got["transitions"] if t["name"] == "award"][0]
    assert not award["allowed"]
    assert client.post(f"/api/v1/small-grants/{g.id}/transitions/award", headers=h).status_code == 403
    c = login(city["bis_officer"], app.test_client())
    assert c.post(f"/small-grants/{g.id}/transitions/award", data={"version": str(got["version"])}).status_code in (403, 303)
    assert _get(SmallGrant, g.id).state == "comments_closed"
    r = client.post(f"/api/v1/small-grants/{g.id}/transitions/award", headers=hk)
    assert r.status_code == 200 and r.get_json()["state"] == "awarded"


def test_small_grant_admin_reassigns_through_page_and_api(app, client, session, city, api_token, login, clock_at):
    clock_at("2027-03-01T10:00")
    g = _small_grant(session, city, "culture")
    r = client.patch(f"/api/v1/small-grants/{g.id}", headers=api_token(city["admin"]),
                     json={"department_id": str(city["bis"].id)})
    assert r.status_code == 200 and r.get_json()["department_id"] == str(city["bis"].id)
    assert client.patch(f"/api/v1/small-grants/{g.id}", headers=api_token(city["bis_officer"]),
                        json={"department_id": None}).status_code == 403
    page = login(city["admin"], app.test_client())
    assert page.post(f"/small-grants/{g.id}/department", data={"department_id": ""}).status_code == 303
    assert _get(SmallGrant, g.id).department_id is None


def test_demo_departments_handle_fields_and_demo_offers_have_departments(app, session):
    from grants.demo import seed
    seed()
    with Session(db.get_engine()) as s:
        assert all(d.fields for d in s.scalars(select(Department)))
        assert s.scalars(select(Initiative)).all() and all(o.department_id for o in s.scalars(select(Initiative)))
        assert s.scalars(select(SmallGrant)).all() and all(o.department_id for o in s.scalars(select(SmallGrant)))
