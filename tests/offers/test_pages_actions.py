"""Issue 14: an offer page lists only the actions the person performs; irreversible ones ask for a
confirmation first; a second "Nowa oferta" returns the draft."""
from __future__ import annotations

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
