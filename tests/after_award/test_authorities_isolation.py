"""Many authorities in one deployment (issue 22): the isolation matrix.

One authority (the tests' Kraków) runs a contest to a settlement, a consultation with a proposal,
an art. 12 initiative and an art. 19a small grant. A second authority has its own officer, admin
and finance user. Every model that belongs to an authority (a `grantor_id` of its own, or through
its contest, agreement, consultation, offer or commission) is enumerated from the metadata; for each
of its rows, through its API collection and its page, the second authority's staff see exactly what
a visitor of no authority sees (public announcements stay public), and every change they try
(PATCH, each transition of the workflow, the page's transition forms) leaves every row unchanged."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import inspect, select

import grants.models  # noqa: F401 - every table on the metadata
from grants.accounts.operations import create_user
from grants.agreements.models import Agreement
from grants.api.collections import REGISTRY, load_all
from grants.consultations import operations as cops
from grants.core import db
from grants.core.db import Base
from grants.directions import operations as dops
from grants.initiatives import operations as iops
from grants.registry import authorities
from grants.registry.models import Department
from grants.small_grants import operations as gops
from tests.after_award.test_settlements import IN_2024, _settling
from tests.factories import PASSWORD, make_user, signed_in

# what an authority's ownership is reached through, when a model has no grantor_id of its own
THROUGH = ("contests", "agreements", "consultations", "offers", "commissions")
FOREIGN = ("officer_b", "admin_b", "finance_b")
PAGES = {"agreements": "/agreements/{}", "commissions": "/commissions/{}", "consultations": "/consultations/{}",
         "contests": "/contests/{}", "directions": "/directions/{}", "initiatives": "/initiatives/{}",
         "concepts": "/concepts/{}", "offers": "/offers/{}", "reports": "/reports/{}",
         "settlements": "/settlements/{}", "small_grants": "/small-grants/{}"}


def owned_models() -> list[type]:
    """Every mapped model with a grantor, directly or through its contest (or agreement, ...)."""
    out = []
    for m in Base.registry.mappers:
        t = m.local_table
        if t.name in ("users", "departments"):
            continue  # people and departments: the staff themselves, checked by who they are
        refs = {fk.column.table.name for fk in t.foreign_keys}
        if "grantor_id" in t.c or refs & set(THROUGH):
            out.append(m.class_)
    return sorted(out, key=lambda c: c.__tablename__)


def snapshot(session) -> dict:
    session.expire_all()
    out = {}
    for model in owned_models():
        cols = [c.key for c in inspect(model).column_attrs]
        out[model.__tablename__] = {r.id: tuple(getattr(r, c) for c in cols) for r in session.scalars(select(model))}
    return out


def _kraków_world(world, session):
    """Kraków's objects of every kind: a contest through to a settlement, a consultation with a
    proposal, an initiative and a small grant."""
    w = world(("40000.00",), moved_to=IN_2024)
    _settling(w, 0, task_end="2025-11-14", from_grant=[Decimal("18000.00"), Decimal("2000.00")])
    s = session
    officer = s.merge(w.officer)
    k = cops.create(s, officer, title="Konsultacje programu", description="Opis konsultacji programu współpracy.",
                    fields=["culture"], starts_at=datetime(2025, 11, 10, 8, tzinfo=timezone.utc),
                    ends_at=datetime(2025, 12, 20, 8, tzinfo=timezone.utc))
    cops.transition(s, k, "open", officer)
    s.commit()
    draft_k = cops.create(s, officer, title="SZKIC konsultacji", description="Szkic konsultacji Krakowa.")
    s.commit()
    ngo = s.merge(w.ngos[0])
    org_id = w.orgs[0].id
    dops.create(s, ngo, k, {"title": "Propozycja kierunku", "problem": "Samotność seniorów"}, org_id)
    iops.submit(s, ngo, org_id, {"title": "Inicjatywa lokalna", "description": "Opis inicjatywy lokalnej Krakowa.",
                                 "field": "culture"})
    gops.submit(s, ngo, org_id, {"title": "Mały grant", "description": "Piknik", "field": "culture",
                                 "amount": Decimal("5000.00"), "task_start": date(2025, 12, 10),
                                 "task_end": date(2025, 12, 20)})
    s.commit()
    return w, k, draft_k


def _second_authority(session):
    g = authorities.create(session, None, code="WIE", name="Gmina Wieliczka", teryt="1219063")
    session.add(Department(grantor=g, code="WIE-BIS", name="Referat Spraw Społecznych", fields=[]))
    session.commit()
    users = {"officer_b": make_user(session, "officer", department_code="WIE-BIS")}
    for role, name in (("admin", "admin_b"), ("finance", "finance_b")):
        users[name] = create_user(session, email=f"{name}@wieliczka.example.org", password=PASSWORD, roles=[role],
                                  grantor_code="WIE")
    users["visitor"] = make_user(session, "participant")  # of no authority: the baseline of what is public
    session.commit()
    return g, users


def _api_ids(client, tokens, who, name) -> set[str]:
    r = client.get(f"/api/v1/{name}?per_page=500", headers=tokens[who])
    if r.status_code in (401, 403):
        return set()
    assert r.status_code == 200, (who, name, r.status_code)
    return {i["id"] for i in r.get_json()["items"]}


def test_isolation_matrix_staff_of_another_authority_see_and_change_nothing_of_it(app, world, session):
    _w, _k, _draft = _kraków_world(world, session)
    g, users = _second_authority(session)
    assert {u.grantor_id for n, u in users.items() if n != "visitor"} == {g.id}
    clients, tokens = signed_in(app, {n: u.email for n, u in users.items()})
    api = clients["anonymous"]
    load_all()
    by_model = {c.model: c for c in REGISTRY.values()}
    before = snapshot(session)
    covered, checked = set(), 0
    for model in owned_models():
        rows = before[model.__tablename__]
        c = by_model.get(model)
        if c is None or not rows:
            continue
        covered.add(model.__tablename__)
        baseline = _api_ids(api, tokens, "visitor", c.name)
        states = getattr(getattr(model, "__workflow__", None), "transitions", None) or {}
        for who in FOREIGN:
            assert _api_ids(api, tokens, who, c.name) == baseline, (who, c.name)
            for oid in rows:
                seen = api.get(f"/api/v1/{c.name}/{oid}", headers=tokens[who]).status_code
                assert seen == api.get(f"/api/v1/{c.name}/{oid}", headers=tokens["visitor"]).status_code, \
                    (who, c.name, oid)
                assert (seen == 200) == (str(oid) in baseline), (who, c.name, oid)
                r = api.patch(f"/api/v1/{c.name}/{oid}", json={"title": "ZMIANA"}, headers=tokens[who])
                assert r.status_code >= 400, (who, c.name, oid, r.status_code)
                for name in states:
                    r = api.post(f"/api/v1/{c.name}/{oid}/transitions/{name}", json={}, headers=tokens[who])
                    assert r.status_code >= 400, (who, c.name, oid, name, r.status_code)
                page = PAGES.get(model.__tablename__)
                if page:
                    got = clients[who].get(page.format(oid)).status_code
                    assert got == clients["visitor"].get(page.format(oid)).status_code, (who, page.format(oid))
                    for name in states:
                        clients[who].post(page.format(oid) + f"/transitions/{name}", data={})
                checked += 1
            db.session.remove()
    # the homes of the other authority's staff list nothing of Kraków's (titles of its open work)
    secret = [_draft.title, _w.contest.title] + [r[0] for r in session.execute(
        select(Agreement.number).where(Agreement.contest_id == _w.contest.id))]
    for who in FOREIGN:
        home = clients[who].get("/").get_data(as_text=True)
        assert not [t for t in secret if t in home], who
    # every change refused: not a column of any row of Kraków's changed
    assert snapshot(session) == before
    # the world holds every kind the areas declare an API for (a new kind without rows would pass unseen)
    expected = {m.__tablename__ for m in owned_models() if m in by_model}
    assert covered == expected - {"concepts", "pool_candidates", "commission_pool"}, sorted(expected - covered)
    assert checked > 30


def test_isolation_admin_of_another_authority_sees_none_of_its_drafts(app, world, session):
    """The draft consultation of Kraków: its admins see it, the other authority's admin and the
    platform operator do not (R-ANN-CONTENT's drafts are the department's)."""
    _w, _k, draft = _kraków_world(world, session)
    _g, users = _second_authority(session)
    krk_admin = make_user(session, "admin")
    operator = make_user(session, "operator")
    _clients, tokens = signed_in(app, {"krk": krk_admin.email, "wie": users["admin_b"].email,
                                       "operator": operator.email})
    api = _clients["anonymous"]
    assert api.get(f"/api/v1/consultations/{draft.id}", headers=tokens["krk"]).status_code == 200
    assert api.get(f"/api/v1/consultations/{draft.id}", headers=tokens["wie"]).status_code == 404
    assert api.get(f"/api/v1/consultations/{draft.id}", headers=tokens["operator"]).status_code == 404
