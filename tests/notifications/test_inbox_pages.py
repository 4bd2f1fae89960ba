"""The inbox walked by key (issue 20): the page and GET /api/v1/me/notifications go through more
notifications than a page holds, newest first, without a duplicate or a gap (also among
notifications made at the same instant: the id decides), the unread filter kept from page to page;
nobody reads another's inbox."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from grants.notifications import views
from grants.notifications.models import Notification
from tests.web.pager import walk

COPY = ("kind", "category", "object_type", "object_id", "params", "delivery")


def _fill(session, user, n: int) -> list[int]:
    """`n` more notifications for `user` (copies of their first), newest first by the inbox's order;
    every third pair made at the same instant, every other one read."""
    first = session.scalars(select(Notification).where(Notification.user_id == user.id)).first()
    for i in range(n):
        at = first.created_at + timedelta(minutes=i - i % 3)
        session.add(Notification(user_id=user.id, key=f"page-{i}", created_at=at,
                                 read_at=at if i % 2 else None, **{k: getattr(first, k) for k in COPY}))
    session.commit()
    rows = session.scalars(select(Notification).where(Notification.user_id == user.id)
                           .order_by(Notification.created_at.desc(), Notification.id.desc()))
    return [(x.id, x.read_at is None) for x in rows]


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'href="/notifications/(\d+)"', html)]


def test_inbox_page_walks_by_key_without_duplicates_or_gaps(submitted_offer, session, client, login, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 4)
    _officer, _applicant, colleague, *_ = submitted_offer()
    expected = _fill(session, colleague, 13)
    login(colleague)
    first = client.get("/notifications/").get_data(as_text=True)
    assert 'rel="next"' in first and "Następna strona" in first
    assert walk(client, "/notifications/", _ids) == [i for i, _unread in expected]
    unread = walk(client, "/notifications/?unread=1", _ids)
    assert unread == [i for i, is_unread in expected if is_unread]


def test_api_inbox_walks_by_key(submitted_offer, session, client, api_token):
    officer, _applicant, colleague, *_ = submitted_offer()
    expected = _fill(session, colleague, 9)
    h = api_token(colleague)
    seen, after = [], None
    while True:
        body = client.get("/api/v1/me/notifications?per_page=3" + (f"&after={after}" if after else ""),
                          headers=h).get_json()
        seen += [x["id"] for x in body["items"]]
        after = body["next"]
        if after is None:
            break
    assert seen == [i for i, _unread in expected] and body["total"] == 10
    first = client.get("/api/v1/me/notifications?per_page=3", headers=h).get_json()
    theirs = client.get(f"/api/v1/me/notifications?per_page=3&after={first['next']}",
                        headers=api_token(officer)).get_json()
    assert not {x["id"] for x in theirs["items"]} & set(seen)  # a cursor opens no one else's inbox
    assert client.get("/api/v1/me/notifications?after=x", headers=h).status_code == 422
