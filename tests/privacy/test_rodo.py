"""R-RODO: the privacy notice where data is collected, one's own data as JSON, deletion that
anonymises the person and keeps the documents the law requires, and retention periods applied."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grants.accounts.models import LoginAttempt, User
from grants.agreements import operations as aops
from grants.agreements.models import Agreement
from grants.api.models import ApiToken
from grants.core import clock, db
from grants.offers.models import Offer
from grants.params.models import DatedParameter
from grants.privacy import operations
from grants.privacy.models import DeletionRequest
from grants.registry.models import Membership
from tests.factories import PASSWORD, decided_contest


def fresh(model, id_):
    with Session(db.get_engine()) as s:
        obj = s.get(model, id_)
        s.expunge_all()
        return obj


def mails_to(address: str) -> list[dict]:
    from grants.core.outbox import OutboxEvent
    with Session(db.get_engine()) as s:
        rows = [json.loads(e.payload) for e in s.scalars(select(OutboxEvent).where(OutboxEvent.topic == "email.send"))]
    return [p for p in rows if p["to"] == address]


def test_r_rodo_notice_is_public_and_names_the_controller_dpo_and_uodo(app, session, make_user):
    make_user("officer")  # creates the grantor Gmina Miejska Kraków
    page = app.test_client().get("/privacy")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Gmina Miejska Kraków" in html and "Prezydent Miasta Krakowa" in html
    assert "iod@um.krakow.pl" in html  # the DPO contact setting's default
    assert "Prezesa Urzędu Ochrony Danych Osobowych" in html
    assert "art. 6 ust. 1 lit. c" in html and "art. 6 ust. 1 lit. e" in html
    assert "10 pełnych lat" in html and "90 dni" in html  # retention from the dated parameters


def test_r_rodo_notice_in_english_through_the_catalog(app):
    client = app.test_client()
    client.post("/lang/en", data={"next": "/privacy"})
    html = client.get("/privacy").get_data(as_text=True)
    assert "Privacy notice" in html and "President of the Personal Data Protection Office" in html


def test_r_rodo_notice_shown_at_registration_and_in_the_footer(app):
    client = app.test_client()
    register = client.get("/register").get_data(as_text=True)
    assert 'href="/privacy"' in register and "Administratorem Twoich danych jest" in register
    for url in ("/", "/login", "/consultations/"):
        assert 'href="/privacy"' in client.get(url).get_data(as_text=True), url


def test_r_rodo_notice_retention_follows_a_dated_parameter(app, session, make_user, login):
    admin = login(make_user("admin"), app.test_client())
    r = admin.post("/admin/parameters/", data={"key": "retention.login_attempts_days",
                                               "valid_from": "2020-01-01", "value": "60"})
    assert r.status_code == 303
    assert "60 dni" in app.test_client().get("/privacy").get_data(as_text=True)


def test_r_rodo_export_holds_ones_own_data_and_nothing_of_another_person(app, session, make_user, make_org,
                                                                         login, api_token):
    org = make_org()
    me = make_user("applicant", org=org, email="ja@test.example.org")
    other = make_user("applicant", org=org, email="ktos.inny@test.example.org")
    client = login(me, app.test_client())
    login(other, app.test_client())
    app.test_client().post("/login", data={"email": me.email, "password": "zle-haslo-000"})  # a failed attempt, mine
    app.test_client().post("/login", data={"email": other.email, "password": "zle-haslo-000"})
    headers = api_token(me)

    page = client.get("/account/data")
    assert page.status_code == 200 and "ja@test.example.org" in page.get_data(as_text=True)
    r = client.get("/account/data.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert "attachment" in r.headers["Content-Disposition"]
    data = json.loads(r.get_data(as_text=True))
    assert data["account"]["email"] == me.email and data["account"]["full_name"] == "Test User"
    assert "password_hash" not in json.dumps(data) and "totp_secret" not in json.dumps(data)
    assert data["roles"] == ["applicant"]
    assert [m["organisation_id"] for m in data["memberships"]] == [org.id]
    assert len(data["api_tokens"]) == 1 and "token_hash" not in data["api_tokens"][0]
    assert {a["success"] for a in data["login_history"]} == {True, False}
    assert "ktos.inny" not in json.dumps(data)  # nothing of the other member

    api = app.test_client().get("/api/v1/me/data", headers=headers)
    assert api.status_code == 200 and api.get_json()["account"]["email"] == me.email
    assert "ktos.inny" not in api.get_data(as_text=True)
    assert app.test_client().get("/api/v1/me/data").status_code == 401
    assert app.test_client().get("/account/data").status_code == 302  # to the login


def test_r_rodo_participant_deletion_is_carried_out_at_once(app, session, make_user, login):
    me = make_user("participant", stakeholder_type="resident", email="mieszkanka@test.example.org")
    client = login(me, app.test_client())
    assert client.post("/account/deletion", data={"reason": ""}).status_code == 422  # not confirmed
    assert session.scalar(select(func.count()).select_from(DeletionRequest)) == 0
    r = client.post("/account/deletion", data={"reason": "nie korzystam", "confirm": "y"})
    assert r.status_code == 200 and "zanonimizowane" in r.get_data(as_text=True)
    user = fresh(User, me.id)
    assert user.email.endswith("@anonymised.invalid") and user.full_name == "Osoba anonimowa"
    assert user.stakeholder_type is None and not user.active and user.anonymised_at is not None
    assert fresh(DeletionRequest, 1).state == "done"
    [mail] = mails_to("mieszkanka@test.example.org")
    year = clock.real_now().year
    assert "zanonimizowane" in mail["body"] and f"dziennik zdarzeń (audyt): {year + 10}-12-31" in mail["body"]
    with Session(db.get_engine()) as s:
        assert s.scalar(select(func.count()).select_from(LoginAttempt)
                        .where(LoginAttempt.email == "mieszkanka@test.example.org")) == 0
    assert 'action="/logout"' not in client.get("/").get_data(as_text=True)  # the session ended
    assert app.test_client().post("/login", data={"email": "mieszkanka@test.example.org",
                                                  "password": PASSWORD}).status_code == 401


def test_r_rodo_deletion_anonymises_the_applicant_and_keeps_offer_and_agreement(app, session, make_user, make_org,
                                                                                  login, api_token):
    officer, officer2 = make_user("officer"), make_user("officer")
    org = make_org()
    ngo = make_user("applicant", org=org, email="prezes@fundacja.example.org")
    admin = make_user("admin")
    contest, offers = decided_contest(session, officer, [(ngo, org, "9000.00")], officer2)
    agreement = aops.draft_from_offer(session, officer, offers[0])
    session.commit()
    offer_id, agreement_id, ngo_id = offers[0].id, agreement.id, ngo.id

    headers = api_token(ngo)
    r = app.test_client().post("/api/v1/me/deletion-request", json={"reason": "proszę o usunięcie"}, headers=headers)
    assert r.status_code == 201, r.get_data(as_text=True)
    body = r.get_json()
    assert body["state"] == "requested"  # documents to keep: an admin handles it
    kinds = {k["kind"] for k in body["kept"]}
    assert {"offer", "agreement", "audit"} <= kinds
    assert all(k["until"] is None for k in body["kept"])  # the agreement is not settled yet
    assert app.test_client().get("/api/v1/me/deletion-request", headers=headers).get_json()["id"] == body["id"]

    admin_client = login(admin, app.test_client())
    page = admin_client.get("/admin/deletion-requests/").get_data(as_text=True)
    assert "prezes@fundacja.example.org" in page and "umowa" in page
    assert login(officer, app.test_client()).get("/admin/deletion-requests/").status_code == 403
    r = admin_client.post(f"/admin/deletion-requests/{body['id']}", data={"decision": "approve", "note": "wykonano"})
    assert r.status_code == 303

    user = fresh(User, ngo_id)
    assert user.email.startswith("anon-") and user.full_name == "Osoba anonimowa" and not user.active
    with Session(db.get_engine()) as s:
        assert s.scalar(select(func.count()).select_from(Membership).where(Membership.user_id == ngo_id)) == 0
        assert s.scalar(select(func.count()).select_from(ApiToken).where(ApiToken.user_id == ngo_id)) == 0
        offer, agr = s.get(Offer, offer_id), s.get(Agreement, agreement_id)
        assert offer is not None and offer.number and offer.content["applicant"]["contact_person"] == "Jan Kowalski"
        assert agr is not None and agr.offer_id == offer_id
        req = s.get(DeletionRequest, body["id"])
        assert req.state == "done" and {"offer", "agreement"} <= {k["kind"] for k in req.kept}
    assert app.test_client().get("/api/v1/me/data", headers=headers).status_code == 401  # tokens ended
    # the answer, to the address as it was (the person's own notifications of the offer and the agreement,
    # grants.notifications, went there before it)
    [mail] = [m for m in mails_to("prezes@fundacja.example.org") if "zanonimizowane" in m["body"]]
    assert "zanonimizowane" in mail["body"] and "umowa" in mail["body"] and offer.number in mail["body"]


def test_r_rodo_kept_until_counts_full_years_after_the_matter_ended(session):
    from grants.privacy import retention
    assert retention.kept_until(session, 2026) == "2036-12-31"
    session.add(DatedParameter(key="retention.documents_years", valid_from=clock.real_now().date().replace(year=2020),
                               value="5"))
    session.commit()
    assert retention.kept_until(session, 2026) == "2031-12-31"
    assert retention.kept_until(session, None) is None


def test_r_rodo_refusal_needs_a_reason_and_admins_only(app, session, make_user, login):
    officer = make_user("officer")  # staff: an admin decides
    admin = make_user("admin")
    req = operations.request_deletion(session, officer, "")
    session.commit()
    assert req.state == "requested"
    client = login(admin, app.test_client())
    client.post(f"/admin/deletion-requests/{req.id}", data={"decision": "refuse", "note": ""})
    assert fresh(DeletionRequest, req.id).state == "requested"  # nothing changed without a reason
    client.post(f"/admin/deletion-requests/{req.id}", data={"decision": "refuse", "note": "trwa postępowanie"})
    assert fresh(DeletionRequest, req.id).state == "refused"
    assert "trwa postępowanie" in mails_to(officer.email)[0]["body"]
    assert fresh(User, officer.id).active


def test_r_rodo_an_admin_handles_the_requests_of_their_own_authority_and_of_no_authority(app, session, make_user,
                                                                                          login):
    """Issue 22: another authority's admin neither sees a Kraków officer's request nor decides it
    (404 on the page, PermissionDenied in the operation); an applicant's (of no authority) is every
    admin's, as with every account (grants.accounts.admin.manageable)."""
    from grants.accounts.operations import create_user
    from grants.core.permissions import PermissionDenied
    from grants.registry import authorities

    officer, applicant = make_user("officer"), make_user("applicant")  # Kraków's; of no authority
    krk_admin = make_user("admin")
    authorities.create(session, None, code="WIE", name="Gmina Wieliczka", teryt="1219063")
    wie_admin = create_user(session, email="admin@wieliczka.example.org", password=PASSWORD, roles=["admin"],
                            grantor_code="WIE")
    staff_req = operations.request_deletion(session, officer, "")
    # as if documents had to be kept (an applicant without any is anonymised at once, no admin decides)
    ngo_req = DeletionRequest(user_id=applicant.id, state="requested", requested_at=clock.real_now(), kept=[])
    session.add(ngo_req)
    session.commit()
    wie = login(wie_admin, app.test_client())
    page = wie.get("/admin/deletion-requests/").get_data(as_text=True)
    assert officer.email not in page and applicant.email in page
    r = wie.post(f"/admin/deletion-requests/{staff_req.id}", data={"decision": "refuse", "note": "nie"})
    assert r.status_code == 404 and fresh(DeletionRequest, staff_req.id).state == "requested"
    try:
        operations.handle(session, session.merge(staff_req), session.merge(wie_admin), approve=False, note="nie")
        raise AssertionError("another authority's admin decided a Kraków officer's request")
    except PermissionDenied:
        session.rollback()
    krk = login(krk_admin, app.test_client())
    page = krk.get("/admin/deletion-requests/").get_data(as_text=True)
    assert officer.email in page and applicant.email in page
    krk.post(f"/admin/deletion-requests/{staff_req.id}", data={"decision": "refuse", "note": "trwa postępowanie"})
    assert fresh(DeletionRequest, staff_req.id).state == "refused"
    wie.post(f"/admin/deletion-requests/{ngo_req.id}", data={"decision": "refuse", "note": "trwa postępowanie"})
    assert fresh(DeletionRequest, ngo_req.id).state == "refused"


def test_r_rodo_purge_removes_old_login_attempts_and_expired_tokens(app, session, make_user):
    user = make_user("applicant")
    now = clock.real_now()
    session.add_all([LoginAttempt(email=user.email, ip="10.0.0.1", success=False, at=now - timedelta(days=91)),
                     LoginAttempt(email=user.email, ip="10.0.0.1", success=True, at=now - timedelta(days=89)),
                     ApiToken(user_id=user.id, token_hash="a" * 64, created_at=now - timedelta(days=90),
                              expires_at=now - timedelta(days=31)),
                     ApiToken(user_id=user.id, token_hash="b" * 64, created_at=now, expires_at=now + timedelta(days=1))])
    session.commit()
    result = app.test_cli_runner().invoke(args=["rodo", "purge"])
    assert result.exit_code == 0, result.output
    assert "login_attempts: 1" in result.output
    with Session(db.get_engine()) as s:
        assert [a.success for a in s.scalars(select(LoginAttempt))] == [True]
        assert [t.token_hash[0] for t in s.scalars(select(ApiToken))] == ["b"]
    assert "login_attempts: 0" in app.test_cli_runner().invoke(args=["rodo", "purge"]).output  # idempotent


def test_r_rodo_purge_removes_accounts_never_confirmed_within_the_period(app, session, make_user):
    from grants.accounts.models import UserRole
    now = clock.real_now()
    old, fresh, confirmed = make_user("participant"), make_user("participant"), make_user("participant")
    old.email_confirmed_at, old.created_at = None, now - timedelta(days=31)
    fresh.email_confirmed_at, fresh.created_at = None, now - timedelta(days=29)
    confirmed.created_at = now - timedelta(days=400)
    ids = old.id, fresh.id, confirmed.id
    session.commit()
    result = app.test_cli_runner().invoke(args=["rodo", "purge"])
    assert result.exit_code == 0, result.output
    assert "unconfirmed_accounts: 1" in result.output
    with Session(db.get_engine()) as s:
        assert sorted(s.scalars(select(User.id))) == sorted(ids[1:])
        assert s.scalar(select(UserRole).where(UserRole.user_id == ids[0])) is None


def test_r_rodo_purge_runs_from_the_scheduler(app, session, make_user):
    from grants.jobs.scheduler import Scheduler
    user = make_user("applicant")
    session.add(LoginAttempt(email=user.email, ip="", success=False, at=clock.real_now() - timedelta(days=100)))
    session.commit()
    done = Scheduler(app).tick()
    assert done["purged"]["login_attempts"] == 1


def test_r_rodo_a_withdrawn_offer_is_kept_ten_full_years_after_its_year(app, session, make_user, make_org):
    from grants.offers import operations as oops
    from grants.privacy import retention
    from tests.factories import complete_draft, make_contest
    officer = make_user("officer")
    org = make_org()
    ngo = make_user("applicant", org=org)
    offer = complete_draft(session, ngo, make_contest(session, officer), org)
    oops.transition(session, offer, "submit", ngo)
    [kept] = [k for k in retention.kept_documents(session, ngo) if k.kind == "offer"]
    assert kept.until is None  # submitted: the matter goes on
    oops.transition(session, offer, "withdraw", ngo, {"reason": "rezygnacja"})
    year = clock.real_now().year
    [kept] = [k for k in retention.kept_documents(session, ngo) if k.kind == "offer"]
    assert kept.until == f"{year + 10}-12-31"
    assert retention.must_keep(session, ngo)
