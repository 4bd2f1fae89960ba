"""The youth call type on the pages: the offer's extra section at /offers/<id>/sections/call (ticked
checkboxes saved as true, unticked as false, rows added and deleted, bad input shown beside its field
and nothing saved, only the organisation's members edit), the eligibility reasons on the offer page,
the printable offer, the public explanation, and the report's venture records typed in the report form."""
from __future__ import annotations

import re

import pytest
from werkzeug.datastructures import MultiDict

from grants.offers import operations as oops
from grants.offers.models import Offer
from tests.calltypes_youth.helpers import section, youth_contest, youth_content
from tests.factories import offer_content


def _state(session, oid):
    session.expire_all()
    o = session.get(Offer, oid)
    return o.version, o.content


@pytest.fixture
def world(session, make_user, make_org):
    officer = make_user("officer")
    org = make_org()
    ngo = make_user("applicant", org=org)
    c = youth_contest(session, officer)  # bounds 13-19
    o = oops.create(session, ngo, c, org.id)
    oops.save_sections(session, o, ngo, offer_content(c))  # the statutory offer complete, the call section empty
    session.commit()
    return c, o, ngo, officer


def _form(o, **fields):
    base = {
        "call.partner.name": "Szkoła Podstawowa nr 12", "call.partner.kind": "school",
        "call.partner.contact": "Jan Dyrektor", "call.partner.role": "Udostępnia pracownię.",
        "call.age_from": "13", "call.age_to": "15", "call.participants": "24",
        "call.ventures.0.name": "Mini-firma Drukarnia 3D", "call.ventures.0.kind": "mini_company",
        "call.ventures.0.description": "Druk gadżetów na zamówienie.",
        "call.ventures.0.mentor.name": "Olga Mentor", "call.ventures.0.mentor.role": "inżynierka",
        "call.ventures.1.name": "", "call.ventures.1.kind": "", "call.ventures.1.description": "",
        "call.ventures.1.mentor.name": "", "call.ventures.1.mentor.role": "",  # the blank row
        "call.child_protection_standards": "1", "call.offender_register_checked": "1",
    }
    base.update(fields)
    return MultiDict([("version", str(o.version))] + [(k, v) for k, v in base.items() if v is not None])


def test_youth_section_page_shows_the_fields_and_the_contest_bounds(app, world, login):
    c, o, ngo, _ = world
    web = login(ngo, app.test_client())
    page = web.get(f"/offers/{o.id}/sections/call").get_data(as_text=True)
    for name in ("call.partner.name", "call.partner.kind", "call.age_from", "call.age_to", "call.participants",
                 "call.ventures.0.name", "call.ventures.0.mentor.name", "call.child_protection_standards",
                 "call.offender_register_checked"):
        assert f'name="{name}"' in page, name
    assert "od 13 do 19 lat" in page
    # every input has its label
    for fid in re.findall(r'<input type="(?:text|number|checkbox|radio)" id="([^"]+)"', page):
        if fid.startswith("call-"):
            assert f'for="{fid}"' in page, fid


def test_youth_section_saved_through_the_page_with_checkboxes_as_booleans(app, session, world, login):
    c, o, ngo, _ = world
    web = login(ngo, app.test_client())
    r = web.post(f"/offers/{o.id}/sections/call", data=_form(o))
    assert r.status_code == 303, r.get_data(as_text=True)[:3000]
    _, content = _state(session, o.id)
    call = content["call"]
    assert (call["age_from"], call["age_to"], call["participants"]) == (13, 15, 24)
    assert call["partner"]["kind"] == "school"
    assert call["ventures"] == [{"name": "Mini-firma Drukarnia 3D", "kind": "mini_company",
                                 "description": "Druk gadżetów na zamówienie.",
                                 "mentor": {"name": "Olga Mentor", "role": "inżynierka"}}]  # blank row dropped
    assert call["child_protection_standards"] is True and call["offender_register_checked"] is True
    # the offer is now complete and is submitted from its page
    o = session.get(Offer, o.id)
    assert web.post(f"/offers/{o.id}/transitions/submit", data={"version": str(o.version)}).status_code == 303
    session.expire_all()
    assert session.get(Offer, o.id).state == "submitted"


def test_youth_unticked_declaration_saved_as_false_and_the_offer_page_says_why_it_cannot_be_submitted(
        app, session, world, login):
    c, o, ngo, _ = world
    web = login(ngo, app.test_client())
    assert web.post(f"/offers/{o.id}/sections/call", data=_form(o)).status_code == 303
    o = session.get(Offer, o.id)
    r = web.post(f"/offers/{o.id}/sections/call", data=_form(o, **{"call.child_protection_standards": None}))
    assert r.status_code == 303
    version, content = _state(session, o.id)
    assert content["call"]["child_protection_standards"] is False
    page = web.get(f"/offers/{o.id}").get_data(as_text=True)
    assert "standardy ochrony małoletnich" in page
    # submission from the page is refused with that reason, nothing changes
    r = web.post(f"/offers/{o.id}/transitions/submit", data={"version": str(version)}, follow_redirects=True)
    assert "standardy ochrony małoletnich" in r.get_data(as_text=True)
    session.expire_all()
    assert session.get(Offer, o.id).state == "draft" and _state(session, o.id)[0] == version


def test_youth_venture_row_deleted_on_the_page(app, session, world, login):
    c, o, ngo, _ = world
    oops.save_sections(session, o, ngo, {"call": section()})
    session.commit()
    web = login(ngo, app.test_client())
    page = web.get(f"/offers/{o.id}/sections/call").get_data(as_text=True)
    assert 'value="Spółdzielnia Kawa na Ławę"' in page and 'name="call.ventures.2.name"' in page
    o = session.get(Offer, o.id)
    form = _form(o, **{"call.ventures.0.name": "Szkolny sklepik ekologiczny", "call.ventures.1.name": "Spółdzielnia",
                       "call.ventures.1.kind": "cooperative", "call.ventures.1.description": "Kawiarenka",
                       "call.ventures.1.mentor.name": "Ewa Wrona", "call.ventures.1.mentor.role": "doradczyni",
                       "call.ventures.1._delete": "1"})
    assert web.post(f"/offers/{o.id}/sections/call", data=form).status_code == 303
    _, content = _state(session, o.id)
    assert [v["name"] for v in content["call"]["ventures"]] == ["Szkolny sklepik ekologiczny"]


@pytest.mark.parametrize("field, value, message", [
    ("call.age_from", "trzynaście", "podaj liczbę całkowitą"),
    ("call.participants", "-4", "wartość nie może być ujemna"),
    ("call.ventures.0.kind", "korporacja", ""),
])
def test_youth_bad_input_on_the_page_shown_beside_its_field_and_nothing_saved(app, session, world, login,
                                                                             field, value, message):
    c, o, ngo, _ = world
    web = login(ngo, app.test_client())
    before = _state(session, o.id)
    r = web.post(f"/offers/{o.id}/sections/call", data=_form(o, **{field: value}))
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    fid = field.replace(".", "-")
    m = re.search(rf'<p class="error-message" id="{fid}-error">(.*?)</p>', page, re.S)
    assert m and message in m.group(1), page[page.find("error-summary"):][:2000]
    assert "nic nie zostało zapisane" in page
    assert _state(session, o.id) == before


def test_youth_section_page_only_for_the_organisations_members(app, session, world, login, make_user, make_org):
    c, o, ngo, officer = world
    form = _form(o)
    other = login(make_user("applicant", org=make_org()), app.test_client())
    off = login(officer, app.test_client())
    before = _state(session, o.id)
    assert other.get(f"/offers/{o.id}/sections/call").status_code in (403, 404)
    assert other.post(f"/offers/{o.id}/sections/call", data=form).status_code in (403, 404)
    assert off.post(f"/offers/{o.id}/sections/call", data=form).status_code in (403, 404)
    r = app.test_client().post(f"/offers/{o.id}/sections/call", data=form)
    assert r.status_code in (302, 401) and "/login" in r.headers.get("Location", "/login")
    assert _state(session, o.id) == before


def test_youth_section_refused_without_a_csrf_token(csrf_app, session, world):
    from tests.factories import PASSWORD
    c, o, ngo, _ = world
    form, email = _form(o), ngo.email
    web = csrf_app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', web.get("/login").get_data(as_text=True)).group(1)
    assert web.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token}).status_code == 302
    before = _state(session, o.id)
    assert web.post(f"/offers/{o.id}/sections/call", data=form).status_code == 400
    assert _state(session, o.id) == before


def test_youth_section_in_the_printable_offer(app, session, world, login):
    c, o, ngo, officer = world
    oops.save_sections(session, o, ngo, youth_content(c))
    session.commit()
    page = login(ngo, app.test_client()).get(f"/offers/{o.id}/print").get_data(as_text=True)
    for text in ("XII Liceum Ogólnokształcące w Krakowie", "od 14 do 18 lat", "Spółdzielnia Kawa na Ławę",
                 "Ewa Wrona", "spółdzielnia uczniowska", "Rejestrze Sprawców Przestępstw na Tle Seksualnym"):
        assert text in page, text


def test_youth_public_explanation_in_plain_polish(client):
    r = client.get("/call-types/youth_entrepreneurship")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    for text in ("Kto może złożyć ofertę", "Co to jest przedsięwzięcie młodzieżowe", "mentora",
                 "standardy ochrony małoletnich", "15 lutego 2024", "Rejestrze Sprawców Przestępstw na Tle Seksualnym",
                 "O co pyta sprawozdanie", "Młodzi ludzie sami podejmują decyzje"):
        assert text in page, text


def test_youth_public_page_lists_the_contest_parameters_with_their_defaults(client):
    page = client.get("/call-types/youth_entrepreneurship").get_data(as_text=True)
    for text in ("Najniższy wiek uczestnika", "domyślnie: 13", "Najwyższy wiek uczestnika", "domyślnie: 25",
                 "Najmniejsza liczba przedsięwzięć"):
        assert text in page, text


def test_youth_pages_are_accessible(app, session, world, login):
    """The section form (empty and with errors), the offer page with the type's problems, the
    printable offer and the public explanation: labels on every field, headings in order, unique ids."""
    from tests.web.test_accessibility import problems as a11y
    c, o, ngo, _ = world
    oops.save_sections(session, o, ngo, {"call": section(age_from=10)})
    session.commit()
    form = _form(o, **{"call.age_from": "x"})
    web = login(ngo, app.test_client())
    pages = {
        "section": web.get(f"/offers/{o.id}/sections/call"),
        "section with errors": web.post(f"/offers/{o.id}/sections/call", data=form),
        "offer": web.get(f"/offers/{o.id}"),
        "print": web.get(f"/offers/{o.id}/print"),
        "explanation": app.test_client().get("/call-types/youth_entrepreneurship"),
    }
    for name, r in pages.items():
        assert r.status_code in (200, 422), name
        assert a11y(r.get_data(as_text=True)) == [], name
    assert "od 10 lat wykracza poza granice konkursu" in pages["offer"].get_data(as_text=True)
