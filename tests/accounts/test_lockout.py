"""Issue 21, "lock-out as a weapon": failed logins must not let a rival keep an account's owner out.

Before: 5 failures for an e-mail locked the account for 15 minutes even against the right password
(a 429 without Retry-After), and 30 failures from one address locked every account from it; behind
the production proxy every user shared that address. Now failures count per (account, address)
pair with a growing delay, the account-wide ceiling only slows unknown addresses, the one-time
sign-in link always works, every 429 carries Retry-After, and the client address comes from
X-Forwarded-For only when GRANTS_TRUSTED_PROXIES says so.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from limits import parse
from sqlalchemy import func, select

from grants.accounts import links, throttle
from grants.accounts.models import LoginAttempt, UsedToken
from grants.core import clock, db
from grants.ratelimits import LOGIN_FAILURES_PER_ADDRESS, MAILS_PER_RECIPIENT, MAIL_REQUESTS_PER_ADDRESS
from tests.factories import PASSWORD

from .mails import link_path, mails_to

OWNER_IP = "192.0.2.10"


def _post(client, email, password, ip):
    return client.post("/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": ip})


def _logged_in(client, ip=OWNER_IP) -> bool:
    """From the same address: Flask-Login's strong session protection ties the session to it."""
    return 'action="/logout"' in client.get("/", environ_base={"REMOTE_ADDR": ip}).get_data(as_text=True)


def _attack(app, email, addresses, per_address):
    """A rival fails on purpose from `addresses` (each its own client); returns the statuses seen."""
    seen = []
    for ip in addresses:
        c = app.test_client()
        for _ in range(per_address):
            seen.append(_post(c, email, "zgadywane-haslo", ip).status_code)
    return seen


def _age_attempts(session, email, by: timedelta):
    session.rollback()
    for a in session.scalars(select(LoginAttempt).where(LoginAttempt.email == email)):
        a.at = a.at - by
    session.commit()


def test_lockout_attack_from_many_addresses_leaves_the_owner_signing_in_with_the_password(app, make_user):
    owner = make_user("applicant")
    # the owner signed in from home before, so the address is known to the account
    assert _post(app.test_client(), owner.email, PASSWORD, OWNER_IP).status_code == 302
    seen = _attack(app, owner.email, [f"198.51.100.{i}" for i in range(1, 31)], 6)  # 180 failures
    assert 429 in seen  # the rival is slowed
    c = app.test_client()
    assert _post(c, owner.email, PASSWORD, OWNER_IP).status_code == 302
    assert _logged_in(c)


def test_lockout_attack_does_not_stop_the_owner_from_a_new_address_either(app, make_user):
    owner = make_user("applicant")
    _attack(app, owner.email, [f"198.51.100.{i}" for i in range(1, 31)], 2)  # over the account-wide ceiling
    c = app.test_client()
    assert _post(c, owner.email, PASSWORD, "203.0.113.77").status_code == 302  # first try from a new address


def test_lockout_attack_from_one_address_slows_only_that_address(app, make_user):
    owner, other = make_user("applicant"), make_user("applicant")
    seen = _attack(app, owner.email, ["198.51.100.1"], 12)
    assert seen[:throttle.FREE_FAILURES] == [401] * throttle.FREE_FAILURES and seen[-1] == 429
    assert _post(app.test_client(), owner.email, PASSWORD, OWNER_IP).status_code == 302
    # and the rival's address does not stop other accounts (no per-address lock-out of everyone)
    assert _post(app.test_client(), other.email, PASSWORD, "198.51.100.1").status_code == 302


def test_throttled_pair_gets_429_with_retry_after_and_then_signs_in_when_it_has_passed(app, make_user, session):
    owner = make_user("applicant")
    c = app.test_client()
    for _ in range(throttle.FREE_FAILURES + 3):
        _post(c, owner.email, "zle-haslo-123", OWNER_IP)
    r = _post(c, owner.email, PASSWORD, OWNER_IP)  # the owner's own typos slow them too …
    assert r.status_code == 429
    wait = int(r.headers["Retry-After"])
    assert 1 <= wait <= throttle.MAX_DELAY.total_seconds()
    assert "Spróbuj ponownie za" in r.get_data(as_text=True)
    _age_attempts(session, owner.email, timedelta(seconds=wait + 1))
    assert _post(c, owner.email, PASSWORD, OWNER_IP).status_code == 302  # … but never lock them out


def test_api_tokens_throttled_pair_gets_problem_429_with_retry_after(app, make_user):
    owner = make_user("applicant")
    c = app.test_client()
    for _ in range(throttle.FREE_FAILURES):
        r = c.post("/api/v1/tokens", json={"email": owner.email, "password": "zle-haslo-123"},
                   environ_base={"REMOTE_ADDR": "198.51.100.1"})
        assert r.status_code == 401
    r = c.post("/api/v1/tokens", json={"email": owner.email, "password": PASSWORD},
               environ_base={"REMOTE_ADDR": "198.51.100.1"})
    assert r.status_code == 429 and r.mimetype == "application/problem+json"
    assert int(r.headers["Retry-After"]) >= 1
    assert r.get_json()["retry_after"] == int(r.headers["Retry-After"])
    # the owner's own address gets a token
    r = c.post("/api/v1/tokens", json={"email": owner.email, "password": PASSWORD},
               environ_base={"REMOTE_ADDR": OWNER_IP})
    assert r.status_code == 201


def test_one_address_failing_across_accounts_hits_the_coarse_limit_with_retry_after(app, make_user):
    owner = make_user("applicant")
    allowed = parse(LOGIN_FAILURES_PER_ADDRESS).amount
    c = app.test_client()
    statuses = [_post(c, f"nikt{i}@example.org", "zgadywane-haslo", "198.51.100.9").status_code
                for i in range(allowed + 1)]
    assert statuses[:allowed] == [401] * allowed and statuses[-1] == 429
    r = _post(c, owner.email, PASSWORD, "198.51.100.9")
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) >= 1
    html = r.get_data(as_text=True)
    assert "Spróbuj ponownie za" in html and "Wyślij mi jednorazowy link do logowania" in html
    r = app.test_client().post("/api/v1/tokens", json={"email": owner.email, "password": "x"},
                               environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert r.status_code == 401  # the API keeps its own count
    assert _post(app.test_client(), owner.email, PASSWORD, OWNER_IP).status_code == 302


def test_successful_logins_do_not_use_up_the_coarse_limit(app, make_user):
    owner = make_user("applicant")
    for _ in range(parse(LOGIN_FAILURES_PER_ADDRESS).amount + 2):
        assert _post(app.test_client(), owner.email, PASSWORD, "192.0.2.50").status_code == 302


# ---------------------------------------------------------------- the one-time sign-in link

def test_lockout_attack_leaves_the_owner_signing_in_by_the_one_time_link(app, make_user, session):
    owner = make_user("applicant")
    _attack(app, owner.email, [f"198.51.100.{i}" for i in range(1, 11)], 8)
    # the owner's own attempts are throttled too (they share an office address with a rival, say)
    c = app.test_client()
    _attack(app, owner.email, [OWNER_IP], 6)
    r = _post(c, owner.email, PASSWORD, OWNER_IP)
    assert r.status_code == 429
    assert 'action="/login/link"' in r.get_data(as_text=True)
    r = c.post("/login/link", data={"email": owner.email}, environ_base={"REMOTE_ADDR": OWNER_IP})
    assert r.status_code == 302 and r.headers["Location"].startswith("/login/sent")
    [mail] = mails_to(owner.email)
    path = link_path(mail, "/login/link/")
    assert c.get(path).status_code == 200 and not _logged_in(c)  # opening it signs nobody in
    _attack(app, owner.email, [f"198.51.100.{i}" for i in range(20, 25)], 3)  # the rival goes on
    r = c.post(path, environ_base={"REMOTE_ADDR": OWNER_IP})
    assert r.status_code == 302 and r.headers["Location"] == "/"
    assert _logged_in(c)


def test_sign_in_link_works_once(app, make_user):
    owner = make_user("applicant")
    app.test_client().post("/login/link", data={"email": owner.email})
    path = link_path(mails_to(owner.email)[0], "/login/link/")
    first = app.test_client()
    assert first.post(path).status_code == 302 and _logged_in(first, "127.0.0.1")
    second = app.test_client()
    r = second.post(path)
    assert r.status_code == 400 and "został już użyty" in r.get_data(as_text=True)
    assert not _logged_in(second, "127.0.0.1")


def test_sign_in_link_expires(app, make_user, monkeypatch):
    owner = make_user("applicant")
    real = clock.real_now
    monkeypatch.setattr(clock, "real_now", lambda: real() - links.SIGNIN_MAX_AGE - timedelta(seconds=5))
    app.test_client().post("/login/link", data={"email": owner.email})
    monkeypatch.setattr(clock, "real_now", real)
    path = link_path(mails_to(owner.email)[0], "/login/link/")
    c = app.test_client()
    r = c.post(path)
    assert r.status_code == 400 and "Link wygasł" in r.get_data(as_text=True)
    assert not _logged_in(c, "127.0.0.1")


def test_sign_in_link_of_another_purpose_or_tampered_is_refused(app, make_user, session):
    owner = make_user("applicant")
    confirm = links.confirmation_token(owner, app.secret_key)  # signed with the same key, other salt
    c = app.test_client()
    assert c.post(f"/login/link/{confirm}").status_code == 400
    assert c.post("/login/link/abc.def.ghi").status_code == 400
    assert not _logged_in(c, "127.0.0.1")
    assert session.scalar(select(func.count()).select_from(UsedToken)) == 0


def test_sign_in_link_request_answers_the_same_for_unknown_emails(app, make_user):
    owner = make_user("applicant")
    answers = []
    for email in (owner.email, "nieznany@example.org"):
        r = app.test_client().post("/login/link", data={"email": email})
        answers.append((r.status_code, r.headers["Location"]))
    assert answers[0] == answers[1]
    assert len(mails_to(owner.email)) == 1 and mails_to("nieznany@example.org") == []


def test_sign_in_link_is_not_sent_to_inactive_or_unconfirmed_accounts(app, make_user, session):
    inactive, unconfirmed = make_user("applicant"), make_user("participant")
    inactive.active = False
    unconfirmed.email_confirmed_at = None
    session.commit()
    for u in (inactive, unconfirmed):
        assert app.test_client().post("/login/link", data={"email": u.email}).status_code == 302
        assert mails_to(u.email) == []


def test_sign_in_link_mails_to_one_address_are_capped_and_the_answer_stays_the_same(app, make_user):
    owner = make_user("applicant")
    cap = parse(MAILS_PER_RECIPIENT).amount
    for i in range(cap + 2):
        r = app.test_client().post("/login/link", data={"email": owner.email},
                                   environ_base={"REMOTE_ADDR": f"198.51.100.{i + 1}"})
        assert r.status_code == 302
    assert len(mails_to(owner.email)) == cap


def test_sign_in_link_requests_are_limited_per_address_with_retry_after(app):
    allowed = parse(MAIL_REQUESTS_PER_ADDRESS).amount
    c = app.test_client()
    for i in range(allowed):
        assert c.post("/login/link", data={"email": f"x{i}@example.org"}).status_code == 302
    r = c.post("/login/link", data={"email": "y@example.org"})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    assert "Spróbuj ponownie za" in r.get_data(as_text=True)


def test_the_login_page_offers_the_link_and_the_link_page_is_labelled(client):
    assert 'href="/login/link"' in client.get("/login").get_data(as_text=True)
    html = client.get("/login/link").get_data(as_text=True)
    assert '<label for="email">' in html


# ---------------------------------------------------------------- the client's address behind a proxy

@pytest.fixture
def proxied_app(app):
    from grants import create_app
    from grants.jobs import broker
    yield create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "GRANTS_TRUSTED_PROXIES": 1})
    broker.bind_app(app)  # the session's app again


def _attempt_ips(email):
    with db.get_engine().connect() as c:
        return [r[0] for r in c.execute(select(LoginAttempt.ip).where(LoginAttempt.email == email)
                                        .order_by(LoginAttempt.id))]


def test_client_address_comes_from_x_forwarded_for_only_when_the_proxy_is_trusted(app, proxied_app, make_user):
    user = make_user("applicant")
    headers = {"X-Forwarded-For": "203.0.113.9"}
    # not trusted (the default, 0 proxies): a client cannot choose its address by sending the header
    app.test_client().post("/login", data={"email": user.email, "password": "x-zle-haslo"}, headers=headers,
                           environ_base={"REMOTE_ADDR": "10.0.0.2"})
    # one trusted proxy: its X-Forwarded-For names the client; what the client put before it is ignored
    proxied_app.test_client().post("/login", data={"email": user.email, "password": "x-zle-haslo"},
                                   headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.9"},
                                   environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert _attempt_ips(user.email) == ["10.0.0.2", "203.0.113.9"]


def test_behind_a_trusted_proxy_users_do_not_share_the_proxy_address(proxied_app, make_user):
    """The production finding: behind the TLS proxy every user had the proxy's address, so one
    rival's failures counted against everyone. With the proxy trusted they are told apart."""
    owner = make_user("applicant")
    rival = proxied_app.test_client()
    for i in range(parse(LOGIN_FAILURES_PER_ADDRESS).amount + 1):
        rival.post("/login", data={"email": f"n{i}@example.org", "password": "zgadywane"},
                   headers={"X-Forwarded-For": "198.51.100.66"}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    c = proxied_app.test_client()
    r = c.post("/login", data={"email": owner.email, "password": PASSWORD},
               headers={"X-Forwarded-For": OWNER_IP}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert r.status_code == 302


def test_trusted_proxies_setting_is_read_and_checked(monkeypatch):
    from grants.core import config
    monkeypatch.setenv("GRANTS_TRUSTED_PROXIES", "2")
    assert config.load().trusted_proxies == 2
    for bad in ("jeden", "-1"):
        monkeypatch.setenv("GRANTS_TRUSTED_PROXIES", bad)
        with pytest.raises(config.ConfigError, match="GRANTS_TRUSTED_PROXIES"):
            config.load()


def test_rate_limit_storage_is_redis_when_the_broker_is_and_memory_otherwise(monkeypatch):
    from grants.core import config
    monkeypatch.delenv("GRANTS_RATELIMIT_STORAGE_URL", raising=False)
    monkeypatch.delenv("GRANTS_BROKER_URL", raising=False)
    assert config.load().ratelimit_storage_url == "memory://"
    monkeypatch.setenv("GRANTS_BROKER_URL", "redis://redis.example:6379/0")
    assert config.load().ratelimit_storage_url == "redis://redis.example:6379/0"
    monkeypatch.setenv("GRANTS_RATELIMIT_STORAGE_URL", "redis://other:6379/3")
    assert config.load().ratelimit_storage_url == "redis://other:6379/3"


def test_api_tokens_coarse_limit_answers_problem_json_with_retry_after(app):
    allowed = parse(LOGIN_FAILURES_PER_ADDRESS).amount
    c = app.test_client()
    for i in range(allowed):
        r = c.post("/api/v1/tokens", json={"email": f"n{i}@example.org", "password": "zgadywane"})
        assert r.status_code == 401
    r = c.post("/api/v1/tokens", json={"email": "n@example.org", "password": "zgadywane"})
    assert r.status_code == 429 and r.mimetype == "application/problem+json"
    seconds = int(r.headers["Retry-After"])
    assert seconds >= 1 and r.get_json()["retry_after"] == seconds


def test_the_throttle_answers_the_same_for_unknown_emails(app, make_user):
    """Throttling reveals no accounts: an unknown address is slowed exactly like a real one."""
    owner = make_user("applicant")
    answers = []
    for email in (owner.email, "nikogo-takiego@example.org"):
        c = app.test_client()
        statuses = [_post(c, email, "zgadywane-haslo", "198.51.100.3").status_code
                    for _ in range(throttle.FREE_FAILURES + 1)]
        r = _post(c, email, "zgadywane-haslo", "198.51.100.3")
        answers.append((statuses, r.status_code, "Retry-After" in r.headers))
    assert answers[0] == answers[1]
    assert answers[0][0][-1] == 429
