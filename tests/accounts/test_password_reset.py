"""Password reset (issue 21): the same answer whether or not the e-mail has an account, a mail with
a single-use link that expires after an hour, a strength-checked new password, and every session
and token of the account ended. Through the pages with CSRF on; the mail through the outbox."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from grants.accounts import credentials
from grants.accounts.models import User
from grants.core.outbox import OutboxEvent
from tests.factories import PASSWORD

from .support import api_token, bearer, fresh, fresh_one, logged_in, post_form, web_login

NEW_PASSWORD = "Zielony-Rower-Wisla-7"
LINK = re.compile(r"http://[^/\s]+(/password/reset/\S+)")


def _mails() -> list[dict]:
    return [json.loads(p) for (p,) in fresh(select(OutboxEvent.payload).where(OutboxEvent.topic == "email.send")
                                           .order_by(OutboxEvent.created_at))]


def _ask(app, email: str):
    c = app.test_client()
    return post_form(c, "/password/forgot", "/password/forgot", {"email": email})


def _link_for(app, user) -> str:
    r = _ask(app, user.email)
    assert r.status_code == 200
    mail = _mails()[-1]
    assert mail["to"] == user.email
    return LINK.search(mail["body"]).group(1)


def _set(app, link: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    c = app.test_client()
    return post_form(c, link, link, {"password": password, "confirm": confirm or password})


def test_login_page_links_to_the_reset(client):
    assert 'href="/password/forgot"' in client.get("/login").get_data(as_text=True)


def test_reset_answers_the_same_for_unknown_and_known_emails(csrf_app, make_user):
    user = make_user("applicant")
    known = _ask(csrf_app, user.email)
    unknown = _ask(csrf_app, "nikt@test.example.org")
    assert known.status_code == unknown.status_code == 200

    def body(r):  # the page without its per-session CSRF token
        return re.sub(r'value="[^"]*"', "", r.get_data(as_text=True))
    assert body(known) == body(unknown)
    assert "Jeśli ten adres należy do konta" in body(known)
    assert [m["to"] for m in _mails()] == [user.email]  # only the real account gets a mail


def test_reset_mail_goes_through_the_outbox_with_a_link(csrf_app, make_user):
    user = make_user("applicant")
    _ask(csrf_app, user.email)
    (mail,) = _mails()
    assert mail["subject"] == "Ustawienie nowego hasła"
    assert "ważny 60 min" in mail["body"] and LINK.search(mail["body"])


def test_reset_sets_the_password_and_ends_every_session_and_token(csrf_app, make_user):
    user = make_user("applicant")
    browser = web_login(csrf_app, user)
    token = api_token(csrf_app.test_client(), user)
    link = _link_for(csrf_app, user)

    page = csrf_app.test_client().get(link)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    r = _set(csrf_app, link)
    assert r.status_code == 303 and r.headers["Location"] == "/login"
    assert not logged_in(browser)
    assert csrf_app.test_client().get("/api/v1/tokens", headers=bearer(token)).status_code == 401
    assert logged_in(web_login(csrf_app, user, NEW_PASSWORD))
    c = csrf_app.test_client()
    assert post_form(c, "/login", "/login", {"email": user.email, "password": PASSWORD}).status_code == 401


def test_reset_link_works_once(csrf_app, make_user):
    user = make_user("applicant")
    link = _link_for(csrf_app, user)
    assert _set(csrf_app, link).status_code == 303
    again = csrf_app.test_client().get(link)
    assert again.status_code == 410 and "Link jest nieważny" in again.get_data(as_text=True)
    assert _set(csrf_app, link, "Inne-Mocne-Haslo-Jesien-42").status_code == 410
    assert logged_in(web_login(csrf_app, user, NEW_PASSWORD))


def test_reset_link_expires_after_an_hour(csrf_app, make_user, monkeypatch):
    import itsdangerous.timed
    user = make_user("applicant")
    link = _link_for(csrf_app, user)
    real = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() + credentials.RESET_MAX_AGE + 5)
    assert csrf_app.test_client().get(link).status_code == 410
    assert _set(csrf_app, link).status_code == 410
    monkeypatch.undo()
    assert fresh_one(User, user.id).session_generation == 0  # nothing changed
    assert logged_in(web_login(csrf_app, user))


@pytest.mark.parametrize("mangle", [lambda l: l[:-3] + "abc", lambda l: l.rsplit("/", 1)[0] + "/x",
                                    lambda l: l + "%00"])
def test_a_tampered_reset_link_is_refused(csrf_app, make_user, mangle):
    user = make_user("applicant")
    link = _link_for(csrf_app, user)
    assert csrf_app.test_client().get(mangle(link)).status_code in (404, 410)


def test_a_link_made_with_another_salt_is_refused(csrf_app, make_user):
    """The reset's own salt: a token signed for another purpose with the same key is not a reset link."""
    from itsdangerous import URLSafeTimedSerializer
    user = make_user("applicant")
    other = URLSafeTimedSerializer(csrf_app.secret_key, salt="something-else").dumps(
        {"u": user.id, "f": credentials._fingerprint(fresh_one(User, user.id))})
    assert csrf_app.test_client().get(f"/password/reset/{other}").status_code == 410


def test_reset_refuses_a_weak_password_with_a_polish_message(csrf_app, make_user):
    user = make_user("applicant", email="jan.kowalski@test.example.org")
    link = _link_for(csrf_app, user)
    r = _set(csrf_app, link, "1234567890")
    assert r.status_code == 422
    assert "Hasło jest zbyt łatwe do odgadnięcia" in r.get_data(as_text=True)
    r = _set(csrf_app, link, "jan.kowalski-2026!")
    assert r.status_code == 422 and "Hasło nie może zawierać Twojego adresu e-mail." in r.get_data(as_text=True)
    assert fresh_one(User, user.id).session_generation == 0
    assert _set(csrf_app, link).status_code == 303  # the link still works after a refused attempt


def test_no_reset_mail_for_a_deactivated_account_and_its_link_dies(csrf_app, session, make_user):
    from grants.accounts import admin as admin_ops
    admin, user = make_user("admin"), make_user("applicant")
    link = _link_for(csrf_app, user)
    admin_ops.deactivate(session, session.get(User, admin.id), session.get(User, user.id))
    session.commit()
    assert csrf_app.test_client().get(link).status_code == 410
    before = len(_mails())
    assert _ask(csrf_app, user.email).status_code == 200
    assert len(_mails()) == before


def test_forgot_form_without_the_csrf_token_is_refused(csrf_app, make_user):
    user = make_user("applicant")
    assert csrf_app.test_client().post("/password/forgot", data={"email": user.email}).status_code == 400
    assert _mails() == []


def test_the_reset_mail_is_delivered_by_the_worker(app, make_user, stub_broker, worker, tmp_path, monkeypatch):
    """End to end through the existing mail path: the outbox event is sent as an .eml file."""
    from email import message_from_bytes

    from grants.jobs import mail
    monkeypatch.setenv("GRANTS_INSTANCE_PATH", str(tmp_path))
    user = make_user("applicant")
    r = app.test_client().post("/password/forgot", data={"email": user.email})
    assert r.status_code == 200
    stub_broker.join("grants")
    (path,) = mail.outbox_files()
    msg = message_from_bytes(path.read_bytes())
    assert msg["To"] == user.email and "/password/reset/" in msg.get_payload(decode=True).decode()


def test_the_reset_link_points_to_the_public_url_whatever_the_host_header(app, client, make_user, monkeypatch):
    """Reset poisoning: a request with a forged Host header must not choose where the mailed link points."""
    monkeypatch.setitem(app.config, "GRANTS_PUBLIC_URL", "https://granty.krakow.pl/")
    user = make_user("applicant")
    r = client.post("/password/forgot", data={"email": user.email}, headers={"Host": "evil.example.com"})
    assert r.status_code == 200
    body = _mails()[-1]["body"]
    assert "https://granty.krakow.pl/password/reset/" in body and "evil.example.com" not in body


def test_one_reset_mail_per_account_in_the_cooldown_same_answer(csrf_app, session, make_user):
    """Nobody floods a mailbox through the form: a second request within RESET_COOLDOWN answers the
    same and sends nothing; after it, a new link comes (and the first one still works until used)."""
    from datetime import timedelta

    from grants.core import clock
    user = make_user("applicant")
    first, second = _ask(csrf_app, user.email), _ask(csrf_app, user.email)
    assert first.status_code == second.status_code == 200
    assert len(_mails()) == 1
    row = session.get(User, user.id)
    row.password_reset_sent_at = clock.real_now() - credentials.RESET_COOLDOWN - timedelta(seconds=1)
    session.commit()
    assert _ask(csrf_app, user.email).status_code == 200
    assert len(_mails()) == 2
