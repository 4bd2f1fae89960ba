"""Login and logout through the real web form: messages, rate limit, redirects, CSRF, cookies."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from grants.accounts.models import LoginAttempt, User
from grants.accounts import throttle
from grants.accounts.throttle import FREE_FAILURES
from tests.factories import PASSWORD

WRONG = "Nieprawidłowy e-mail lub hasło."


def fresh(stmt):
    """Reads through a short-lived session: the test client's requests remove the scoped one."""
    from sqlalchemy.orm import Session

    from grants.core import db
    with Session(db.get_engine()) as s:
        return s.execute(stmt).all()


def _post_login(client, email, password, next_url=None):
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password})


def _logged_in(client) -> bool:
    """The page header shows the logout button only to a logged-in user."""
    return 'action="/logout"' in client.get("/").get_data(as_text=True)


def test_login_success_redirects_home_and_logs_in(client, make_user):
    user = make_user("applicant")
    r = _post_login(client, user.email, PASSWORD)
    assert r.status_code == 302
    assert r.headers["Location"] == "/"
    assert _logged_in(client)


def test_login_email_is_case_insensitive(client, make_user):
    user = make_user("applicant")
    r = _post_login(client, user.email.upper(), PASSWORD)
    assert r.status_code == 302


def test_login_success_follows_a_local_next(client, make_user):
    user = make_user("officer")
    r = _post_login(client, user.email, PASSWORD, next_url="/consultations/")
    assert r.status_code == 302
    assert r.headers["Location"] == "/consultations/"


@pytest.mark.parametrize("evil", ["https://evil.example.com/", "//evil.example.com/x", "http:/evil",
                                  "javascript:alert(1)", "evil.example.com"])
def test_login_refuses_open_redirect(client, make_user, evil):
    user = make_user("applicant")
    r = client.post("/login", query_string={"next": evil}, data={"email": user.email, "password": PASSWORD})
    assert r.status_code == 302
    assert r.headers["Location"] == "/"


def test_login_wrong_password_is_401_with_polish_message(client, make_user):
    user = make_user("applicant")
    r = _post_login(client, user.email, "not-the-password")
    assert r.status_code == 401
    html = r.get_data(as_text=True)
    assert WRONG in html
    assert 'class="error-summary"' in html  # the error is announced in the summary
    assert not _logged_in(client)
    attempts = fresh(select(LoginAttempt.success).where(LoginAttempt.email == user.email))
    assert [a.success for a in attempts] == [False]


def test_login_unknown_email_gives_the_same_message(client, make_user):
    make_user("applicant")
    r = _post_login(client, "nobody@test.example.org", "whatever-password")
    assert r.status_code == 401
    assert WRONG in r.get_data(as_text=True)
    assert not _logged_in(client)


def test_login_empty_form_shows_field_errors_next_to_fields_and_in_summary(client):
    r = client.post("/login", data={"email": "", "password": ""})
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "Podaj adres e-mail." in html and "Podaj hasło." in html
    assert 'href="#email"' in html and 'href="#password"' in html  # summary links to the fields
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="email-error"' in html


def test_login_failures_of_a_pair_slow_that_pair_with_429_and_retry_after(client, make_user):
    """After FREE_FAILURES failures of (account, address), that pair waits a growing delay: a 429 with
    Retry-After and a Polish message saying how long (the password is not even checked)."""
    user = make_user("applicant")
    for _ in range(FREE_FAILURES):
        assert _post_login(client, user.email, "wrong-password-x").status_code == 401
    r = _post_login(client, user.email, PASSWORD)
    assert r.status_code == 429
    seconds = int(r.headers["Retry-After"])
    assert 1 <= seconds <= throttle.BASE_DELAY.total_seconds()
    html = r.get_data(as_text=True)
    assert "Zbyt wiele nieudanych prób logowania" in html
    assert re.search(r"Spróbuj ponownie za \d+ (s|min)\.", html)
    assert "Wyślij mi jednorazowy link do logowania" in html  # the way in that needs no waiting
    assert not _logged_in(client)
    # the throttled attempt is not even checked, so it is not recorded as a success
    successes = fresh(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.email == user.email, LoginAttempt.success.is_(True)))
    assert successes[0][0] == 0


def test_login_failures_below_the_free_number_do_not_slow(client, make_user):
    user = make_user("applicant")
    for _ in range(FREE_FAILURES - 1):
        _post_login(client, user.email, "wrong-password-x")
    assert _post_login(client, user.email, PASSWORD).status_code == 302


def test_login_throttle_is_per_account(client, make_user):
    victim, other = make_user("applicant"), make_user("applicant")
    for _ in range(FREE_FAILURES + 2):
        _post_login(client, victim.email, "wrong-password-x")
    assert _post_login(client, other.email, PASSWORD).status_code == 302


def test_inactive_user_cannot_log_in(client, make_user, session):
    user = make_user("applicant")
    user.active = False
    session.commit()
    r = _post_login(client, user.email, PASSWORD)
    assert r.status_code == 401
    assert WRONG in r.get_data(as_text=True)


def test_logout_requires_post(client, make_user, login):
    login(make_user("applicant"))
    assert client.get("/logout").status_code == 405
    assert _logged_in(client)
    r = client.post("/logout")
    assert r.status_code == 302
    assert not _logged_in(client)


def test_logout_requires_csrf_token(csrf_app, make_user):
    user = make_user("applicant")
    c = csrf_app.test_client()
    html = c.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    assert c.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}).status_code == 302
    r = c.post("/logout")
    assert r.status_code == 400
    assert "Sesja formularza wygasła" in r.get_data(as_text=True)
    assert _logged_in(c)
    token = re.search(r'action="/logout"[^>]*>\s*<input type="hidden" name="csrf_token" value="([^"]+)"',
                      c.get("/").get_data(as_text=True)).group(1)
    assert c.post("/logout", data={"csrf_token": token}).status_code == 302
    assert not _logged_in(c)


def test_login_form_enforces_csrf(csrf_app, make_user):
    user = make_user("applicant")
    c = csrf_app.test_client()
    r = c.post("/login", data={"email": user.email, "password": PASSWORD})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "<h1>Sesja formularza wygasła</h1>" in html
    assert not _logged_in(c)
    assert fresh(select(func.count()).select_from(LoginAttempt))[0][0] == 0  # never reached authenticate


def test_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    user = make_user("applicant")
    r = _post_login(client, user.email, PASSWORD)
    cookies = [v for k, v in r.headers.items() if k.lower() == "set-cookie" and v.startswith("session=")]
    assert cookies, r.headers
    assert "HttpOnly" in cookies[-1]
    assert "SameSite=Lax" in cookies[-1]


def test_login_renews_the_session(client, make_user):
    """No session fixation: whatever was in the session before login is dropped (but the language)."""
    user = make_user("applicant")
    with client.session_transaction() as s:
        s["planted"] = "by-attacker"
        s["lang"] = "en"
    _post_login(client, user.email, PASSWORD)
    with client.session_transaction() as s:
        assert "planted" not in s
        assert s["lang"] == "en"


def test_passwords_are_stored_as_argon2id(make_user):
    user = make_user("applicant")
    stored = fresh(select(User.password_hash).where(User.id == user.id))[0][0]
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_logged_in_user_visiting_login_is_sent_home(client, make_user, login):
    login(make_user("applicant"))
    r = client.get("/login")
    assert r.status_code == 302 and r.headers["Location"] == "/"


def test_production_password_hash_parameters():
    """The hasher's own parameters (the tests use cheaper ones): argon2id, at least OWASP's minimum."""
    from grants.accounts import passwords
    m = re.match(r"\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$", passwords.DUMMY_HASH)
    assert m, passwords.DUMMY_HASH
    memory_kib, time_cost, _par = map(int, m.groups())
    assert memory_kib >= 19 * 1024 and time_cost >= 2
