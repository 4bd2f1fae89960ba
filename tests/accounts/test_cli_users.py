"""`grants users create`: several roles, organisation by KRS, refusals that store nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grants.accounts.models import User, UserRole
from grants.core import db
from grants.registry.models import Membership
from tests.factories import PASSWORD


def fresh(stmt):
    with Session(db.get_engine()) as s:
        return s.execute(stmt).all()


def _count(model) -> int:
    return fresh(select(func.count()).select_from(model))[0][0]


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def run(*args):
        result = runner.invoke(args=["users", "create", *args])
        db.session.remove()
        return result
    return run


def test_cli_creates_user_with_several_roles(cli):
    r = cli("--email", "Ewa.Multi@Example.org", "--password", PASSWORD, "--name", "Ewa Multi",
            "--role", "finance", "--role", "commission_member")
    assert r.exit_code == 0, r.output
    assert "created user" in r.output
    rows = fresh(select(User.email, UserRole.role).join(UserRole).order_by(UserRole.role))
    assert rows == [("ewa.multi@example.org", "commission_member"), ("ewa.multi@example.org", "finance")]


def test_cli_created_user_can_log_in(cli, client):
    assert cli("--email", "cli@example.org", "--password", PASSWORD, "--role", "participant",
               "--stakeholder-type", "resident").exit_code == 0
    r = client.post("/login", data={"email": "cli@example.org", "password": PASSWORD})
    assert r.status_code == 302


def test_cli_unknown_role_is_refused_and_nothing_stored(cli):
    r = cli("--email", "x@example.org", "--password", PASSWORD, "--role", "applicant", "--role", "mayor")
    assert r.exit_code != 0
    assert "mayor" in r.output and "Nieznana rola" in r.output
    assert _count(User) == 0 and _count(UserRole) == 0


def test_cli_short_password_is_refused(cli):
    r = cli("--email", "x@example.org", "--password", "short", "--role", "applicant")
    assert r.exit_code != 0
    assert "password" in r.output
    assert _count(User) == 0


def test_cli_duplicate_email_is_refused(cli):
    assert cli("--email", "dup@example.org", "--password", PASSWORD, "--role", "applicant").exit_code == 0
    r = cli("--email", "DUP@example.org", "--password", PASSWORD, "--role", "finance")
    assert r.exit_code != 0
    assert "już istnieje" in r.output
    assert _count(User) == 1 and fresh(select(UserRole.role)) == [("applicant",)]


def test_cli_organisation_krs_links_membership(cli, make_org):
    org = make_org("Fundacja Linkowana")
    r = cli("--email", "member@example.org", "--password", PASSWORD, "--role", "applicant",
            "--organisation", org.krs.lstrip("0"))  # zero-padding is restored
    assert r.exit_code == 0, r.output
    rows = fresh(select(User.email, Membership.organisation_id).join(Membership, Membership.user_id == User.id))
    assert rows == [("member@example.org", org.id)]


def test_cli_unknown_krs_is_refused_and_nothing_stored(cli, make_org):
    make_org()
    r = cli("--email", "member@example.org", "--password", PASSWORD, "--role", "applicant",
            "--organisation", "0000999999")
    assert r.exit_code != 0
    assert "0000999999" in r.output
    assert _count(User) == 0 and _count(Membership) == 0


def test_cli_malformed_krs_is_refused(cli):
    r = cli("--email", "member@example.org", "--password", PASSWORD, "--role", "applicant",
            "--organisation", "KRS-12")
    assert r.exit_code != 0
    assert "KRS" in r.output
    assert _count(User) == 0


def test_cli_role_is_required(cli):
    r = cli("--email", "x@example.org", "--password", PASSWORD)
    assert r.exit_code != 0
    assert _count(User) == 0


def test_applicant_without_organisation_sees_no_organisation_data(cli, client, make_org):
    org = make_org("Fundacja Cudza Tajemnica")
    assert cli("--email", "member@example.org", "--password", PASSWORD, "--role", "applicant",
               "--organisation", org.krs).exit_code == 0
    assert cli("--email", "lonely@example.org", "--password", PASSWORD, "--role", "applicant").exit_code == 0

    member_html = client.post("/login", data={"email": "member@example.org", "password": PASSWORD},
                              follow_redirects=True).get_data(as_text=True)
    assert "Fundacja Cudza Tajemnica" in member_html and org.krs in member_html  # the check can fail
    client.post("/logout")

    html = client.post("/login", data={"email": "lonely@example.org", "password": PASSWORD},
                       follow_redirects=True).get_data(as_text=True)
    assert "Fundacja Cudza Tajemnica" not in html
    assert org.krs not in html
    assert "Nie należysz jeszcze do żadnej organizacji" in html


def test_cli_staff_account_without_department_or_authority_belongs_to_the_first_and_says_so(cli, session):
    """With several authorities the operator's tool puts a finance account named by neither department
    nor authority in the deployment's first authority and prints which; --grantor chooses another."""
    from grants.registry.departments import primary_grantor_id
    from grants.registry.models import Grantor

    def grantor(code):
        g = Grantor(code=code, name=f"Gmina {code}")
        session.add(g)
        session.commit()
        return g
    gid = primary_grantor_id(session)
    first = session.get(Grantor, gid) if gid is not None else grantor("KRK")
    other = grantor("WIEX")
    first_id, first_code, other_id = first.id, first.code, other.id
    r = cli("--email", "fin.first@example.org", "--password", PASSWORD, "--role", "finance")
    assert r.exit_code == 0, r.output
    assert f"authority: {first_code}" in r.output
    r = cli("--email", "fin.other@example.org", "--password", PASSWORD, "--role", "finance", "--grantor", "WIEX")
    assert r.exit_code == 0 and "authority:" not in r.output, r.output
    assert dict(fresh(select(User.email, User.grantor_id).where(User.email.like("fin.%")))) == {
        "fin.first@example.org": first_id, "fin.other@example.org": other_id}
