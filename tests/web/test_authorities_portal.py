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


def test_an_authoritys_pages_under_its_own_path_show_only_its_figures(app, client, session):
    """/<code>/kalendarz/, /w-liczbach/, /otwarte-dane/ and /powiadomienia/ are the deployment's pages
    filtered to that authority (one address each, so a 308 to it); its public dashboard counts its
    published contests only."""
    seed()
    s = db.session()
    wie = authorities.by_code(s, CODE)
    for page, target in (("kalendarz", "/calendar"), ("w-liczbach", "/dashboards/public"),
                         ("otwarte-dane", "/open-data/"), ("powiadomienia", "/subscriptions/")):
        r = client.get(f"/{CODE}/{page}/?year=2026&grantor=KRK")
        assert r.status_code == 308, page
        assert r.headers["Location"].startswith(target) and f"grantor={CODE}" in r.headers["Location"], page
        assert "grantor=KRK" not in r.headers["Location"]
        assert client.get(r.headers["Location"]).status_code == 200, page
    assert client.get("/NIEMA/kalendarz/").status_code == 404
    assert client.get(f"/{CODE}/nieznana/").status_code == 404
    portal = client.get(f"/{CODE}/").get_data(as_text=True)
    assert f"/{CODE}/w-liczbach/" in portal and f"/{CODE}/otwarte-dane/" in portal
    # the dashboard by call type: Wieliczka's published contests only, Kraków's many are not counted
    mine = client.get(f"/dashboards/public?grantor={CODE}&by=call_type&format=csv").get_data(as_text=True)
    every = client.get("/dashboards/public?by=call_type&format=csv").get_data(as_text=True)
    assert mine != every
    assert wie.name in client.get(f"/dashboards/public?grantor={CODE}").get_data(as_text=True)
    assert client.get("/dashboards/public?grantor=NIEMA").status_code == 404
    # the subscription form offers an authority's own districts: Kraków's dzielnice are not Wieliczka's
    assert "Grzegórzki" in client.get("/subscriptions/?grantor=KRK").get_data(as_text=True)
    assert "Grzegórzki" not in client.get(f"/subscriptions/?grantor={CODE}").get_data(as_text=True)


def _member_email(s, organisation_id: int) -> str:
    return s.scalar(select(User.email).join(Membership, Membership.user_id == User.id)
                    .where(Membership.organisation_id == organisation_id).order_by(User.id).limit(1))
