"""The optional TOTP second factor of staff: set-up, login with a code, wrong and replayed codes
refused, the API token needing the code, admins in production forced to set it up."""
from __future__ import annotations

import re

import pyotp
import pytest
from sqlalchemy.orm import Session

from grants.accounts import totp
from grants.accounts.models import User
from grants.core import clock, db
from tests.factories import PASSWORD


def _user(user_id) -> User:
    with Session(db.get_engine()) as s:
        u = s.get(User, user_id)
        s.expunge(u)
        return u


def _code(secret: str, offset_steps: int = 0) -> str:
    t = pyotp.TOTP(secret)
    return t.generate_otp(t.timecode(clock.real_now()) + offset_steps)


def _logged_in(client) -> bool:
    return 'action="/logout"' in client.get("/").get_data(as_text=True)


def _enable(app, login, user) -> str:
    """Enables TOTP through the page, as the person would; returns the secret."""
    client = login(user, app.test_client())
    page = client.get("/account/totp").get_data(as_text=True)
    secret = re.search(r"<code>([A-Z2-7]{32})</code>", page).group(1)
    assert "otpauth://totp/" in page and "<svg" in page
    r = client.post("/account/totp", data={"code": _code(secret, -1)})
    assert r.status_code == 303, r.get_data(as_text=True)
    assert _user(user.id).totp_secret == secret
    return secret


def test_totp_enable_needs_a_right_first_code(app, make_user, login):
    officer = make_user("officer")
    client = login(officer, app.test_client())
    client.get("/account/totp")
    assert client.post("/account/totp", data={"code": "000000"}).status_code == 422
    assert client.post("/account/totp", data={"code": "abc"}).status_code == 422
    assert _user(officer.id).totp_secret is None


def test_totp_only_for_staff(app, make_user, login):
    client = login(make_user("participant", stakeholder_type="resident"), app.test_client())
    assert client.get("/account/totp").status_code == 302
    assert client.post("/account/totp", data={"code": "123456"}).status_code == 302


def test_totp_login_asks_for_the_code_after_the_password(app, make_user, login):
    officer = make_user("officer")
    secret = _enable(app, login, officer)
    client = app.test_client()
    r = client.post("/login?next=/consultations/", data={"email": officer.email, "password": PASSWORD})
    assert r.status_code == 302 and r.headers["Location"] == "/login/totp"
    assert not _logged_in(client)  # the password alone does not log in
    r = client.post("/login/totp", data={"code": _code(secret)})
    assert r.status_code == 302 and r.headers["Location"] == "/consultations/"
    assert _logged_in(client)


def test_totp_wrong_code_refused_and_three_send_back_to_the_password(app, make_user, login):
    officer = make_user("officer")
    secret = _enable(app, login, officer)
    client = app.test_client()
    client.post("/login", data={"email": officer.email, "password": PASSWORD})
    right = _code(secret)
    wrong = "%06d" % ((int(right) + 1) % 1_000_000)
    r = client.post("/login/totp", data={"code": wrong})
    assert r.status_code == 401 and not _logged_in(client)
    client.post("/login/totp", data={"code": wrong})
    r = client.post("/login/totp", data={"code": wrong})
    assert r.status_code == 302 and r.headers["Location"] == "/login"
    r = client.post("/login/totp", data={"code": right})  # even the right code: the password first
    assert r.status_code == 302 and r.headers["Location"] == "/login" and not _logged_in(client)


def test_totp_replayed_cookie_gains_no_more_tries(app, make_user, login):
    officer = make_user("officer")
    secret = _enable(app, login, officer)
    client = app.test_client()
    client.post("/login", data={"email": officer.email, "password": PASSWORD})
    cookie = client.get_cookie("session").value
    wrong = "%06d" % ((int(_code(secret)) + 1) % 1_000_000)
    for _ in range(3):
        client.post("/login/totp", data={"code": wrong})
    client.set_cookie("session", cookie)  # the pending marker from before the wrong codes
    assert client.post("/login/totp", data={"code": _code(secret)}).headers["Location"] == "/login"
    assert not _logged_in(client)


def test_totp_replayed_code_refused(app, make_user, login):
    officer = make_user("officer")
    secret = _enable(app, login, officer)
    code = _code(secret)
    first = app.test_client()
    first.post("/login", data={"email": officer.email, "password": PASSWORD})
    assert first.post("/login/totp", data={"code": code}).status_code == 302 and _logged_in(first)
    second = app.test_client()
    second.post("/login", data={"email": officer.email, "password": PASSWORD})
    r = second.post("/login/totp", data={"code": code})  # the same code within its time step
    assert r.status_code == 401 and not _logged_in(second)


def test_totp_disable_needs_a_code(app, make_user, login):
    officer = make_user("finance")
    secret = _enable(app, login, officer)
    client = app.test_client()
    client.post("/login", data={"email": officer.email, "password": PASSWORD})
    client.post("/login/totp", data={"code": _code(secret)})
    assert client.post("/account/totp", data={"code": "000000"}).status_code == 422
    assert _user(officer.id).totp_secret == secret
    assert client.post("/account/totp", data={"code": _code(secret, 1)}).status_code == 303
    assert _user(officer.id).totp_secret is None


def test_totp_api_token_needs_the_code(app, make_user, login):
    officer = make_user("officer")
    secret = _enable(app, login, officer)
    client = app.test_client()
    body = {"email": officer.email, "password": PASSWORD}
    r = client.post("/api/v1/tokens", json=body)
    assert r.status_code == 401 and r.mimetype == "application/problem+json"
    assert "totp" in r.get_json()["detail"].lower()
    assert client.post("/api/v1/tokens", json={**body, "totp": "000000"}).status_code == 401
    code = _code(secret, 1)
    assert client.post("/api/v1/tokens", json={**body, "totp": code}).status_code == 201
    assert client.post("/api/v1/tokens", json={**body, "totp": code}).status_code == 401  # replayed


def test_totp_admin_in_production_is_sent_to_set_it_up(app, make_user, login, monkeypatch):
    admin = make_user("admin")
    officer = make_user("officer")
    client = login(admin, app.test_client())
    officer_client = login(officer, app.test_client())
    monkeypatch.setitem(app.config, "GRANTS_ENV", "production")
    for url in ("/", "/admin/parameters/", "/consultations/"):
        r = client.get(url)
        assert r.status_code == 302 and r.headers["Location"] == "/account/totp", url
    assert client.get("/account/totp").status_code == 200
    assert officer_client.get("/").status_code == 200  # optional for other staff
    r = app.test_client().post("/api/v1/tokens", json={"email": admin.email, "password": PASSWORD})
    assert r.status_code == 403
    secret = re.search(r"<code>([A-Z2-7]{32})</code>", client.get("/account/totp").get_data(as_text=True)).group(1)
    assert client.post("/account/totp", data={"code": _code(secret)}).status_code == 303
    assert client.get("/admin/parameters/").status_code == 200


@pytest.mark.parametrize("code", ["", "12345", "1234567890", "abcdef"])
def test_totp_check_refuses_malformed_codes(session, make_user, code):
    officer = make_user("officer")
    secret = totp.new_secret()
    with pytest.raises(totp.TotpError):
        totp.enable(session, officer, secret, code)
    assert officer.totp_secret is None
