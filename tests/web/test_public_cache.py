"""Public pages a reverse proxy may keep (issue 20): to a visitor each answers with an ETag, a
Last-Modified and `Cache-Control: public, max-age=…`, a 304 to a matching conditional request, a new
ETag as soon as a row shown changes or the language differs; a signed-in user gets `no-store`."""
from __future__ import annotations

import pytest
from flask import session as flask_session

from grants.contests.models import Contest
from grants.core import db
from grants.web import public_cache
from tests.factories import PASSWORD, make_contest, make_user

PAGES = ["/contests/", "/contests/{cid}", "/contests/{cid}/print", "/calendar", "/calendar.ics",
         "/calendar.ics?grantor=KRK", "/kraj/", "/KRK/", "/KRK/calendar.ics"]


@pytest.fixture
def published(session):
    officer = make_user(session, "officer")
    return officer, make_contest(session, officer)


def _public(r):
    assert r.status_code == 200, r.status_code
    assert r.headers["Cache-Control"].startswith("public, max-age=")
    assert r.headers.get("ETag") and r.headers.get("Last-Modified")
    assert "Set-Cookie" not in r.headers  # a shared copy must carry no one's session
    assert "Cookie" in r.headers.get("Vary", "")
    return r.headers["ETag"]


@pytest.mark.parametrize("page", PAGES)
def test_visitor_gets_validators_and_304(app, session, published, page):
    _, c = published
    url = page.format(cid=c.id)
    client = app.test_client()
    etag = _public(client.get(url))
    r = client.get(url, headers={"If-None-Match": etag})
    assert r.status_code == 304 and r.get_data() == b""
    assert r.headers["ETag"] == etag and r.headers["Cache-Control"].startswith("public")
    last = client.get(url).headers["Last-Modified"]
    assert client.get(url, headers={"If-Modified-Since": last}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_a_change_to_a_row_shown_changes_the_etag_at_once(app, session, published, page):
    _, c = published
    url = page.format(cid=c.id)
    client = app.test_client()
    etag = _public(client.get(url))
    with db.session.session_factory() as s:  # the request closed the test's session
        row = s.get(Contest, c.id)
        row.title += " (poprawiony)"
        s.commit()  # the version counter moves
    r = client.get(url, headers={"If-None-Match": etag})
    assert r.status_code == 200 and r.headers["ETag"] != etag
    if ".ics" not in url and "print" not in url:
        assert "(poprawiony)" in r.get_data(as_text=True)


def test_a_new_contest_changes_the_list(app, session, published):
    officer, _ = published
    client = app.test_client()
    etag = _public(client.get("/contests/"))
    make_contest(session, officer, title="Drugi konkurs publiczny")
    r = client.get("/contests/", headers={"If-None-Match": etag})
    assert r.status_code == 200 and "Drugi konkurs publiczny" in r.get_data(as_text=True)


def test_language_is_part_of_the_etag(app, session, published):
    client = app.test_client()
    pl = _public(client.get("/contests/"))
    client.post("/lang/en", headers={"Origin": "http://localhost"})
    r = client.get("/contests/", headers={"If-None-Match": pl})
    assert r.status_code == 200 and '<html lang="en">' in r.get_data(as_text=True)
    # the language lives in the session cookie, which Flask-Login rewrites on each answer: private
    assert r.headers["Cache-Control"] == "private, no-cache"
    etags = {}
    for lang in ("pl", "en"):
        with app.test_request_context("/contests/"):
            flask_session["lang"] = lang
            etags[lang] = public_cache.etag_of("the same rows")
    assert etags["pl"] != etags["en"]


def test_signed_in_user_gets_no_store_and_no_304(app, session, published):
    officer, c = published
    visitor = app.test_client()
    etag = _public(visitor.get(f"/contests/{c.id}"))
    client = app.test_client()
    assert client.post("/login", data={"email": officer.email, "password": PASSWORD}).status_code == 302
    for url in ("/contests/", f"/contests/{c.id}", "/kraj/", "/calendar.ics"):
        r = client.get(url, headers={"If-None-Match": etag})
        assert r.status_code == 200, url
        assert r.headers["Cache-Control"] == "no-store" and "ETag" not in r.headers, url


def test_unknown_pages_are_not_cached(app, session, published):
    client = app.test_client()
    for url in ("/contests/999999", "/NIEMA/"):
        r = client.get(url)
        assert r.status_code == 404 and "public" not in r.headers.get("Cache-Control", "")


def test_visitor_switches_language_without_a_token_from_this_site(csrf_app):
    c = csrf_app.test_client()
    page = c.get("/contests/").get_data(as_text=True)
    assert "csrf_token" not in page  # nothing personal in a shared page
    assert c.post("/lang/en", headers={"Origin": "https://evil.example.com"}).status_code == 400
    r = c.post("/lang/en", data={"next": "/contests/"}, headers={"Origin": "http://localhost"})
    assert r.status_code == 302
    assert '<html lang="en">' in c.get("/contests/").get_data(as_text=True)


def test_visitors_pages_read_from_the_replica_signed_in_ones_from_the_primary(app, session, published):
    """GRANTS_REPLICA_URL (here the same database under a second engine, counted)."""
    import dataclasses

    from sqlalchemy import event
    from tests.conftest import DATABASE_URL
    officer, c = published
    settings = app.config["GRANTS_SETTINGS"]
    app.config["GRANTS_SETTINGS"] = dataclasses.replace(settings, replica_url=DATABASE_URL)
    try:
        statements: list[str] = []
        with app.app_context():
            replica = public_cache.replica()

        def count(conn, cursor, sql, *a):
            statements.append(sql)
        event.listen(replica, "before_cursor_execute", count)
        visitor = app.test_client()
        etag = _public(visitor.get(f"/contests/{c.id}"))
        assert statements, "the visitor's page read the replica"
        assert visitor.get(f"/contests/{c.id}", headers={"If-None-Match": etag}).status_code == 304
        statements.clear()
        signed_in = app.test_client()
        assert signed_in.post("/login", data={"email": officer.email, "password": PASSWORD}).status_code == 302
        assert signed_in.get(f"/contests/{c.id}").status_code == 200
        assert statements == []  # a signed-in user's page reads the primary
        assert visitor.get("/contests/").status_code == 200 and statements  # the thread's next visitor: replica
        event.remove(replica, "before_cursor_execute", count)
    finally:
        app.config["GRANTS_SETTINGS"] = settings


@pytest.mark.parametrize("page", ["/contests/", "/calendar", "/kraj/", "/KRK/"])
def test_a_renamed_department_changes_the_etag_of_the_lists(app, session, published, page):
    """Department names are shown on the lists: their table's generation is part of the ETag."""
    from grants.registry.models import Department
    client = app.test_client()
    etag = _public(client.get(page))
    with db.session.session_factory() as s:
        d = s.get(Department, published[1].department_id)
        d.name += " (nowa nazwa)"
        s.commit()
    assert client.get(page, headers={"If-None-Match": etag}).status_code == 200


def test_a_tables_generation_moves_with_its_rows_not_before(session, published):
    """Moved in the writing transaction: a reader never sees the new generation with the old rows
    (it would cache the old page under the new ETag)."""
    from grants.core.models import generations
    _, c = published
    before = generations(session, "contests")
    session.commit()
    with db.session.session_factory() as writer, db.session.session_factory() as reader:
        row = writer.get(Contest, c.id)
        row.title += " (zmiana)"
        writer.flush()
        if db.get_engine().dialect.name == "postgresql":  # SQLite: the reader would wait for the writer
            assert generations(reader, "contests") == before
            reader.rollback()
        writer.commit()
        assert generations(reader, "contests") != before


def _statements(app):
    from sqlalchemy import event
    seen: list[str] = []

    def count(conn, cursor, sql, *a):
        seen.append(sql)
    event.listen(db.get_engine(), "before_cursor_execute", count)
    return seen, lambda: event.remove(db.get_engine(), "before_cursor_execute", count)


@pytest.mark.parametrize("page", ["/contests/", "/contests/{cid}", "/calendar", "/kraj/", "/api/v1/contests"])
def test_a_visitors_page_is_kept_and_served_again_without_rendering(app, session, published, page):
    """The next visitor without a copy gets the bytes this process rendered under the same ETag:
    the validators' statements (what a 304 costs), no template, no query of the rows."""
    _, c = published
    url = page.format(cid=c.id)
    client = app.test_client()
    seen, stop = _statements(app)
    try:
        first = client.get(url)
        rendering = len(seen)
        etag = first.headers["ETag"]
        seen.clear()
        assert app.test_client().get(url, headers={"If-None-Match": etag}).status_code == 304
        validating = len(seen)
        seen.clear()
        again = app.test_client().get(url)
    finally:
        stop()
    assert again.status_code == 200 and again.get_data() == first.get_data()
    assert again.headers["ETag"] == etag and again.headers["Content-Type"] == first.headers["Content-Type"]
    assert again.headers["Cache-Control"].startswith("public") and "Set-Cookie" not in again.headers
    assert len(seen) == validating <= rendering, seen
    if page in ("/contests/", "/api/v1/contests"):
        assert validating == 1
    with db.session.session_factory() as s:
        s.get(Contest, c.id).title += " (poprawiony)"
        s.commit()
    changed = app.test_client().get(url)
    assert changed.headers["ETag"] != etag and "(poprawiony)" in changed.get_data(as_text=True)


def test_kept_pages_are_kept_per_host(app, session, published):
    """Links may carry the host: a page rendered for one host is not served to another."""
    app.test_client().get("/contests/", base_url="http://a.example")
    seen, stop = _statements(app)
    try:
        r = app.test_client().get("/contests/", base_url="http://b.example")
    finally:
        stop()
    assert r.status_code == 200 and len(seen) > 1


def test_a_kept_page_lives_no_longer_than_its_max_age(app, session, published, monkeypatch):
    import time
    app.test_client().get("/contests/")
    later = time.monotonic() + public_cache.max_age() + 1  # the kept page's age passes its max-age
    monkeypatch.setattr(public_cache, "_now", lambda: later)
    seen, stop = _statements(app)
    try:
        app.test_client().get("/contests/")
    finally:
        stop()
    assert len(seen) > 1  # rendered again


def test_a_page_that_sets_a_cookie_is_not_kept(app, session, published):
    client = app.test_client()
    client.post("/lang/en", headers={"Origin": "http://localhost"})
    r = client.get("/contests/")
    assert r.headers["Cache-Control"] == "private, no-cache"
    seen, stop = _statements(app)
    try:
        other = app.test_client().get("/contests/")
    finally:
        stop()
    assert '<html lang="pl">' in other.get_data(as_text=True) and len(seen) > 1


@pytest.mark.parametrize("page", PAGES)
def test_a_visitors_page_takes_no_session_with_csrf_on(csrf_app, session, published, page):
    """As in production (CSRF on): a page that made a form for a visitor put a CSRF token in a new
    session, and each visitor's answer was then private to them (the contest page was)."""
    url = page.format(cid=published[1].id)
    r = csrf_app.test_client().get(url)
    _public(r)


def test_a_contests_offers_move_its_pages_etag(app, session, published):
    """The contest page's one validator statement reads its offers (their count, versions, newest)."""
    from grants.offers import operations as offer_ops
    from tests.factories import make_org
    _, c = published
    client = app.test_client()
    etag = _public(client.get(f"/contests/{c.id}"))
    org = make_org(session)
    ngo = make_user(session, "applicant", org=org)
    offer_ops.create(session, ngo, session.get(Contest, c.id), org.id)
    session.commit()
    assert client.get(f"/contests/{c.id}", headers={"If-None-Match": etag}).status_code == 200


def test_kept_pages_stay_within_their_entries_and_bytes(app):
    """The least recently served go first, whatever fills up: entries or bytes."""
    from flask import Response

    store = public_cache._Bodies()
    store.ENTRIES, store.BUDGET = 3, 250
    with app.test_request_context("/"):
        for n in range(3):
            store.put(("k", n), Response(b"x" * 100))
        assert store.get(("k", 0)) is None and store.get(("k", 1)) and store.get(("k", 2))  # 300 bytes > 250
        store.put(("k", 1), Response(b"y" * 50))  # kept again: counted once
        store.put(("k", 3), Response(b"z" * 10))
        assert [store.get(("k", n)) is not None for n in range(4)] == [False, True, True, True]
        assert store.get(("k", 1))[2] == b"y" * 50
        store.put(("big", 0), Response(b"b" * (store.LARGEST + 1)))
        assert store.get(("big", 0)) is None  # never kept
