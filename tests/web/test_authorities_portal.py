"""Many authorities in one deployment (issue 22), on the demo: Kraków and Wieliczka each run their
own contest; one NGO applies to both and sees both offers on its home; the national portal lists
both authorities' open calls and filters them; each authority's portal and iCal feed are its own."""
from __future__ import annotations

from sqlalchemy import select

from grants.accounts.models import User
from grants.contests.models import Contest
from grants.core import db
from grants.demo import DEMO_PASSWORD, seed
from grants.demo_authorities import CODE
from grants.offers.models import Offer
from grants.registry import authorities
from grants.registry.models import Membership


def _login(app, email):
    c = app.test_client()
    assert c.post("/login", data={"email": email, "password": DEMO_PASSWORD}).status_code == 302
    return c


def test_two_authorities_portals_national_view_ical_and_one_home(app, client, session):
    seed()
    s = db.session()
    krk, wie = authorities.by_code(s, "KRK"), authorities.by_code(s, CODE)
    assert authorities.voivodeship(wie) == "małopolskie"
    wie_contest = s.scalar(select(Contest).where(Contest.grantor_id == wie.id, Contest.state == "published"))
    wie_offer = s.scalar(select(Offer).where(Offer.contest_id == wie_contest.id))
    # Kraków has several open calls: take one the same NGO applied to (no ORDER BY means any order on PostgreSQL)
    krk_contest = s.scalar(select(Contest).join(Offer, Offer.contest_id == Contest.id)
                           .where(Contest.grantor_id == krk.id, Contest.state == "published",
                                  Offer.organisation_id == wie_offer.organisation_id, Offer.submitted_at.is_not(None))
                           .order_by(Contest.id).limit(1))
    assert wie_contest is not None and krk_contest is not None
    # the national view: both authorities' open calls; filtered by authority, voivodeship and field
    page = client.get("/kraj/").get_data(as_text=True)
    assert wie_contest.title in page and krk_contest.title in page
    only_wie = client.get(f"/kraj/?grantor={CODE}").get_data(as_text=True)
    assert wie_contest.title in only_wie and krk_contest.title not in only_wie
    assert wie_contest.title in client.get("/kraj/?voivodeship=12&field=culture").get_data(as_text=True)
    assert wie_contest.title not in client.get("/kraj/?voivodeship=14").get_data(as_text=True)
    assert client.get("/kraj/?grantor=NIEMA").status_code == 200
    # each authority's portal and iCal feed hold its own contests only
    portal = client.get(f"/{CODE}/").get_data(as_text=True)
    assert wie.name in portal and wie_contest.title in portal and krk_contest.title not in portal
    ics = client.get(f"/{CODE}/calendar.ics").get_data(as_text=True).replace("\r\n ", "")  # unfolded
    assert wie_contest.title in ics and krk_contest.title not in ics
    feed = client.get("/calendar.ics?grantor=KRK").get_data(as_text=True).replace("\r\n ", "")  # unfolded (RFC 5545)
    assert krk_contest.title in feed and wie_contest.title not in feed
    assert client.get("/NIEMA/").status_code == 404
    # one NGO applied to both: its member's home lists both offers, each with its authority
    both = s.scalars(select(Offer).where(Offer.organisation_id == wie_offer.organisation_id,
                                         Offer.contest_id.in_([wie_contest.id, krk_contest.id]))).all()
    assert {o.contest_id for o in both} == {wie_contest.id, krk_contest.id}
    home = _login(app, _member_email(s, wie_offer.organisation_id)).get("/").get_data(as_text=True)
    assert wie.name in home and krk.name in home
    # the other authority's officer does not see Kraków's submitted offers; Kraków's admin does not see Wieliczka's
    wie_officer = _login(app, "urzednik@demo.wieliczka.pl")
    krk_submitted = next(o for o in both if o.contest_id == krk_contest.id and o.submitted_at is not None)
    assert wie_officer.get(f"/offers/{krk_submitted.id}").status_code == 404
    assert wie_officer.get(f"/offers/{wie_offer.id}").status_code == 200
    # the operator manages the authorities and sees no drafts
    op = _login(app, "operator@demo.grants.pl")
    assert CODE in op.get("/operator/grantors/").get_data(as_text=True)
    draft = s.scalar(select(Contest).where(Contest.state == "draft"))
    assert op.get(f"/contests/{draft.id}").status_code == 404


def _member_email(s, organisation_id: int) -> str:
    return s.scalar(select(User.email).join(Membership, Membership.user_id == User.id)
                    .where(Membership.organisation_id == organisation_id).order_by(User.id).limit(1))
