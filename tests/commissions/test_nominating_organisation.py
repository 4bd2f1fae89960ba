"""R-COM-NGO on the commission page: the officer names the nominating organisation by its KRS, NIP
or name, found in the registry (a list of every organisation would be tens of thousands of options
at national scale); a name several organisations share, or one nobody has, is refused with what it
might mean and nothing is added."""
from __future__ import annotations

from sqlalchemy import select

from grants.commissions import operations as commission_ops
from grants.core import db
from reviewers.models import Commission, CommissionMember
from tests.factories import contest_in_evaluation


def _members(cid):
    return list(db.session.scalars(select(CommissionMember).where(CommissionMember.commission_id == cid)))


def test_r_com_ngo_nominating_organisation_found_by_krs_nip_or_name(app, session, make_user, make_org, login):
    officer = make_user("officer")
    applicant_org = make_org()
    applicant = make_user("applicant", org=applicant_org)
    contest, _offers = contest_in_evaluation(session, officer, [(applicant, applicant_org, "9000.00")])
    kin_a, kin_b = make_org(name="Stowarzyszenie Przyjaciół Nowej Huty"), make_org(name="Stowarzyszenie Przyjaciół Podgórza")
    people = [make_user("commission_member") for _ in range(4)]
    c = commission_ops.create(session, officer, contest)
    session.commit()
    cid = c.id
    web = login(officer, app.test_client())
    page = web.get(f"/commissions/{cid}").get_data(as_text=True)
    assert 'name="nominating_organisation"' in page and kin_a.name not in page  # no list of organisations

    def add(user, typed):
        return web.post(f"/commissions/{cid}/members", data={"user_id": user.id, "kind": "ngo", "version": _version(),
                                                             "nominating_organisation": typed},
                        follow_redirects=True).get_data(as_text=True)

    def _version():
        return db.session.get(Commission, cid).version

    page = add(people[0], "Stowarzyszenie Przyjaciół")
    assert "Kilka organizacji pasuje" in page and kin_a.name in page and kin_b.name in page and kin_a.krs in page
    for n in range(11):  # more than a refusal names
        make_org(name=f"Stowarzyszenie Przyjaciół Lasu {n:02d}")
    page = add(people[0], "Stowarzyszenie Przyjaciół")
    assert "i inne. Podaj numer KRS albo NIP." in page and "Lasu 10" not in page
    page = add(people[0], "Klub Nieistniejący")
    assert "Nie znaleziono w rejestrze organizacji „Klub Nieistniejący”" in page
    assert _members(cid) == []
    add(people[0], kin_a.krs)
    add(people[1], kin_b.nip)
    add(people[2], "Przyjaciół Nowej Huty")  # a part of the name only one has
    add(people[3], applicant_org.name.upper())  # the whole name, any case: nominated by a participant
    db.session.remove()
    got = {m.user_id: (m.nominating_organisation_id, m.excluded_reason) for m in _members(cid)}
    assert {u: org for u, (org, _r) in got.items()} == {
        people[0].id: kin_a.id, people[1].id: kin_b.id, people[2].id: kin_a.id, people[3].id: applicant_org.id}
    assert got[people[3].id][1]  # excluded: its organisation submitted an offer


def test_r_com_ngo_an_unknown_or_malformed_nominating_organisation_is_refused_not_a_500(client, session, make_user,
                                                                                         make_org, api_token, login,
                                                                                         app):
    officer = make_user("officer")
    applicant_org = make_org()
    applicant = make_user("applicant", org=applicant_org)
    contest, _offers = contest_in_evaluation(session, officer, [(applicant, applicant_org, "9000.00")])
    person = make_user("commission_member")
    c = commission_ops.create(session, officer, contest)
    session.commit()
    cid, pid = c.id, person.id
    r = client.post(f"/api/v1/commissions/{cid}/members", headers=api_token(officer),
                    json={"user_id": str(pid), "kind": "ngo", "nominating_organisation_id": "999999"})
    assert r.status_code == 422, r.get_data(as_text=True)
    assert r.get_json()["errors"][0]["field"] == "nominating_organisation_id"
    web = login(officer, app.test_client())
    for data in ({"user_id": "x", "kind": "ngo", "nominating_organisation": "x"},
                 {"user_id": str(pid), "kind": "ngo", "nominating_organisation_id": "abc"},
                 {"user_id": str(pid), "kind": "ngo", "version": "v1", "nominating_organisation": applicant_org.krs}):
        r = web.post(f"/commissions/{cid}/members", data=data, follow_redirects=True)
        assert r.status_code == 200 and "invalid literal" not in r.get_data(as_text=True)
    assert _members(cid) == []
