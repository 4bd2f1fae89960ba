"""Sessions that end (issue 21): a copy of the session cookie taken before logout, "log out
everywhere", a password change or a deactivation opens nothing afterwards, and the user's API
tokens stop working at the same moment. Through the pages with CSRF on, as a browser does."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from grants.accounts import sessions
from grants.accounts.models import User
from grants.api.models import ApiToken
from grants.core.audit import AuditEntry
from grants.offers import operations as oops
from tests.factories import PASSWORD, make_contest, offer_content

from .support import (api_token, bearer, fresh, fresh_one, logged_in, post_form, replay, session_cookie,
                      web_login)

NEW_PASSWORD = "Zielony-Rower-Wisla-7"


@pytest.fixture
def draft(session, make_user, make_org):
    """An applicant's draft offer with a recognisable title (the finding: /offers/1 with draft content)."""
    officer = make_user("officer")
    org = make_org()
    applicant = make_user("applicant", org=org)
    contest = make_contest(session, officer)
    offer = oops.create(session, applicant, contest, org.id)
    content = offer_content(contest)
    content["task"]["title"] = "Tajny szkic oferty 4711"
    oops.save_sections(session, offer, applicant, content)
    session.commit()
    return applicant, offer.id


def test_replayed_cookie_after_logout_opens_nothing(csrf_app, draft):
    applicant, offer_id = draft
    browser = web_login(csrf_app, applicant)
    assert "Tajny szkic oferty 4711" in browser.get(f"/offers/{offer_id}").get_data(as_text=True)
    kept = session_cookie(browser)  # an attacker's (or a shared computer's) copy of the cookie

    r = post_form(browser, "/", "/logout")
    assert r.status_code == 302

    thief = replay(csrf_app, kept)
    r = thief.get(f"/offers/{offer_id}")
    assert r.status_code == 302 and r.headers["Location"].startswith("/login")
    assert "Tajny szkic" not in thief.get(f"/offers/{offer_id}", follow_redirects=True).get_data(as_text=True)
    assert not logged_in(thief)


def test_logout_without_the_csrf_token_is_refused_and_ends_nothing(csrf_app, make_user):
    user = make_user("applicant")
    browser = web_login(csrf_app, user)
    assert browser.post("/logout").status_code == 400
    assert logged_in(browser)
    assert fresh_one(User, user.id).session_generation == 0


def test_logout_ends_the_sessions_on_other_devices_and_the_tokens(csrf_app, make_user):
    user = make_user("applicant")
    laptop, phone = web_login(csrf_app, user), web_login(csrf_app, user)
    token = api_token(csrf_app.test_client(), user)
    post_form(laptop, "/", "/logout")
    assert not logged_in(phone)
    assert csrf_app.test_client().get("/api/v1/tokens", headers=bearer(token)).status_code == 401
    assert fresh(select(ApiToken.id).where(ApiToken.user_id == user.id)) == []


def test_log_out_everywhere_from_the_account_page(csrf_app, make_user):
    user = make_user("officer")
    laptop, phone = web_login(csrf_app, user), web_login(csrf_app, user)
    kept = session_cookie(phone)
    token = api_token(csrf_app.test_client(), user, name="skrypt")

    r = post_form(laptop, "/account/", "/account/logout-everywhere")
    assert r.status_code == 303 and r.headers["Location"] == "/login"
    for browser in (laptop, phone, replay(csrf_app, kept)):
        assert not logged_in(browser)
    assert csrf_app.test_client().get("/api/v1/tokens", headers=bearer(token)).status_code == 401
    # audited on the user's chain; the user signs in again as before
    actions = [a for (a,) in fresh(select(AuditEntry.action).where(AuditEntry.object_type == "user",
                                                                   AuditEntry.object_id == str(user.id))
                                   .order_by(AuditEntry.id))]
    assert sessions.EVERYWHERE in actions
    assert logged_in(web_login(csrf_app, user))


def test_password_change_ends_other_sessions_and_tokens_but_keeps_this_browser(csrf_app, make_user):
    user = make_user("applicant")
    here, elsewhere = web_login(csrf_app, user), web_login(csrf_app, user)
    kept = session_cookie(here)
    token = api_token(csrf_app.test_client(), user)

    r = post_form(here, "/account/", "/account/password",
                  {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert r.status_code == 303
    assert logged_in(here)  # signed in again with the new generation
    assert not logged_in(elsewhere)
    assert not logged_in(replay(csrf_app, kept))  # this browser's old cookie too
    assert csrf_app.test_client().get("/api/v1/tokens", headers=bearer(token)).status_code == 401
    # the old password no longer works, the new one does
    c = csrf_app.test_client()
    assert post_form(c, "/login", "/login", {"email": user.email, "password": PASSWORD}).status_code == 401
    assert logged_in(web_login(csrf_app, user, NEW_PASSWORD))


def test_password_change_needs_the_current_password_and_changes_nothing_without_it(csrf_app, make_user):
    user = make_user("applicant")
    browser = web_login(csrf_app, user)
    before = fresh_one(User, user.id).password_hash
    r = post_form(browser, "/account/", "/account/password",
                  {"current_password": "Nie-To-Haslo-99", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert r.status_code == 422
    assert "Obecne hasło jest nieprawidłowe." in r.get_data(as_text=True)
    after = fresh_one(User, user.id)
    assert (after.password_hash, after.session_generation) == (before, 0)
    assert logged_in(browser)


def test_password_change_refuses_a_weak_or_mismatched_password(csrf_app, make_user):
    user = make_user("applicant")
    browser = web_login(csrf_app, user)
    r = post_form(browser, "/account/", "/account/password",
                  {"current_password": PASSWORD, "password": "1234567890", "confirm": "1234567890"})
    assert r.status_code == 422
    assert "Hasło jest zbyt łatwe do odgadnięcia" in r.get_data(as_text=True)
    r = post_form(browser, "/account/", "/account/password",
                  {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert r.status_code == 422
    assert "Hasła nie są takie same." in r.get_data(as_text=True)
    assert fresh_one(User, user.id).session_generation == 0


def test_deactivation_by_the_admin_ends_sessions_and_tokens_and_blocks_login(csrf_app, make_user):
    admin, user = make_user("admin"), make_user("applicant")
    victim_browser = web_login(csrf_app, user)
    token = api_token(csrf_app.test_client(), user)
    admin_browser = web_login(csrf_app, admin)

    r = post_form(admin_browser, f"/admin/users/{user.id}", f"/admin/users/{user.id}/deactivate")
    assert r.status_code == 303
    assert not logged_in(victim_browser)
    assert csrf_app.test_client().get("/api/v1/tokens", headers=bearer(token)).status_code == 401
    c = csrf_app.test_client()
    assert post_form(c, "/login", "/login", {"email": user.email, "password": PASSWORD}).status_code == 401
    assert csrf_app.test_client().post("/api/v1/tokens", json={"email": user.email,
                                                               "password": PASSWORD}).status_code == 401

    r = post_form(admin_browser, f"/admin/users/{user.id}", f"/admin/users/{user.id}/activate")
    assert r.status_code == 303
    assert logged_in(web_login(csrf_app, user))
    assert not logged_in(victim_browser)  # reactivation brings no old session back
    actions = [a for (a,) in fresh(select(AuditEntry.action).where(AuditEntry.object_type == "user",
                                                                   AuditEntry.object_id == str(user.id))
                                   .order_by(AuditEntry.id))]
    assert actions[-2:] == [sessions.DEACTIVATED, "activate"]


def _with_user_id(browser, value: str) -> None:
    """Rewrites the signed session's user entry, keeping everything else (the session protection's
    identifier too), as one who knows the secret key or kept an old cookie could."""
    with browser.session_transaction() as s:
        assert s["_user_id"] == f"{s['_user_id'].split(':')[0]}:0"
        s["_user_id"] = value


def test_a_cookie_from_before_generations_is_refused(csrf_app, make_user):
    """A cookie naming only the user id (as issued before this change) loads nobody."""
    user = make_user("applicant")
    control, browser = web_login(csrf_app, user), web_login(csrf_app, user)
    _with_user_id(control, f"{user.id}:0")  # the same rewrite with the live generation: still signed in
    assert logged_in(control)
    _with_user_id(browser, str(user.id))
    assert not logged_in(browser)
    assert sessions.parse_session_id(str(user.id)) is None
    assert sessions.parse_session_id("x:1") is None
    assert sessions.parse_session_id(f"{user.id}:0") == (user.id, 0)


def test_a_cookie_of_another_generation_is_refused(csrf_app, make_user):
    user = make_user("applicant")
    browser = web_login(csrf_app, user)
    _with_user_id(browser, f"{user.id}:7")
    assert not logged_in(browser)
