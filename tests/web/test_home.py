"""Each role's home lists what waits for them (sections registered with grants.web.home.section);
the anonymous visitor sees the public portal."""
from __future__ import annotations

import html as html_mod
import re

import pytest

from grants.core.permissions import ADMIN, APPLICANT, COMMISSION_MEMBER, FINANCE, OFFICER, PARTICIPANT
from grants.demo import USERS
from grants.web import home
from tests.factories import PASSWORD, department, make_org

# sections of the web layer and of consultations, and who must see them (others must not)
KNOWN = {
    "Moje organizacje": {APPLICANT},
    "Karty oceny do wypełnienia": {COMMISSION_MEMBER},
    "Transze do wypłaty w tym tygodniu": {FINANCE},
    "Mój udział w konsultacjach": {PARTICIPANT},
    "Administracja: użytkownicy i rejestr": {ADMIN},
    "Konsultacje do prowadzenia": {OFFICER, ADMIN},
    "Otwarte konsultacje": {"public"},
}


def section_titles(page: str) -> list[str]:
    return [html_mod.unescape(t) for t in re.findall(r'<h2 id="sec-\d+">(.*?) <span class="count">', page)]


@pytest.fixture
def demo_users(session):
    """The demo's users (roles, organisation or none, stakeholder type), made through create_user."""
    from grants.accounts.operations import create_user
    orgs, out = {}, []
    for email, roles, name, dept, org_i, stakeholder in USERS:
        if dept:
            department(session, dept)
        if org_i is not None and org_i not in orgs:
            orgs[org_i] = make_org(session, f"Organizacja demo {org_i}")
        out.append(create_user(session, email=email, password=PASSWORD, roles=roles, full_name=name,
                               department_code=dept, stakeholder_type=stakeholder,
                               organisation_krs=orgs[org_i].krs if org_i is not None else None))
    session.commit()
    return out


def _home_as(app, user) -> str:
    c = app.test_client()
    assert c.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    r = c.get("/")
    assert r.status_code == 200
    return r.get_data(as_text=True)


def test_every_demo_role_sees_its_sections_and_no_others(app, demo_users):
    seen_roles = set()
    for user in demo_users:
        roles = set(user.role_names)
        seen_roles |= roles
        titles = section_titles(_home_as(app, user))
        for title, who in KNOWN.items():
            should = "public" in who or bool(roles & who)
            assert (title in titles) == should, (user.email, sorted(roles), title, titles)
    assert seen_roles == {APPLICANT, OFFICER, COMMISSION_MEMBER, FINANCE, ADMIN, PARTICIPANT}


def test_home_calls_only_the_providers_of_the_users_roles(app, demo_users, monkeypatch):
    """Whatever sections other areas register: a user's home shows exactly the sections of
    providers registered for one of their roles (or public), and never calls the others."""
    calls: list[tuple] = []
    wrapped = []
    for roles, fn in list(home._providers):
        def spy(user, _fn=fn, _roles=roles):
            calls.append(_roles)
            return _fn(user)
        wrapped.append((roles, spy))
    monkeypatch.setattr(home, "_providers", wrapped)
    for user in demo_users:
        calls.clear()
        titles = section_titles(_home_as(app, user))
        called = {r for r in calls}
        for roles in called:
            assert "public" in roles or set(roles) & set(user.role_names), (user.email, roles)
        expected = {r for r, _fn in wrapped if "public" in r or set(r) & set(user.role_names)}
        assert called == expected
        assert len(titles) <= len(calls)


def test_anonymous_sees_the_public_portal(client, demo_users):
    r = client.get("/")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "Konkursy i współpraca z organizacjami pozarządowymi" in page
    assert 'href="/login"' in page and 'action="/logout"' not in page
    titles = section_titles(page)
    assert "Otwarte konsultacje" in titles
    for title, who in KNOWN.items():
        if "public" not in who:
            assert title not in titles
    assert "Organizacja demo" not in page  # no organisation's data


def test_applicant_home_lists_own_organisation_with_krs(app, demo_users):
    applicant = next(u for u in demo_users if u.email == "ngo@demo.krakow.pl")
    org = applicant.memberships[0].organisation
    page = _home_as(app, applicant)
    assert org.name in page and f"KRS {org.krs}" in page
    other = next(u for u in demo_users if u.email == "ngo2@demo.krakow.pl").memberships[0].organisation
    assert other.name not in page


def test_admin_home_counts_accounts_by_role(app, demo_users):
    admin = next(u for u in demo_users if "admin" in u.role_names)
    page = html_mod.unescape(_home_as(app, admin))
    officers = sum(1 for u in demo_users if "officer" in u.role_names)
    assert f"Konta z rolą „urzędnik”: {officers}" in page


def test_participant_home_shows_stakeholder_type(app, demo_users):
    resident = next(u for u in demo_users if u.stakeholder_type == "resident")
    assert "Biorę udział jako: mieszkaniec" in _home_as(app, resident)
