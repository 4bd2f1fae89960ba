"""The new pages (account, password reset, users admin) meet the same WCAG basics as every page
(tests/web/test_accessibility.py's checker), with their errors shown, a token listed, a user's history."""
from __future__ import annotations

import json
import re

from tests.web.test_accessibility import problems

from .support import api_token, web_login


def test_account_page_with_errors_and_tokens_is_accessible(app, make_user):
    user = make_user("applicant")
    api_token(app.test_client(), user, name="arkusz")
    browser = web_login(app, user)
    assert problems(browser.get("/account/").get_data(as_text=True)) == []
    r = browser.post("/account/password", data={"current_password": "", "password": "1234567890", "confirm": "x"})
    assert r.status_code == 422 and problems(r.get_data(as_text=True)) == []
    r = browser.post("/account/tokens", data={"name": "x", "expires_in_days": "0"})
    assert r.status_code == 422 and problems(r.get_data(as_text=True)) == []
    r = browser.post("/account/tokens", data={"name": "nowy", "expires_in_days": "5"})
    assert r.status_code == 201 and problems(r.get_data(as_text=True)) == []


def test_password_reset_pages_are_accessible(client, make_user):
    from sqlalchemy import select

    from grants.core.outbox import OutboxEvent

    from .support import fresh
    user = make_user("applicant")
    for url in ("/password/forgot", "/password/reset/nonsense"):
        assert problems(client.get(url).get_data(as_text=True)) == []
    r = client.post("/password/forgot", data={"email": "zly"})
    assert r.status_code == 422 and problems(r.get_data(as_text=True)) == []
    r = client.post("/password/forgot", data={"email": user.email})
    assert problems(r.get_data(as_text=True)) == []
    (payload,) = [p for (p,) in fresh(select(OutboxEvent.payload))]
    link = re.search(r"(/password/reset/\S+)", json.loads(payload)["body"]).group(1)
    assert problems(client.get(link).get_data(as_text=True)) == []
    r = client.post(link, data={"password": "1234567890", "confirm": "1234567890"})
    assert r.status_code == 422 and problems(r.get_data(as_text=True)) == []


def test_users_admin_pages_are_accessible(app, make_user):
    admin, user = make_user("admin"), make_user("applicant")
    api_token(app.test_client(), user, name="laptop")
    browser = web_login(app, admin)
    browser.post(f"/admin/users/{user.id}/deactivate")
    for url in ("/admin/users/", "/admin/users/?q=test", f"/admin/users/{user.id}", f"/admin/users/{admin.id}"):
        assert problems(browser.get(url).get_data(as_text=True)) == [], url
