"""Helpers for the account tests: pages with CSRF on, replayed cookies, fresh reads."""
from __future__ import annotations

import re

from sqlalchemy.orm import Session

from grants.core import db
from tests.factories import PASSWORD

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def fresh(stmt):
    """Reads through a short-lived session: the test client's requests remove the scoped one."""
    with Session(db.get_engine()) as s:
        return s.execute(stmt).all()


def fresh_one(model, pk):
    with Session(db.get_engine()) as s:
        obj = s.get(model, pk)
        if obj is not None:
            s.expunge(obj)
        return obj


def csrf_of(client, url: str) -> str:
    """The CSRF token a page gives this client (its session holds the other half)."""
    page = client.get(url).get_data(as_text=True)
    m = CSRF.search(page)
    assert m, f"no CSRF token on {url}"
    return m.group(1)


def post_form(client, page_url: str, action: str, data: dict | None = None):
    """Posts a form the way a browser does: the CSRF token read from the page first."""
    return client.post(action, data={**(data or {}), "csrf_token": csrf_of(client, page_url)})


def web_login(app, user, password: str = PASSWORD):
    client = app.test_client()
    r = post_form(client, "/login", "/login", {"email": user.email, "password": password})
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    return client


def session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def replay(app, cookie_value: str):
    """A new browser that sends a copy of an old session cookie (as an attacker who kept it)."""
    other = app.test_client()
    other.set_cookie("session", cookie_value)
    return other


def logged_in(client) -> bool:
    return client.get("/account/").status_code == 200


def api_token(client, user, password: str = PASSWORD, **extra) -> str:
    r = client.post("/api/v1/tokens", json={"email": user.email, "password": password, **extra})
    assert r.status_code == 201, r.get_data(as_text=True)
    return r.get_json()["token"]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
