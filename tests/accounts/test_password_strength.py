"""One password rule for every path that sets a password (issue 21: "1234567890" and a password
equal to the e-mail were accepted): zxcvbn (with Polish dictionaries) at score 3 or more, and never
the e-mail's local part or the person's name; a clear Polish message."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from grants.accounts.models import User
from grants.accounts.operations import AccountError, create_user
from grants.accounts.passwords import MIN_SCORE, password_problem
from grants.demo import DEMO_PASSWORD, EXTRA_MEMBERS, USERS
from tests.factories import PASSWORD

from .support import csrf_of, fresh

WEAK = "Hasło jest zbyt łatwe do odgadnięcia"


@pytest.mark.parametrize("password, email, name, expected", [
    ("1234567890", "ewa@test.example.org", "Ewa Nowak", WEAK),
    ("qwertyuiop", "ewa@test.example.org", "Ewa Nowak", WEAK),
    ("password123", "ewa@test.example.org", "Ewa Nowak", WEAK),
    ("słoneczko123456", "ewa@test.example.org", "Ewa Nowak", WEAK),  # Polish words: zxcvbn-pl
    ("Katarzyna1985!", "ewa@test.example.org", "Ewa Nowak", WEAK),   # a Polish first name and a year
    ("ewa@test.example.org", "ewa@test.example.org", "Ewa Nowak", "Hasło nie może zawierać Twojego adresu e-mail."),
    ("ewa.nowak.krakow", "ewa.nowak.krakow@test.example.org", "", "Hasło nie może zawierać Twojego adresu e-mail."),
    ("EwaNowak-2026!", "e@test.example.org", "Ewa Nowak", "Hasło nie może zawierać Twojego imienia i nazwiska."),
    ("Nowak-Ewa-Kraków", "e@test.example.org", "Ewa Nowak", "Hasło nie może zawierać Twojego imienia i nazwiska."),
    ("Łucja-Żak-99xyz", "e@test.example.org", "Łucja Żak", "Hasło nie może zawierać Twojego imienia i nazwiska."),
    ("krótkie", "e@test.example.org", "", "Hasło musi mieć co najmniej 10 znaków."),
])
def test_weak_passwords_are_refused_with_a_polish_message(password, email, name, expected):
    problem = password_problem(password, email=email, name=name)
    assert problem is not None and expected in str(problem)


def test_the_message_passes_on_the_estimators_advice_in_polish():
    problem = str(password_problem("1234567890", email="a@test.example.org"))
    assert "Wskazówka:" in problem and "najczęstszych haseł" in problem
    assert "common" not in problem  # not zxcvbn's English


@pytest.mark.parametrize("password", ["Zielony-Rower-Wisla-7", "kot pies dom las rzeka", "Tn8#qL2!vW9z"])
def test_strong_passwords_pass(password):
    assert password_problem(password, email="ewa@test.example.org", name="Ewa Nowak") is None


def test_demo_and_test_passwords_still_pass():
    for email, _roles, name, *_rest in USERS:
        assert password_problem(DEMO_PASSWORD, email=email, name=name) is None, email
    for email, _i in EXTRA_MEMBERS:
        assert password_problem(DEMO_PASSWORD, email=email, name="Członek zarządu: Fundacja") is None
    assert password_problem(PASSWORD, email="user1@test.example.org", name="Test User") is None
    assert MIN_SCORE == 3


def test_create_user_refuses_a_weak_password_and_stores_nothing(session):
    with pytest.raises(AccountError) as e:
        create_user(session, email="ewa@test.example.org", password="1234567890", roles=["applicant"],
                    full_name="Ewa Nowak")
    assert e.value.field == "password" and WEAK in str(e.value.message)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(User)) == 0


def test_registration_page_refuses_weak_passwords(csrf_app):
    c = csrf_app.test_client()
    for password, message in [("1234567890", WEAK),
                              ("jan@firma.example.org", "Hasło nie może zawierać Twojego adresu e-mail.")]:
        r = c.post("/register", data={"full_name": "Jan Firma", "email": "jan@firma.example.org",
                                      "stakeholder_type": "business", "password": password,
                                      "csrf_token": csrf_of(c, "/register")})
        assert r.status_code == 422
        assert message in r.get_data(as_text=True)
    assert fresh(select(User.id)) == []


def test_cli_refuses_a_weak_password_and_accepts_a_strong_one(app):
    from grants.core import db
    runner = app.test_cli_runner()
    r = runner.invoke(args=["users", "create", "--email", "x@example.org", "--password", "1234567890",
                            "--role", "applicant"])
    db.session.remove()
    assert r.exit_code != 0 and WEAK in r.output
    assert fresh(select(User.id)) == []
    r = runner.invoke(args=["users", "create", "--email", "x@example.org", "--password", "Zielony-Rower-Wisla-7",
                            "--role", "applicant"])
    db.session.remove()
    assert r.exit_code == 0, r.output
