"""The admin's users page and the people directory (GET /api/v1/users) walked by key (issue 20):
through more accounts than a page holds, in their order, without a duplicate or a gap (the
directory's names all alike: the id decides); a search counts one page at most ("N+"); who may
read each list is unchanged."""
from __future__ import annotations

import re

import pytest

from grants.accounts import admin as admin_ops
from grants.accounts.models import User
from grants.core import db
from grants.core.permissions import PermissionDenied
from tests.web.pager import walk

from .support import web_login

EMAIL = re.compile(r'<a href="/admin/users/\d+">([^<]+)</a>')


def _visible_emails(admin) -> list[str]:
    with db.session.session_factory() as s:
        return list(s.scalars(admin_ops.users(s.get(User, admin.id)).with_only_columns(User.email)
                              .order_by(User.email)))


def test_admin_users_page_walks_by_key_and_a_search_counts_one_page(csrf_app, make_user, monkeypatch):
    monkeypatch.setattr(admin_ops, "PER_PAGE", 3)
    admin = make_user("admin")
    for i in range(8):
        make_user("applicant", email=f"keyset{i:02d}@test.example.org")
    browser = web_login(csrf_app, admin)
    expected = _visible_emails(admin)
    assert len(expected) > 6
    first = browser.get("/admin/users/").get_data(as_text=True)
    assert "Następna strona" in first and f"Znaleziono: {len(expected)}<" in first
    assert walk(browser, "/admin/users/", EMAIL.findall) == expected
    found = browser.get("/admin/users/?q=keyset").get_data(as_text=True)
    assert "Znaleziono: 3+" in found  # a search counts one page, then walks on
    assert walk(browser, "/admin/users/?q=keyset", EMAIL.findall) == [f"keyset{i:02d}@test.example.org"
                                                                       for i in range(8)]
    assert "Znaleziono: 1<" in browser.get("/admin/users/?q=keyset03").get_data(as_text=True)


def test_admin_users_page_by_key_stays_for_admins(csrf_app, make_user, monkeypatch):
    monkeypatch.setattr(admin_ops, "PER_PAGE", 2)
    admin = make_user("admin")
    for _i in range(4):
        make_user("applicant")
    nxt = re.search(r'<a href="([^"]+)" rel="next">', web_login(csrf_app, admin).get("/admin/users/")
                    .get_data(as_text=True)).group(1).replace("&amp;", "&")
    assert web_login(csrf_app, make_user("officer")).get(nxt).status_code == 403
    assert csrf_app.test_client().get(nxt).status_code == 302  # anonymous: the login page


def test_directory_api_walks_by_key_through_equal_names(client, make_user, api_token):
    officer = make_user("officer")
    people = [make_user("commission_member") for _i in range(7)]
    h = api_token(officer)
    seen, after = [], None
    while True:
        body = client.get("/api/v1/users?role=commission_member&per_page=3" + (f"&after={after}" if after else ""),
                          headers=h).get_json()
        seen += [x["id"] for x in body["items"]]
        after = body["next"]
        if after is None:
            break
    assert seen == [str(p.id) for p in people] and body["total"] == 7 and body["total_exact"]
    assert all(x["email"] is None for x in body["items"])  # an officer sees no e-mail, page after page
    searched = client.get("/api/v1/users?q=test&per_page=3", headers=h).get_json()
    assert searched["total"] == 3 and not searched["total_exact"] and searched["next"]
    assert client.get("/api/v1/users?after=zzz", headers=h).status_code == 422
    assert client.get(f"/api/v1/users?after={searched['next']}", headers=api_token(make_user("applicant"))
                      ).status_code == 403


def test_users_query_is_for_admins_only(session, make_user):
    with pytest.raises(PermissionDenied):
        admin_ops.users(make_user("officer"))
    assert session.scalars(admin_ops.users(make_user("admin")).where(User.id < 0)).all() == []
