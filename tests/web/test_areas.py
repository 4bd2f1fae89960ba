"""The area skeleton shared by every area's pages (grants.web.areas): the object a URL names if the
caller may see it, a list page's filter and paging, and a POST that runs one operation."""
from __future__ import annotations

import pytest
from flask import get_flashed_messages
from sqlalchemy import select
from werkzeug.exceptions import Forbidden, NotFound

from grants.contests import operations as cops
from grants.contests.models import Contest
from grants.core import db
from grants.core.errors import FieldErrors
from grants.core.permissions import PermissionDenied
from grants.web.areas import act, listing, visible_or_404
from tests.factories import make_contest


def _as(app, user, url="/"):
    """A request context signed in as `user` (None: a visitor)."""
    from flask_login import login_user
    ctx = app.test_request_context(url)
    ctx.push()
    if user is not None:
        login_user(user)
    return ctx


def test_visible_or_404_answers_404_for_what_the_caller_may_not_see(app, session, make_user):
    officer = make_user("officer")
    draft = make_contest(session, officer, publish=False)
    published = make_contest(session, officer)
    ctx = _as(app, None)
    try:
        assert visible_or_404(Contest, published.id, cops.visible).id == published.id
        with pytest.raises(NotFound):  # a visitor never sees a draft
            visible_or_404(Contest, draft.id, cops.visible)
        with pytest.raises(NotFound):
            visible_or_404(Contest, 10**9, cops.visible)
        assert visible_or_404(Contest, draft.id, cops.visible, user=officer).id == draft.id
    finally:
        ctx.pop()


def test_listing_filters_by_state_and_pages(app, session, make_user):
    officer = make_user("officer")
    made = [make_contest(session, officer, publish=k % 2 == 0) for k in range(5)]
    q = cops.visible(select(Contest), officer)
    for url, ids, total in [
        ("/?page=1", [c.id for c in made][:2], 5),
        ("/?page=3", [made[4].id], 5),
        ("/?page=x", [c.id for c in made][:2], 5),  # a bad number is the first page
        ("/?state=draft", [made[1].id, made[3].id], 2),
        ("/?state=nonsense", [], 0),  # an unknown state shows nothing, not an error
    ]:
        with app.test_request_context(url):
            page = listing(q, Contest, Contest.id, per_page=2)
        assert [c.id for c in page.rows] == ids, url
        assert page.total == total, url
    with app.test_request_context("/?page=2"):
        assert listing(q, Contest, Contest.id, per_page=2).pages == 3


def test_listing_walks_by_key_through_nulls_and_ties(app, session, make_user):
    """?after= pages by key (issue 20): walking the `next` links lists every row once, in the order of
    the plain query, across equal deadlines (the id decides) and the NULL tail of a nulls-last order."""
    from datetime import timedelta
    from urllib.parse import parse_qs, urlsplit

    from grants.core import clock
    officer = make_user("officer")
    made = [make_contest(session, officer) for _k in range(7)]
    for k, c in enumerate(made):  # two equal deadlines, two without one
        c.deadline = None if k in (2, 5) else clock.now() + timedelta(days=10 + (k // 2))
    session.commit()
    q = cops.visible(select(Contest), None).where(Contest.id.in_([c.id for c in made]))
    order = (Contest.deadline.desc().nulls_last(), Contest.id.desc())
    expected = [c.id for c in session.scalars(q.order_by(*order))]
    seen, url, first_urls = [], "/?", []
    while url:
        with app.test_request_context(url):
            page = listing(q, Contest, *order, per_page=2)
        seen += [c.id for c in page.rows]
        first_urls.append(page.first_url)
        url = page.next_url and "/?" + urlsplit(page.next_url).query
        assert not url or parse_qs(urlsplit(url).query)["after"]
    assert seen == expected and len(seen) == 7
    assert first_urls[0] is None and all(first_urls[1:])  # pages reached by key link back to the first
    with app.test_request_context("/?after=not-a-key"):  # a bad key is the first page, never an error
        assert [c.id for c in listing(q, Contest, *order, per_page=2).rows] == expected[:2]
    with app.test_request_context("/?page=2"):  # numbered links (and bookmarks) still work
        page = listing(q, Contest, *order, per_page=2)
        assert [c.id for c in page.rows] == expected[2:4] and page.next_url


def test_act_commits_or_changes_nothing_and_says_why(app, session, make_user):
    officer = make_user("officer")
    c = make_contest(session, officer, publish=False)
    cid = c.id

    def rename(title):
        def op():
            db.session.get(Contest, cid).title = title
            if title == "bad":
                raise FieldErrors([{"field": "title", "message": "Zły tytuł."}])
            if title == "forbidden":
                raise PermissionDenied()
            return title
        return op

    with app.test_request_context("/", method="POST"):
        r = act(rename("Nowy tytuł"), "/back", "Zapisano.", to=lambda t: f"/to/{len(t)}")
        assert (r.status_code, r.location) == (303, "/to/10")
        assert get_flashed_messages(with_categories=True) == [("success", "Zapisano.")]
    with app.test_request_context("/", method="POST"):
        r = act(rename("bad"), lambda: "/back", "Zapisano.")
        assert (r.status_code, r.location) == (303, "/back")
        assert get_flashed_messages(with_categories=True) == [("error", "Zły tytuł.")]
    with app.test_request_context("/", method="POST"):
        with pytest.raises(Forbidden):
            act(rename("forbidden"), "/back")
    db.session.remove()
    assert db.session.get(Contest, cid).title == "Nowy tytuł"  # the refused changes were rolled back
