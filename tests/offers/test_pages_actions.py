"""Issue 14: an offer page lists only the actions the person performs; irreversible ones ask for a
confirmation first; a second "Nowa oferta" returns the draft."""
from __future__ import annotations

import re

import pytest

from grants.offers import operations as oops
from grants.offers.models import Offer
from tests.factories import make_contest

from .support import draft, w


@pytest.fixture
def world(session, make_user, make_org, clock_at):
    clock_at("2027-03-01T10:00")
    officer = make_user("officer")
    org = make_org()
    ngo = make_user("applicant", org=org)
    c = make_contest(session, officer, deadline=w("2027-04-01T12:00:00"))
    return officer, org, ngo, c


def _actions(page: str) -> str:
    return page[page.index('id="actions-h"'):page.index('id="wf-h"')]


def test_offer_page_shows_only_the_persons_own_actions(app, session, world, login):
    officer, org, ngo, c = world
    o = draft(session, c, ngo, org)
    session.commit()
    page = _actions(login(ngo, app.test_client()).get(f"/offers/{o.id}").get_data(as_text=True))
    assert "Złóż ofertę" in page
    assert "Odrzuć z przyczyn formalnych" not in page and "Uznaj za poprawną formalnie" not in page
    oops.transition(session, session.get(Offer, o.id), "submit", ngo)
    officer_page = _actions(login(officer, app.test_client()).get(f"/offers/{o.id}").get_data(as_text=True))
    assert "Uznaj za poprawną formalnie" in officer_page
    assert "Wycofaj ofertę" not in officer_page and "Złóż ofertę" not in officer_page


def test_r_off_receipt_submission_asks_for_confirmation_and_changes_nothing_until_confirmed(app, session, world,
                                                                                          login):
    officer, org, ngo, c = world
    o = draft(session, c, ngo, org)
    session.commit()
    web = login(ngo, app.test_client())
    r = web.post(f"/offers/{o.id}/transitions/submit", data={"version": o.version, "confirm_step": "1"})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "Tej czynności nie można cofnąć." in page and 'name="confirmed" value="1"' in page
    # "no" leads back to the offer (not a one-letter link to the home page)
    assert f'href="/offers/{o.id}">Nie, wróć</a>' in page and "← " not in page
    session.expire_all()
    assert session.get(Offer, o.id).state == "draft"
    r = web.post(f"/offers/{o.id}/transitions/submit", data={"version": o.version, "confirmed": "1"})
    assert r.status_code == 303
    session.expire_all()
    assert session.get(Offer, o.id).state == "submitted"


def test_new_offer_twice_returns_the_draft_unless_another_is_asked_for(app, session, world, login):
    officer, org, ngo, c = world
    web = login(ngo, app.test_client())
    first = web.post(f"/contests/{c.id}/offers", data={"organisation_id": org.id})
    again = web.post(f"/contests/{c.id}/offers", data={"organisation_id": org.id})
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    assert session.query(Offer).filter_by(contest_id=c.id).count() == 1
    other = web.post(f"/contests/{c.id}/offers", data={"organisation_id": org.id, "another": "1"})
    assert other.headers["Location"] != first.headers["Location"]
    assert session.query(Offer).filter_by(contest_id=c.id).count() == 2


def test_confirmation_step_works_without_javascript(app, session, world, login):
    """The page's own form (as a browser without JavaScript sends it) leads to the confirmation page;
    only that page's form submits the offer."""
    officer, org, ngo, c = world
    o = draft(session, c, ngo, org)
    session.commit()
    web = login(ngo, app.test_client())
    page = _actions(web.get(f"/offers/{o.id}").get_data(as_text=True))
    form = next(f for f in re.findall(r"<form .*?</form>", page, re.S) if "/transitions/submit" in f)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    assert fields.get("confirm_step") == "1"
    r = web.post(f"/offers/{o.id}/transitions/submit", data=fields)
    assert r.status_code == 200 and "Tej czynności nie można cofnąć." in r.get_data(as_text=True)
    session.expire_all()
    assert session.get(Offer, o.id).state == "draft"
    confirm = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', r.get_data(as_text=True)))
    assert confirm.get("confirmed") == "1"
    assert web.post(f"/offers/{o.id}/transitions/submit", data=confirm).status_code == 303
    session.expire_all()
    assert session.get(Offer, o.id).state == "submitted"


def test_refusal_flash_shows_the_basis_to_staff_only(app, session, world, login, clock_at):
    """A guard's refusal is flashed in words; the officer also reads the "podstawa" note with the rule
    and its legal basis, the applicant never sees the rule id (issue 14)."""
    officer, org, ngo, c = world
    o = draft(session, c, ngo, org)
    late = draft(session, c, ngo, org)
    session.commit()
    oops.transition(session, session.get(Offer, o.id), "submit", ngo)
    session.commit()
    staff = login(officer, app.test_client())
    r = staff.post(f"/offers/{o.id}/transitions/accept_formally", data={"version": session.get(Offer, o.id).version,
                                                                        "confirmed": "1"}, follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "Konkurs nie jest na etapie oceny formalnej." in page
    assert '<span class="basis">podstawa: R-FORM-CORRECT' in page
    clock_at("2027-04-02T10:00")
    applicant = login(ngo, app.test_client())
    r = applicant.post(f"/offers/{late.id}/transitions/submit", data={"version": late.version, "confirmed": "1"},
                       follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "Termin składania ofert minął" in page or "Nabór ofert w tym konkursie nie trwa." in page
    assert "R-OFF-DEADLINE" not in page and 'class="basis"' not in page
