"""The one organisation registry (S3): identifiers validated on the field, nothing stored on bad input."""
import pytest
from sqlalchemy import func, select

from grants.registry.models import Organisation

GOOD = {"name": "Fundacja Nowa", "legal_form": "foundation", "krs": "123456", "nip": "5260250274",
        "regon": "123456785", "fields": ["culture"], "district": "I", "email": "biuro@nowa.org.pl"}


def _count(session):
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Organisation))


def test_officer_adds_an_organisation_with_valid_identifiers(app, session, make_user, login):
    client = login(make_user("officer"), app.test_client())
    r = client.post("/organisations/new", data=GOOD)
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    org = session.scalar(select(Organisation).where(Organisation.name == "Fundacja Nowa"))
    assert org.krs == "0000123456" and org.nip == "5260250274"
    assert "Fundacja Nowa" in app.test_client().get("/organisations/?q=nowa").get_data(as_text=True)


@pytest.mark.parametrize("field,value,message", [
    ("nip", "5260250275", "Nieprawidłowy NIP"),
    ("regon", "123456786", "Nieprawidłowy REGON"),
    ("krs", "12345678901", "Numer KRS to do 10 cyfr"),
    ("krs", "abc", "Numer KRS to do 10 cyfr"),
    ("legal_form", "kingdom", "Not a valid choice"),
    ("district", "XIX", "Not a valid choice"),
])
def test_bad_identifier_is_refused_on_its_field_and_nothing_is_stored(app, session, make_user, login, field, value,
                                                                        message):
    client = login(make_user("officer"), app.test_client())
    before = _count(session)
    r = client.post("/organisations/new", data={**GOOD, field: value})
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert f'id="{field}-error"' in page or message in page
    assert _count(session) == before


def test_duplicate_krs_is_refused(app, session, make_user, make_org, login):
    org = make_org()
    client = login(make_user("officer"), app.test_client())
    r = client.post("/organisations/new", data={**GOOD, "krs": org.krs, "nip": ""})
    assert r.status_code == 422 and "już w rejestrze" in r.get_data(as_text=True)


def test_applicants_cannot_add_and_members_edit_only_contact_data(app, session, make_user, make_org, login):
    org = make_org()
    member = make_user("applicant", org=org)
    client = login(member, app.test_client())
    assert client.post("/organisations/new", data=GOOD).status_code == 403
    r = client.post(f"/organisations/{org.id}/edit", data={**GOOD, "name": "Przejęta", "krs": org.krs,
                                                           "nip": org.nip, "regon": org.regon, "phone": "12 345 67 89"})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    session.expire_all()
    fresh = session.get(Organisation, org.id)
    assert fresh.name != "Przejęta" and fresh.phone == "12 345 67 89"
    other = make_org()
    assert client.post(f"/organisations/{other.id}/edit", data=GOOD).status_code == 403


def test_r_org_membership_officer_without_a_reason_or_relation_links_no_member(app, session, make_user, make_org,
                                                                               login):
    """The finding of issue 21: an officer's e-mail-only POST used to add anyone ("Dodano"). Now the
    organisation invites; staff add only with a reason, for an organisation their department works
    with (tests/registry/test_memberships.py covers the exception)."""
    org = make_org()
    person = make_user("participant")
    client = login(make_user("officer"), app.test_client())
    r = client.post(f"/organisations/{org.id}/members", data={"staff-email": person.email})
    assert r.status_code == 403
    session.expire_all()
    from grants.accounts.models import User
    fresh = session.get(User, person.id)
    assert org.id not in fresh.organisation_ids and "applicant" not in fresh.role_names


def test_a_search_counts_one_page_and_walks_on_by_key(app, session, make_org):
    """A search over a national registry counts one page ("50+"), not every match, and the next
    page follows by key; a smaller search counts exactly; the plain list still counts its pages."""
    from grants.registry.views import PER_PAGE
    for i in range(PER_PAGE + 2):
        make_org(f"Fundacja Wyszukiwana {i:03d}")
    make_org("Stowarzyszenie Rzadkie Słowo")
    c = app.test_client()
    html = c.get("/organisations/?q=Wyszukiwana").get_data(as_text=True)
    assert f"Znaleziono: {PER_PAGE}+" in html and 'rel="next"' in html
    nxt = html.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    rest = c.get(nxt).get_data(as_text=True)
    assert "Fundacja Wyszukiwana 051" in rest and "Fundacja Wyszukiwana 000" not in rest
    assert "Znaleziono: 1<" in c.get("/organisations/?q=Rzadkie").get_data(as_text=True)
    listed = c.get("/organisations/").get_data(as_text=True)
    assert f"Znaleziono: {PER_PAGE + 3}" in listed and f"{PER_PAGE + 3}+" not in listed
