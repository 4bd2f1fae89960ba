"""The commission page lists a member's offers a page at a time, by key (issue 20): the member walks
through more offers than a page holds in their order, without a duplicate or a gap, each with its
card's state; the ranking (once scoring is closed) still shows every scored offer, from plain rows;
who sees the list is unchanged."""
from __future__ import annotations

import re

from grants.commissions import views
from tests.web.pager import walk

from . import support


def _section(html: str, name: str) -> str:
    m = re.search(rf'<section id="{name}"(.*?)</section>', html, re.S)
    return m.group(1) if m else ""


def test_member_walks_the_offers_by_key_and_the_ranking_lists_them_all(app, session, login, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 4)
    w = support.build(session, real=2, extra=9, members=3)
    c = login(w.member, app.test_client())
    url = f"/commissions/{w.commission_id}"
    card = re.compile(rf'href="/commissions/{w.commission_id}/cards/(\d+)"')
    first = c.get(url).get_data(as_text=True)
    assert 'rel="next"' in first and len(card.findall(_section(first, "scoring"))) == 4
    seen = walk(c, url, lambda html: [int(i) for i in card.findall(_section(html, "scoring"))])
    assert seen == sorted(w.offer_ids)
    # each with its card: the plain member has every other card still to fill in
    text = "".join(_section(c.get(u).get_data(as_text=True), "scoring")
                   for u in (url, *_next_urls(c, url)))
    assert text.count("zobacz kartę") == 6 and text.count("oceń ofertę") == 5

    # who sees the list: an officer of the contest (no seat) has no cards to list; a stranger no page
    officer = login(w.officer, app.test_client())
    assert _section(officer.get(url).get_data(as_text=True), "scoring") == ""
    stranger = login(support.make_user(session, "applicant"), app.test_client())
    nxt = re.search(r'<a href="([^"]+)" rel="next">', first).group(1).replace("&amp;", "&")
    assert stranger.get(nxt).status_code == 404

    support.close_scoring(session, w)
    closed = c.get(url).get_data(as_text=True)
    ranked = re.findall(r'<tr id="rank-(\d+)">', _section(closed, "ranking"))
    assert sorted(int(i) for i in ranked) == sorted(w.offer_ids)  # the whole ranking, not a page of it


def _next_urls(c, url: str) -> list[str]:
    out = []
    while True:
        m = re.search(r'<a href="([^"]+)" rel="next">', c.get(url).get_data(as_text=True))
        if not m:
            return out
        url = m.group(1).replace("&amp;", "&")
        out.append(url)


def test_api_offers_walk_by_key_never_showing_an_excluded_one(app, session, api_token):
    w = support.build(session, real=2, extra=6, members=3)
    client = app.test_client()
    url = f"/api/v1/commissions/{w.commission_id}/offers"

    def walk_api(headers) -> list[int]:
        seen, after = [], None
        while True:
            body = client.get(f"{url}?per_page=3" + (f"&after={after}" if after else ""), headers=headers).get_json()
            seen += [int(x["id"]) for x in body["items"]]
            after = body["next"]
            if after is None:
                return seen
    assert walk_api(api_token(w.chair)) == sorted(w.offer_ids)
    conflicted = api_token(w.conflicted)
    assert walk_api(conflicted) == sorted(w.offer_ids)[1:]  # the first offer's organisation: a declared conflict
    assert client.get(f"{url}/{w.offer_ids[0]}", headers=conflicted).status_code == 404
    assert client.get(f"{url}/{w.offer_ids[1]}", headers=conflicted).status_code == 200
    assert client.get(f"{url}/abc", headers=conflicted).status_code == 404
    assert client.get(url, headers=api_token(support.make_user(session, "applicant"))).status_code == 404
    assert client.get(f"{url}?after=zzz", headers=conflicted).status_code == 422


def test_api_offers_page_runs_as_many_queries_for_two_offers_as_for_six(app, session, api_token, count_queries):
    w = support.build(session, real=2, extra=6, members=3)
    client = app.test_client()
    url = f"/api/v1/commissions/{w.commission_id}/offers"
    counted = {}
    for who in ("chair", "conflicted"):
        h = api_token(getattr(w, who))
        for n in (2, 6):
            client.get(f"{url}?per_page={n}", headers=h)  # warm
            with count_queries() as queries:
                body = client.get(f"{url}?per_page={n}", headers=h).get_json()
            assert len(body["items"]) == n
            counted[(who, n)] = queries()
    assert counted[("chair", 2)] == counted[("chair", 6)] and counted[("conflicted", 2)] == counted[("conflicted", 6)], \
        counted
