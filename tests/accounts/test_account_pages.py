"""The account page and the admin's users page (issue 21), through the pages with CSRF on:
tokens created with a name (shown once), listed and revoked; the admin searches users, deactivates,
reactivates, ends sessions and revokes a user's token; nobody else gets in."""
from __future__ import annotations

import re

from sqlalchemy import select

from grants.accounts.models import User
from grants.api.models import ApiToken
from grants.web import account

from .support import api_token, bearer, fresh, fresh_one, logged_in, post_form, web_login

SECRET = re.compile(r"<code>([A-Za-z0-9_\-]{20,})</code>")


def test_account_page_needs_login(client):
    r = client.get("/account/")
    assert r.status_code == 302 and r.headers["Location"].startswith("/login")


def test_account_page_shows_its_sections(csrf_app, make_user):
    user = make_user("applicant")
    browser = web_login(csrf_app, user)
    r = browser.get("/account/")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    for text in ("Zmiana hasła", "Wyloguj ze wszystkich urządzeń", "Tokeny API", user.email):
        assert text in html
    assert 'href="/account/"' in browser.get("/").get_data(as_text=True)  # linked from the header


def test_other_parts_add_a_section_to_the_account_page(csrf_app, make_user, monkeypatch):
    monkeypatch.setattr(account, "SECTIONS", list(account.SECTIONS))
    account.add_section(account.Section("extra", "account/_profile.html", lambda user: {"extra_flag": 1}),
                        before="password")
    assert [s.key for s in account.SECTIONS][:3] == ["profile", "extra", "password"]
    account.add_section(account.Section("extra", "x.html"))  # a key is added once
    assert [s.key for s in account.SECTIONS].count("extra") == 1
    assert web_login(csrf_app, make_user("applicant")).get("/account/").status_code == 200


def test_create_a_named_token_on_the_page_shown_once_then_listed_and_revoked(csrf_app, make_user):
    user = make_user("applicant")
    browser = web_login(csrf_app, user)
    r = post_form(browser, "/account/", "/account/tokens", {"name": "Arkusz budżetu", "expires_in_days": "14"})
    assert r.status_code == 201 and r.headers["Cache-Control"] == "no-store"
    html = r.get_data(as_text=True)
    secret = SECRET.search(html).group(1)
    assert "Skopiuj go teraz" in html
    assert csrf_app.test_client().get("/api/v1/tokens", headers=bearer(secret)).status_code == 200

    page = browser.get("/account/").get_data(as_text=True)
    assert "Arkusz budżetu" in page and secret not in page  # listed, the secret never again
    (token_id,) = [i for (i,) in fresh(select(ApiToken.id).where(ApiToken.user_id == user.id))]
    r = post_form(browser, "/account/", f"/account/tokens/{token_id}/revoke")
    assert r.status_code == 303
    assert csrf_app.test_client().get("/api/v1/tokens", headers=bearer(secret)).status_code == 401
    assert "Nie masz ważnych tokenów API." in browser.get("/account/").get_data(as_text=True)


def test_bad_token_form_is_refused_and_nothing_issued(csrf_app, make_user):
    browser = web_login(csrf_app, make_user("applicant"))
    for days in ("0", "366", "dużo", ""):
        r = post_form(browser, "/account/", "/account/tokens", {"name": "x", "expires_in_days": days})
        assert r.status_code == 422
        assert 'class="error-summary"' in r.get_data(as_text=True)
    assert fresh(select(ApiToken.id)) == []


def test_forms_without_the_csrf_token_are_refused(csrf_app, make_user):
    user = make_user("applicant")
    browser = web_login(csrf_app, user)
    token = api_token(csrf_app.test_client(), user)
    (token_id,) = [i for (i,) in fresh(select(ApiToken.id))]
    for url, data in [("/account/logout-everywhere", {}), ("/account/tokens", {"expires_in_days": "5"}),
                      (f"/account/tokens/{token_id}/revoke", {}),
                      ("/account/password", {"current_password": "x", "password": "y", "confirm": "y"})]:
        assert browser.post(url, data=data).status_code == 400
    assert logged_in(browser)
    assert csrf_app.test_client().get("/api/v1/tokens", headers=bearer(token)).status_code == 200
    assert fresh_one(User, user.id).session_generation == 0


def test_one_cannot_revoke_someone_elses_token_from_the_account_page(csrf_app, make_user):
    user, other = make_user("applicant"), make_user("applicant")
    theirs = api_token(csrf_app.test_client(), other)
    (token_id,) = [i for (i,) in fresh(select(ApiToken.id).where(ApiToken.user_id == other.id))]
    browser = web_login(csrf_app, user)
    r = post_form(browser, "/account/", f"/account/tokens/{token_id}/revoke")
    assert r.status_code == 303
    assert "Nie ma takiego tokenu." in browser.get("/account/").get_data(as_text=True)
    assert csrf_app.test_client().get("/api/v1/tokens", headers=bearer(theirs)).status_code == 200


def test_admin_users_page_search(csrf_app, make_user):
    admin = make_user("admin")
    make_user("applicant", email="ala.nowak@test.example.org")
    make_user("applicant", email="olek@test.example.org")
    browser = web_login(csrf_app, admin)
    html = browser.get("/admin/users/?q=NOWAK").get_data(as_text=True)
    assert "ala.nowak@test.example.org" in html and "olek@test.example.org" not in html
    html = browser.get("/admin/users/?q=%25").get_data(as_text=True)  # a LIKE wildcard is a character
    assert "Znaleziono: 0" in html
    assert 'href="/admin/users/"' in browser.get("/").get_data(as_text=True)  # in the admin's navigation


def test_admin_users_pages_are_for_admins_only(csrf_app, make_user):
    officer, user = make_user("officer"), make_user("applicant")
    browser = web_login(csrf_app, officer)
    assert browser.get("/admin/users/").status_code == 403
    assert browser.get(f"/admin/users/{user.id}").status_code == 403
    assert post_form(browser, "/account/", f"/admin/users/{user.id}/deactivate").status_code == 403
    assert fresh_one(User, user.id).active
    assert csrf_app.test_client().get("/admin/users/").status_code == 302  # anonymous: the login page


def test_admin_cannot_deactivate_themselves(csrf_app, make_user):
    admin = make_user("admin")
    browser = web_login(csrf_app, admin)
    assert "Dezaktywuj konto" not in browser.get(f"/admin/users/{admin.id}").get_data(as_text=True)
    r = post_form(browser, f"/admin/users/{admin.id}", f"/admin/users/{admin.id}/deactivate")
    assert r.status_code == 303
    assert "Nie możesz dezaktywować własnego konta." in browser.get(r.headers["Location"]).get_data(as_text=True)
    assert fresh_one(User, admin.id).active and logged_in(browser)


def test_admin_ends_a_users_sessions_and_revokes_one_token(csrf_app, make_user):
    admin, user = make_user("admin"), make_user("applicant")
    a = api_token(csrf_app.test_client(), user, name="telefon")
    victim = web_login(csrf_app, user)
    b = api_token(csrf_app.test_client(), user, name="laptop")
    browser = web_login(csrf_app, admin)
    page = browser.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "telefon" in page and "laptop" in page
    (tid,) = [i for (i,) in fresh(select(ApiToken.id).where(ApiToken.name == "telefon"))]
    assert post_form(browser, f"/admin/users/{user.id}", f"/admin/users/{user.id}/tokens/{tid}/revoke").status_code == 303
    assert csrf_app.test_client().get("/api/v1/tokens", headers=bearer(a)).status_code == 401
    assert csrf_app.test_client().get("/api/v1/tokens", headers=bearer(b)).status_code == 200
    assert logged_in(victim)
    assert post_form(browser, f"/admin/users/{user.id}", f"/admin/users/{user.id}/end-sessions").status_code == 303
    assert not logged_in(victim)
    assert csrf_app.test_client().get("/api/v1/tokens", headers=bearer(b)).status_code == 401
    history = browser.get(f"/admin/users/{user.id}").get_data(as_text=True)
    # both are in the user's history, as people read them (issue 14), the token by its name
    heads = re.findall(r'<p class="history-head">.*?<strong>(.*?)</strong>', history, re.S)
    assert heads[-2:] == ["unieważnienie tokenu API", "zakończenie wszystkich sesji i tokenów API"], heads
    assert "<li>nazwa: telefon</li>" in history
    assert "revoke_token" not in history and "end_sessions" not in history
