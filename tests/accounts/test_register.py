"""Self-registration of participants (S1) that reveals nothing about existing accounts: the same
answer for every address, an unconfirmed account until the e-mail is confirmed by a single-use,
expiring link, and a warning mail to the owner of an existing account (issue 21)."""
from __future__ import annotations

import re
from datetime import timedelta

from limits import parse
from sqlalchemy import func, select

from grants.accounts import links
from grants.accounts.models import User
from grants.core import clock
from grants.ratelimits import REGISTER_PER_ADDRESS
from tests.factories import PASSWORD

from .mails import link_path, mails_to

DATA = {"full_name": "Jan Firma", "stakeholder_type": "business", "password": "Dlugie-haslo-123"}


def _register(client, email, **over):
    return client.post("/register", data={**DATA, "email": email, **over})


def _login(client, email, password="Dlugie-haslo-123"):
    return client.post("/login", data={"email": email, "password": password})


def _logged_in(client) -> bool:
    return 'action="/logout"' in client.get("/").get_data(as_text=True)


def _user(session, email):
    session.rollback()
    return session.scalar(select(User).where(User.email == email))


def test_registration_answers_the_same_for_new_and_existing_emails(app, make_user):
    existing = make_user("applicant")
    answers = []
    for email in (existing.email, "jan@firma.example.org"):
        client = app.test_client()
        r = _register(client, email)
        page = client.get(r.headers["Location"])
        html = re.sub(r'name="csrf_token" value="[^"]+"', "", page.get_data(as_text=True))  # per session
        answers.append((r.status_code, r.headers["Location"], page.status_code, html))
        assert not _logged_in(client)  # nobody is signed in by registering
    assert answers[0] == answers[1]
    assert answers[0][0] == 302 and "Sprawdź skrzynkę e-mail" in answers[0][3]
    assert "już istnieje" not in answers[0][3]


def test_registration_of_an_existing_email_tells_its_owner_and_changes_nothing(app, make_user, session):
    owner = make_user("applicant")
    before = _user(session, owner.email).password_hash
    _register(app.test_client(), owner.email.upper())
    [mail] = mails_to(owner.email)
    assert "Ktoś próbował założyć nowe konto" in mail["body"]
    assert "/login" in mail["body"]
    u = _user(session, owner.email)
    assert u.password_hash == before and u.role_names == frozenset({"applicant"})
    assert session.scalar(select(func.count()).select_from(User)) == 1


def test_new_account_is_unconfirmed_and_cannot_sign_in_until_confirmed(app, session):
    client = app.test_client()
    assert _register(client, "jan@firma.example.org").status_code == 302
    u = _user(session, "jan@firma.example.org")
    assert u.role_names == frozenset({"participant"}) and u.stakeholder_type == "business"
    assert u.email_confirmed_at is None
    r = _login(client, "jan@firma.example.org")
    assert r.status_code == 403
    assert "potwierdź adres e-mail" in r.get_data(as_text=True)
    assert not _logged_in(client)
    # nor through the API
    r = client.post("/api/v1/tokens", json={"email": "jan@firma.example.org", "password": "Dlugie-haslo-123"})
    assert r.status_code == 403 and r.mimetype == "application/problem+json"

    [mail] = mails_to("jan@firma.example.org")
    path = link_path(mail, "/register/confirm/")
    assert client.get(path).status_code == 200  # opening the link (a mail scanner too) confirms nothing
    assert _user(session, "jan@firma.example.org").email_confirmed_at is None
    r = client.post(path)
    assert r.status_code == 302 and r.headers["Location"] == "/login"
    assert _user(session, "jan@firma.example.org").email_confirmed_at is not None
    assert _login(client, "jan@firma.example.org").status_code == 302
    assert "Jan Firma" in client.get("/").get_data(as_text=True)


def test_confirmation_link_works_once(app, session):
    client = app.test_client()
    _register(client, "jan@firma.example.org")
    path = link_path(mails_to("jan@firma.example.org")[0], "/register/confirm/")
    assert client.post(path).status_code == 302
    first = _user(session, "jan@firma.example.org").email_confirmed_at
    r = client.post(path)
    assert r.status_code == 400
    assert "został już użyty" in r.get_data(as_text=True)
    assert _user(session, "jan@firma.example.org").email_confirmed_at == first


def test_confirmation_link_expires(app, session, monkeypatch):
    client = app.test_client()
    real = clock.real_now
    monkeypatch.setattr(clock, "real_now", lambda: real() - links.CONFIRM_MAX_AGE - timedelta(minutes=1))
    _register(client, "jan@firma.example.org")  # the link is stamped 48 h and a minute ago
    monkeypatch.setattr(clock, "real_now", real)
    path = link_path(mails_to("jan@firma.example.org")[0], "/register/confirm/")
    r = client.post(path)
    assert r.status_code == 400
    assert "Link wygasł" in r.get_data(as_text=True)
    assert _user(session, "jan@firma.example.org").email_confirmed_at is None


def test_a_tampered_confirmation_link_is_refused(app, session):
    client = app.test_client()
    _register(client, "jan@firma.example.org")
    path = link_path(mails_to("jan@firma.example.org")[0], "/register/confirm/")
    assert client.post(path[:-3] + "xyz").status_code == 400
    assert _user(session, "jan@firma.example.org").email_confirmed_at is None


def test_registering_again_while_unconfirmed_replaces_it_and_kills_the_older_link(app, session):
    """Nobody can hold an address they cannot read: a second registration replaces an unconfirmed
    one (and its password); only the newest link confirms."""
    client = app.test_client()
    _register(client, "jan@firma.example.org", password="Haslo-napastnika-1")
    old = link_path(mails_to("jan@firma.example.org")[0], "/register/confirm/")
    _register(client, "jan@firma.example.org", password="Haslo-wlasciciela-2")
    assert session.scalar(select(func.count()).select_from(User)) == 1
    new = link_path(mails_to("jan@firma.example.org")[1], "/register/confirm/")
    assert client.post(old).status_code == 400
    assert client.post(new).status_code == 302
    assert _login(client, "jan@firma.example.org", "Haslo-napastnika-1").status_code == 401
    assert _login(client, "jan@firma.example.org", "Haslo-wlasciciela-2").status_code == 302


def test_bad_registration_stores_nothing(app, session):
    client = app.test_client()
    for data in ({"full_name": "A", "email": "zly", "stakeholder_type": "resident", "password": "Dlugie-haslo-123"},
                 {"full_name": "A", "email": "a@b.example.org", "stakeholder_type": "king", "password": "Dlugie-haslo-123"},
                 {"full_name": "A", "email": "a@b.example.org", "stakeholder_type": "resident", "password": "krotkie"}):
        assert client.post("/register", data=data).status_code == 422
    assert session.scalar(select(func.count()).select_from(User)) == 0
    assert mails_to("a@b.example.org") == []


def test_a_refused_password_does_not_depend_on_the_email_existing(app, make_user):
    owner = make_user("applicant")
    answers = []
    for email in (owner.email, "nowa@example.org"):
        r = _register(app.test_client(), email, password="krotkie")
        html = re.sub(r'name="csrf_token" (type="hidden" )?value="[^"]+"', "", r.get_data(as_text=True))
        answers.append((r.status_code, html.replace(email, "E")))
    assert answers[0] == answers[1] and answers[0][0] == 422


def test_registration_is_throttled_per_address(app):
    allowed = parse(REGISTER_PER_ADDRESS).amount
    client = app.test_client()
    for i in range(allowed):
        assert _register(client, f"osoba{i}@example.org").status_code == 302
    r = _register(client, "jeszcze@example.org")
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) >= 1
    assert "Spróbuj ponownie za" in r.get_data(as_text=True)
    # another address is not affected
    other = app.test_client()
    assert other.post("/register", data={**DATA, "email": "inna@example.org"},
                      environ_base={"REMOTE_ADDR": "10.9.8.7"}).status_code == 302


def test_users_made_by_the_office_and_factories_are_confirmed(make_user, client):
    u = make_user("applicant")
    assert u.email_confirmed_at is not None
    assert client.post("/login", data={"email": u.email, "password": PASSWORD}).status_code == 302
