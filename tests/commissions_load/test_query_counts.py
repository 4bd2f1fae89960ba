"""Commission pages and API endpoints run the same number of queries with 3 offers and 3 members
as with 30 offers and 7 members (no N+1): the commission page for the chair, a member and an
officer, the score card page, the home page's work list, the API list, one commission, its
declarations, score cards and ranking, and the protocol."""
from __future__ import annotations

import pytest

from grants.core import clock
from grants.core import db

from . import support


def _requests(app, w, login, api_token, state):
    web = {who: login(getattr(w, who), app.test_client()) for who in ("chair", "member", "officer", "conflicted")}
    api = {who: api_token(getattr(w, who)) for who in ("chair", "member", "officer", "conflicted")}
    anon = app.test_client()
    cid = w.commission_id
    out = {}
    for who in ("chair", "member", "officer", "conflicted"):
        out[f"page ({who})"] = (web[who], f"/commissions/{cid}", {})
        out[f"api one ({who})"] = (anon, f"/api/v1/commissions/{cid}", api[who])
        out[f"api list ({who})"] = (anon, "/api/v1/commissions", api[who])
        out[f"api score-cards ({who})"] = (anon, f"/api/v1/commissions/{cid}/score-cards", api[who])
        out[f"api declarations ({who})"] = (anon, f"/api/v1/commissions/{cid}/declarations", api[who])
    for who in ("chair", "member", "conflicted"):
        out[f"home ({who})"] = (web[who], "/", {})
    if state == "scoring":
        out["card page (member)"] = (web["member"], f"/commissions/{cid}/cards/{w.offer_ids[1]}", {})
        out["card page (chair)"] = (web["chair"], f"/commissions/{cid}/cards/{w.offer_ids[1]}", {})
    else:
        for who in ("chair", "member", "officer", "conflicted"):
            out[f"api ranking ({who})"] = (anon, f"/api/v1/commissions/{cid}/ranking", api[who])
            out[f"protocol page ({who})"] = (web[who], f"/commissions/{cid}/protocol", {})
    return out


def _measure(requests, count_queries) -> dict[str, tuple[int, int]]:
    out = {}
    for name, (c, url, headers) in requests.items():
        c.get(url, headers=headers)  # warm: anything cached per process is cached
        with count_queries() as n:
            r = c.get(url, headers=headers)
        assert r.status_code == 200, (name, r.status_code, r.get_data(as_text=True)[:300])
        out[name] = (n(), len(r.get_data()))
    return out


@pytest.mark.timeout(180)
def test_commission_pages_and_api_run_a_constant_number_of_queries(app, session, login, api_token, count_queries,
                                                                   monkeypatch):
    small = support.build(session, real=2, extra=1, members=3)
    large = support.build(session, real=2, extra=28, members=7)
    db.session.remove()
    monkeypatch.setattr(clock, "_CACHE_TTL", 3600.0)  # the clock's offset is read once, not mid-request
    clock.invalidate_cache()
    clock.now()
    results = {}
    for state in ("scoring", "closed"):
        if state == "closed":
            s = db.session()
            support.close_scoring(s, small)
            support.close_scoring(s, large)
            db.session.remove()
        a = _measure(_requests(app, small, login, api_token, state), count_queries)
        b = _measure(_requests(app, large, login, api_token, state), count_queries)
        results[state] = (a, b)
    for state, (a, b) in results.items():
        fixed = [name for name in a if "list" in name or "home" in name or "card page" in name
                 or (state == "scoring" and name == "api score-cards (officer)")]  # blind: no cards yet
        grew = [name for name in a if name not in fixed and b[name][1] <= a[name][1]]
        assert not grew, f"{state}: these did not grow with the commission: {grew}"
        assert {k: v[0] for k, v in b.items()} == {k: v[0] for k, v in a.items()}, state
        # and few: each part of the commission loaded once; the home page asks each of its sections
        # once (one query or two each: the call types added the pool and pilot checkpoint sections;
        # notifications added the new-notifications section, count and rows, and the header's bell)
        home = {k: v for k, v in a.items() if "home" in k}
        assert max(v[0] for k, v in a.items() if k not in home) <= 20, a
        assert max((v[0] for v in home.values()), default=0) <= 27, home
