"""List pages and API lists of contests and offers run the same number of queries with 5 and with
500 rows (no N+1): rows are bulk-inserted copies of real ones."""
from __future__ import annotations

import pytest

from grants.core import clock
from grants.web import public_cache
from tests.factories import make_contest, offer_content
from tests.offers_load import bulk

STATES = ("published", "closed", "formal_review", "draft", "evaluation", "cancelled")


@pytest.fixture
def world(app, session, make_user, make_org, login, api_token, monkeypatch):
    officer = make_user("officer")
    org = make_org()
    applicant = make_user("applicant", org=org)
    template = make_contest(session, officer)
    content = offer_content(template)

    def grow(k: int) -> None:
        """k more contests (in every state) each with an offer of the applicant's organisation
        (draft or submitted), and k more submitted offers of other organisations in `template`."""
        for state in STATES:
            ids = bulk.contests(session, template, k // len(STATES) + (1 if state in STATES[: k % len(STATES)] else 0),
                                state=state)
            mine = [(cid, org.id) for cid in ids]
            half = len(mine) // 2
            bulk.offers(session, mine[:half], content, state="draft", created_by_id=applicant.id)
            bulk.offers(session, mine[half:], content, state="submitted",
                        created_by_id=applicant.id)
        others = bulk.organisations(session, k)
        bulk.offers(session, [(template.id, o) for o in others], content, state="submitted")
        session.commit()

    officer_web = login(officer, app.test_client())
    applicant_web = login(applicant, app.test_client())
    anonymous_web = app.test_client()
    officer_api = api_token(officer)
    applicant_api = api_token(applicant)
    # the clock's offset is read once and kept (a slow page must not re-read it mid-request)
    monkeypatch.setattr(clock, "_CACHE_TTL", 3600.0)
    clock.invalidate_cache()
    clock.now()
    requests = {
        "api contests (public)": (anonymous_web, "/api/v1/contests?per_page=500", {}),
        "api contests (officer)": (anonymous_web, "/api/v1/contests?per_page=500", officer_api),
        "api offers (officer)": (anonymous_web, "/api/v1/offers?per_page=500", officer_api),
        "api offers (applicant)": (anonymous_web, "/api/v1/offers?per_page=500", applicant_api),
        "contests page (public)": (anonymous_web, "/contests/", {}),
        "contests page (officer)": (officer_web, "/contests/", {}),
        "contest page with its offers (officer)": (officer_web, f"/contests/{template.id}", {}),
        "home (applicant)": (applicant_web, "/", {}),
        "home (officer)": (officer_web, "/", {}),
    }
    return grow, requests, template


def _measure(requests, count_queries) -> dict[str, tuple[int, int]]:
    out = {}
    for name, (c, url, headers) in requests.items():
        c.get(url, headers=headers)  # warm: anything cached per process is cached
        public_cache.forget_pages()  # but the page itself: its rendering is what is counted
        with count_queries() as n:
            r = c.get(url, headers=headers)
        assert r.status_code == 200, (name, r.status_code)
        out[name] = (n(), len(r.get_data()))
    return out


@pytest.mark.timeout(120)
def test_lists_of_contests_and_offers_run_a_constant_number_of_queries(world, count_queries):
    grow, requests, template = world
    grow(5)
    small = _measure(requests, count_queries)
    grow(495)
    large = _measure(requests, count_queries)
    for name in requests:
        assert large[name][1] > small[name][1], f"{name}: the page did not grow with its rows"
    # never more queries for more rows, but for the count: a list whose first page holds every row
    # skips it; and a list paged by key may run one fewer once its first page is full (the rows
    # without a deadline are read apart only when the dated ones do not fill it)
    grew = {k: (small[k][0], large[k][0]) for k in requests if large[k][0] > small[k][0] + 1}
    assert not grew, grew
    # and twice the rows again: still at most the count more than with 5
    grow(500)
    larger = _measure(requests, count_queries)
    grew = {k: (small[k][0], larger[k][0]) for k in requests if larger[k][0] > small[k][0] + 1}
    assert not grew, grew


def test_r_cancel_the_contest_list_flags_mandatory_cancellation_like_the_contest_itself(client, session, make_user,
                                                                                      make_org):
    officer = make_user("officer")
    template = make_contest(session, officer)
    content = offer_content(template)
    org = make_org()
    empty_closed, only_draft, with_offer, rejected_only, open_ = bulk.contests(session, template, 5, state="closed")
    bulk.offers(session, [(only_draft, org.id)], content, state="draft")
    bulk.offers(session, [(with_offer, org.id)], content, state="submitted")
    bulk.offers(session, [(rejected_only, org.id)], content, state="formally_rejected")
    from grants.contests.models import Contest
    session.get(Contest, open_).state = "published"
    session.commit()
    listed = {int(x["id"]): x["cancellation_mandatory"]
              for x in client.get("/api/v1/contests?per_page=500").get_json()["items"]}
    expected = {template.id: False, empty_closed: True, only_draft: True, with_offer: False, rejected_only: True,
                open_: False}
    assert listed == expected
    for cid, flag in expected.items():
        assert client.get(f"/api/v1/contests/{cid}").get_json()["cancellation_mandatory"] is flag
