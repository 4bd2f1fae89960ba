"""The same life through the web pages: an officer announces, an NGO fills the template and submits."""
import re

from werkzeug.datastructures import MultiDict

from tests.factories import make_contest, offer_content
from tests.flows import contest_form, flat


def test_offer_filled_section_by_section_and_submitted(app, session, make_user, make_org, login, clock_at):
    officer = make_user("officer")
    org = make_org()
    ngo = make_user("applicant", org=org)
    c = make_contest(session, officer)
    client = app.test_client()
    login(ngo, client)
    r = client.get(f"/contests/{c.id}")
    assert r.status_code == 200 and "Nowa oferta" in r.get_data(as_text=True)
    r = client.post(f"/contests/{c.id}/offers", data={"organisation_id": org.id})
    assert r.status_code == 303
    oid = int(re.search(r"/offers/(\d+)", r.headers["Location"]).group(1))
    full = offer_content(c)
    for name in ("basic", "applicant", "task", "profile", "costs", "sources", "other"):
        data = flat(name, full[name])
        r = client.post(f"/offers/{oid}/sections/{name}", data=MultiDict([("version", str(_version(session, oid)))] + data))
        assert r.status_code == 303, (name, r.get_data(as_text=True)[:3000])
    data = [("version", str(_version(session, oid)))] + [("declarations.accepted[]", d) for d in full["declarations"]["accepted"]]
    assert client.post(f"/offers/{oid}/sections/declarations", data=MultiDict(data)).status_code == 303
    page = client.get(f"/offers/{oid}").get_data(as_text=True)
    assert "Oferta jest kompletna" in page, page[:5000]
    r = client.post(f"/offers/{oid}/transitions/submit", data={"version": _version(session, oid)})
    assert r.status_code == 303
    page = client.get(f"/offers/{oid}").get_data(as_text=True)
    assert "Potwierdzenie złożenia" in page and "SHA-256" in page
    # a double click: the second submit shows the same receipt, no second revision
    r = client.post(f"/offers/{oid}/transitions/submit", data={"version": 1})
    assert r.status_code == 303 and "#receipt" in r.headers["Location"]
    from grants.offers.models import Offer
    session.expire_all()
    assert session.get(Offer, oid).revision_count == 1
    assert client.get(f"/offers/{oid}/print").status_code == 200


def _version(session, oid):
    from grants.offers.models import Offer
    session.expire_all()
    return session.get(Offer, oid).version


def test_officer_announces_through_the_form(app, session, make_user, login):
    officer = make_user("officer")
    client = app.test_client()
    login(officer, client)
    r = client.get("/contests/new")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "criteria-0-code" in page
    from datetime import timedelta
    from grants.core import clock
    form = contest_form("Kultura w dzielnicach", clock.now() + timedelta(days=40), clock.today().year + 1)
    r = client.post("/contests/new", data=form)
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    cid = int(r.headers["Location"].rstrip("/").split("/")[-1])
    from grants.contests.models import Contest
    c = session.get(Contest, cid)
    page = client.get(f"/contests/{cid}").get_data(as_text=True)
    r = client.post(f"/contests/{cid}/transitions/publish", data={"version": c.version})
    assert r.status_code == 303
    session.expire_all()
    assert session.get(Contest, cid).state == "published", client.get(f"/contests/{cid}").get_data(as_text=True)[:3000]
    assert client.get(f"/contests/{cid}/print").status_code == 200
    anon = app.test_client()
    assert "Kultura w dzielnicach" in anon.get("/contests/").get_data(as_text=True)
