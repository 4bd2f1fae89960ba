"""POST /api/v1/contests with bad input: unknown call types, foreign or out-of-range departments,
another department named by an officer, money in exponent notation. Each a 422 naming the field
(never a 500), and no contest created."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from grants.contests.models import Contest
from tests.factories import department, make_contest


def _count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Contest))


def _refused(r, field: str, text: str | None = None) -> str:
    assert r.status_code == 422, r.get_data(as_text=True)[:500]
    assert r.mimetype == "application/problem+json"
    errors = {e["field"]: e["message"] for e in r.get_json()["errors"]}
    assert field in errors, errors
    if text:
        assert text in errors[field], errors
    return errors[field]


def test_unknown_call_type_on_create_is_422_like_on_patch(client, session, make_user, api_token):
    officer = make_user("officer")
    h = api_token(officer)
    r = client.post("/api/v1/contests", json={"title": "Konkurs", "call_type": "lottery"}, headers=h)
    _refused(r, "call_type", "Nieznany typ naboru")
    assert _count(session) == 0
    c = make_contest(session, officer, publish=False)
    r = client.patch(f"/api/v1/contests/{c.id}", json={"call_type": "lottery"}, headers=h)
    _refused(r, "call_type", "Nieznany typ naboru")


@pytest.mark.parametrize("department_id, text", [
    ("999", "Nie ma takiego wydziału"),           # no such row: a foreign key violation before
    ("99999999999999999999", "whole number"),    # beyond an INTEGER column: out of range before
    ("0", "whole number"), ("-1", "whole number"), ("1e3", "whole number"), ("abc", "whole number"),
])
def test_admin_naming_a_missing_or_impossible_department_is_422(client, session, make_user, api_token,
                                                                 department_id, text):
    admin = make_user("admin")
    r = client.post("/api/v1/contests", json={"title": "Konkurs", "department_id": department_id},
                    headers=api_token(admin))
    _refused(r, "department_id", text)
    assert _count(session) == 0


def test_admin_creates_in_any_existing_department(client, session, make_user, api_token):
    admin = make_user("admin")
    other = department(session, "WKS")
    session.commit()
    r = client.post("/api/v1/contests", json={"title": "Konkurs", "department_id": str(other.id)},
                    headers=api_token(admin))
    assert r.status_code == 201, r.get_data(as_text=True)
    assert r.get_json()["department_id"] == str(other.id)


def test_officer_naming_another_department_is_refused_not_ignored(client, session, make_user, api_token):
    officer = make_user("officer")  # of BIS
    other = department(session, "WKS")
    session.commit()
    h = api_token(officer)
    r = client.post("/api/v1/contests", json={"title": "Konkurs", "department_id": str(other.id)}, headers=h)
    _refused(r, "department_id", "swoim wydziale")
    assert _count(session) == 0
    # naming their own department (or none) is fine
    r = client.post("/api/v1/contests", json={"title": "Konkurs", "department_id": str(officer.department_id)},
                    headers=h)
    assert r.status_code == 201, r.get_data(as_text=True)
    assert r.get_json()["department_id"] == str(officer.department_id)


@pytest.mark.parametrize("field", ["budget", "min_grant", "max_grant"])
@pytest.mark.parametrize("value", ["1e3", "2.5e3", "1E+3", "NaN", "Infinity", "+100", "100.001", 1000.5])
def test_contest_money_in_exponent_or_other_bad_notation_is_422(client, session, make_user, api_token, field, value):
    r = client.post("/api/v1/contests", json={"title": "Konkurs", field: value}, headers=api_token(make_user("officer")))
    _refused(r, field)
    assert _count(session) == 0


def test_contest_money_stored_with_two_places(client, session, make_user, api_token):
    r = client.post("/api/v1/contests", json={"title": "Konkurs", "budget": "150000", "min_grant": "5000.5"},
                    headers=api_token(make_user("officer")))
    assert r.status_code == 201, r.get_data(as_text=True)
    assert (r.get_json()["budget"], r.get_json()["min_grant"]) == ("150000.00", "5000.50")
    assert session.get(Contest, int(r.get_json()["id"])).budget == Decimal("150000.00")


@pytest.mark.parametrize("field, value", [("pass_threshold", "1e1"), ("min_own_total_pct", "1e1"),
                                          ("shift_pct", "100.5"), ("criteria", [{"code": "a", "label": "A",
                                                                                  "max_points": "1e1"}])])
def test_contest_points_and_percentages_in_exponent_notation_are_422(client, session, make_user, api_token, field, value):
    r = client.post("/api/v1/contests", json={"title": "Konkurs", field: value}, headers=api_token(make_user("officer")))
    assert r.status_code == 422, r.get_data(as_text=True)
    assert any(e["field"].startswith(field) for e in r.get_json()["errors"])
    assert _count(session) == 0


# ---------------------------------------------------------------- the same grammar on the web form

def _web_form(**over):
    from datetime import timedelta

    from grants.core import clock
    from grants.core.dates import WARSAW
    dl = (clock.now() + timedelta(days=40)).astimezone(WARSAW).strftime("%Y-%m-%dT%H:%M")
    year = clock.today().year + 1
    form = {"title": "Kultura w dzielnicach", "year": year, "call_type": "standard", "field": "culture",
            "form": "support", "task_type": "Kultura", "budget": "100000", "grant_rules": "Zasady",
            "task_conditions": "Warunki", "procedure": "Tryb", "previous_tasks": "Brak", "deadline": dl,
            "decision_by": f"{year}-01-15", "min_grant": "1000", "max_grant": "20000", "correction_days": "7",
            "criteria-0-code": "capacity", "criteria-0-title": "Możliwość realizacji", "criteria-0-max_points": "10",
            "formal_checklist-0-code": "in_time", "formal_checklist-0-title": "W terminie"}
    form.update(over)
    return form


@pytest.mark.parametrize("field, value, message", [
    ("budget", "1e3", "zapisu wykładniczego"), ("budget", "2.5e3", "zapisu wykładniczego"),
    ("min_grant", "12,345", "miejsca po przecinku"), ("max_grant", "-5", "ujemna"), ("budget", "NaN", "nie jest liczba"),
    ("pass_threshold", "1e1", "zapisu wykładniczego"), ("shift_pct", "100,5", "przedziale 0–100"),
    ("criteria-0-max_points", "1e1", "zapisu wykładniczego"),
])
def test_contest_form_shows_the_grammar_message_beside_the_field(app, session, make_user, login, field, value, message):
    web = login(make_user("officer"), app.test_client())
    r = web.post("/contests/new", data=_web_form(**{field: value}))
    page = r.get_data(as_text=True)
    assert r.status_code in (200, 422), r.status_code
    import re
    m = re.search(rf'id="{field}-error">(?:<span class="visually-hidden">.*?</span>)?(.*?)</(?:p|span)>', page, re.S)
    assert m and message in m.group(1), page[page.find("error-summary"):][:1500]
    assert f'value="{value}"' in page  # what was typed stays in the field
    assert _count(session) == 0


def test_contest_form_takes_the_polish_spelling(app, session, make_user, login):
    web = login(make_user("officer"), app.test_client())
    r = web.post("/contests/new", data=_web_form(budget="1\u00a0250 000,50", min_grant="1 000", max_grant="20 000,00"))
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    session.expire_all()
    (c,) = session.scalars(select(Contest)).all()
    assert (c.budget, c.min_grant, c.max_grant) == (Decimal("1250000.50"), Decimal("1000.00"), Decimal("20000.00"))
