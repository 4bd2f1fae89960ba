"""The commission pool through the pages, with CSRF on (every POST carries the token read from the
form it submits): nomination by an organisation's member, the candidate's consent from the home
page, the public pool, the officer's "add from the pool" on a forming commission (R-COM-NGO)."""
from __future__ import annotations

from sqlalchemy import select

from grants.calltypes.federation.models import PoolCandidate
from grants.commissions import operations as rops
from reviewers.models import CommissionMember
from tests.commissions.test_flow_web import form, post, web_login
from tests.factories import contest_in_evaluation

from .helpers import SECRET_PROFILE, counts, named


def _rows(session):
    session.expire_all()
    return list(session.scalars(select(PoolCandidate).order_by(PoolCandidate.id)))


def test_nominate_consent_and_public_pool_through_the_pages(csrf_app, session, make_user, make_org):
    app = csrf_app
    org = make_org("Stowarzyszenie Seniorzy Razem")
    nominator = make_user("applicant", org=org)
    candidate = named(session, make_user("applicant", email="anna.nowak@test.example.org"), "Anna Nowak")
    web = web_login(app, nominator)
    page = web.get("/commission-pool/nominate")
    assert page.status_code == 200
    data = form(page.get_data(as_text=True), "/commission-pool/nominate", at="/commission-pool/nominate")
    assert data["organisation_id"] == str(org.id)
    # bad input: errors on the page, nothing stored
    before = counts(session)
    r = post(web, "/commission-pool/nominate", {**data, "email": "nikt@test.example.org", "profile": "", "fields": []})
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "Nie ma aktywnego konta" in html and "Podaj krótki profil" in html and "co najmniej jedną sferę" in html
    assert counts(session) == before
    # a POST without the CSRF token changes nothing
    r = web.post("/commission-pool/nominate", data={"organisation_id": org.id, "email": candidate.email,
                                                    "profile": SECRET_PROFILE, "fields": ["seniors"]})
    assert r.status_code == 400 and counts(session) == before
    r = post(web, "/commission-pool/nominate", {**data, "email": candidate.email, "profile": SECRET_PROFILE,
                                                "fields": ["seniors", "health"]})
    assert r.status_code == 303, r.get_data(as_text=True)[:500]
    [c] = _rows(session)
    assert (c.user_id, c.organisation_id, c.fields, c.consent_at) == (candidate.id, org.id, ["seniors", "health"], None)
    listing = web.get("/commission-pool/nominate").get_data(as_text=True)
    assert "Anna Nowak" in listing and "czeka na zgodę" in listing
    # not public before consent
    assert "Anna Nowak" not in app.test_client().get("/commission-pool").get_data(as_text=True)

    # the candidate's home page asks for consent; the candidate consents on their page
    cweb = web_login(app, candidate)
    home = cweb.get("/").get_data(as_text=True)
    assert "Zgłoszono Cię do puli" in home and f"/commission-pool/{c.id}" in home
    page = cweb.get(f"/commission-pool/{c.id}").get_data(as_text=True)
    assert SECRET_PROFILE in page  # the candidate sees their own profile
    assert post(cweb, f"/commission-pool/{c.id}/consent",
                form(page, f"/commission-pool/{c.id}/consent")).status_code == 303
    assert _rows(session)[0].consent_at is not None
    assert "Zgłoszono Cię do puli" not in cweb.get("/").get_data(as_text=True)

    # public: name and organisation, never the e-mail or the profile; filtered by field
    anon = app.test_client()
    html = anon.get("/commission-pool").get_data(as_text=True)
    assert "Anna Nowak" in html and "Stowarzyszenie Seniorzy Razem" in html
    assert candidate.email not in html and "anna.nowak" not in html and SECRET_PROFILE not in html
    assert "Anna Nowak" in anon.get("/commission-pool?field=health").get_data(as_text=True)
    assert "Anna Nowak" not in anon.get("/commission-pool?field=sport").get_data(as_text=True)
    assert anon.get("/commission-pool?field=nonsense").status_code == 200
    # the candidate's page is not public
    assert anon.get(f"/commission-pool/{c.id}").status_code == 302
    stranger = web_login(app, make_user("applicant", org=make_org()))
    assert stranger.get(f"/commission-pool/{c.id}").status_code == 404


def test_candidate_page_consent_profile_and_withdraw_only_by_those_entitled(csrf_app, session, make_user, make_org):
    from grants.calltypes.federation import pool as ops
    app = csrf_app
    org = make_org()
    nominator = make_user("applicant", org=org)
    candidate = named(session, make_user("applicant"), "Anna Nowak")
    c = ops.nominate(session, nominator, organisation_id=org.id, email=candidate.email, profile=SECRET_PROFILE,
                     fields=["culture"])
    session.commit()
    pid = c.id
    nweb, cweb = web_login(app, nominator), web_login(app, candidate)
    npage = nweb.get(f"/commission-pool/{pid}").get_data(as_text=True)
    # the nominating organisation sees no consent button and no profile form; it may withdraw
    assert f"/commission-pool/{pid}/consent" not in npage and f"/commission-pool/{pid}/profile" not in npage
    token = form(npage, f"/commission-pool/{pid}/withdraw")["csrf_token"]
    before = counts(session)
    assert nweb.post(f"/commission-pool/{pid}/consent", data={"csrf_token": token}).status_code == 403
    assert nweb.post(f"/commission-pool/{pid}/profile", data={"csrf_token": token, "profile": "x",
                                                              "fields": ["culture"]}).status_code == 403
    stranger = web_login(app, make_user("applicant", org=make_org()))
    spage_token = form(stranger.get("/").get_data(as_text=True), "/logout")["csrf_token"]
    assert stranger.post(f"/commission-pool/{pid}/consent", data={"csrf_token": spage_token}).status_code == 404
    assert counts(session) == before
    # the candidate edits the profile: bad input shown, nothing changed; then saved
    cpage = cweb.get(f"/commission-pool/{pid}").get_data(as_text=True)
    data = form(cpage, f"/commission-pool/{pid}/profile")
    r = post(cweb, f"/commission-pool/{pid}/profile", {**data, "profile": "y" * 1001})
    assert r.status_code == 422 and "1000" in r.get_data(as_text=True)
    assert counts(session) == before and _rows(session)[0].profile == SECRET_PROFILE
    assert post(cweb, f"/commission-pool/{pid}/profile", {**data, "profile": "Nowy profil",
                                                          "fields": ["culture", "sport"]}).status_code == 303
    row = _rows(session)[0]
    assert (row.profile, row.fields) == ("Nowy profil", ["culture", "sport"])
    # the nominating organisation withdraws from its list: the nomination leaves for good
    listing = nweb.get("/commission-pool/nominate").get_data(as_text=True)
    assert post(nweb, f"/commission-pool/{pid}/withdraw", form(listing, f"/commission-pool/{pid}/withdraw")).status_code == 303
    assert _rows(session)[0].withdrawn_at is not None
    r = cweb.post(f"/commission-pool/{pid}/consent", data={"csrf_token": data["csrf_token"]}, follow_redirects=True)
    assert "wycofane" in r.get_data(as_text=True) and _rows(session)[0].consent_at is None
    # only organisation members reach the nomination form
    officer = web_login(app, make_user("officer"))
    assert officer.get("/commission-pool/nominate").status_code == 403
    assert app.test_client().get("/commission-pool/nominate").status_code == 302


def test_r_com_ngo_officer_adds_from_the_pool_on_the_commission_page(csrf_app, session, make_user, make_org):
    from grants.calltypes.federation import pool as ops
    app = csrf_app
    officer = make_user("officer")
    org_a, org_n = make_org("Fundacja Biorąca Udział"), make_org("Stowarzyszenie Obok")
    a, n = make_user("applicant", org=org_a), make_user("applicant", org=org_n)
    contest, _ = contest_in_evaluation(session, officer, [(a, org_a, "9000.00")])
    com = rops.create(session, officer, contest)
    session.commit()
    cid = com.id
    people = {}
    for nominator, org, name in ((a, org_a, "Adam Uczestnik"), (n, org_n, "Nina Niezależna")):
        u = named(session, make_user("applicant"), name)
        c = ops.nominate(session, nominator, organisation_id=org.id, email=u.email, profile=f"Profil: {name}",
                         fields=["culture"])
        ops.consent(session, u, c)
        session.commit()
        people[name] = (u.id, c.id)
    waiting = named(session, make_user("applicant"), "Witold Czekający")
    ops.nominate(session, n, organisation_id=org_n.id, email=waiting.email, profile="p", fields=["sport"])
    session.commit()

    web = web_login(app, officer)
    page = web.get(f"/commissions/{cid}").get_data(as_text=True)
    assert 'id="pool"' in page
    # officers see the profile and the nominating organisation, and who R-COM-NGO would exclude
    assert "Profil: Nina Niezależna" in page and "Stowarzyszenie Obok" in page
    assert "Organizacja złożyła ofertę w tym konkursie" in page
    assert "Witold Czekający" not in page  # no consent: not offered
    assert "Nina Niezależna" not in web.get(f"/commissions/{cid}?pool_field=sport").get_data(as_text=True).split('id="pool"')[1]
    for name in ("Adam Uczestnik", "Nina Niezależna"):
        uid, pid = people[name]
        page = web.get(f"/commissions/{cid}").get_data(as_text=True)
        r = post(web, f"/commissions/{cid}/members/from-pool",
                 form(page, f"/commissions/{cid}/members/from-pool", candidate_id=pid))
        assert r.status_code == 303, r.get_data(as_text=True)[:300]
    session.expire_all()
    members = {m.user_id: m for m in session.scalars(select(CommissionMember).where(CommissionMember.commission_id == cid))}
    adam, nina = members[people["Adam Uczestnik"][0]], members[people["Nina Niezależna"][0]]
    assert (adam.kind, adam.nominating_organisation_id) == ("ngo", org_a.id) and "organizacja wskazująca" in adam.excluded_reason
    assert (nina.kind, nina.nominating_organisation_id, nina.excluded_reason) == ("ngo", org_n.id, None)
    page = web.get(f"/commissions/{cid}").get_data(as_text=True)
    assert "Profil: Nina" not in page.split('id="pool"')[1]  # sitting members leave the picker
    # a stale version (the page was open while the commission changed) changes nothing
    token = form(page, "/logout")["csrf_token"]
    r = web.post(f"/commissions/{cid}/members/from-pool", data={"csrf_token": token, "version": "1",
                                                                 "candidate_id": people["Nina Niezależna"][1]},
                 follow_redirects=True)
    assert "zmieniony" in r.get_data(as_text=True)
    assert len(list(session.scalars(select(CommissionMember).where(CommissionMember.commission_id == cid)))) == 2
    # an applicant does not see the commission at all
    aweb = web_login(app, a)
    atoken = form(aweb.get("/").get_data(as_text=True), "/logout")["csrf_token"]
    assert aweb.post(f"/commissions/{cid}/members/from-pool", data={"csrf_token": atoken}).status_code == 404
