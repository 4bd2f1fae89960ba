"""Who sees what on the pages themselves (issue 4): what an offer page and a contest page show to
each role, and CSRF on every POST form of contests and offers."""
from __future__ import annotations

import re

import pytest

from .conftest import SECRET_A, SECRET_B, SECRET_CONTEST, SECRET_JOINT, SECRET_WITHDRAWN, TITLE_OJ, TITLE_OS

DRAFT_TITLES = (SECRET_A, SECRET_JOINT, SECRET_B, SECRET_WITHDRAWN)


def _page(world, role, path):
    r = world.web(role, "GET", path)
    assert r.status_code == 200, (role, path, r.status_code)
    return r.get_data(as_text=True)


@pytest.mark.parametrize("role", ["applicant_a", "officer_same", "admin"])
@pytest.mark.parametrize("suffix", ["", "/print", "/revisions"])
def test_offer_page_never_shows_another_organisations_draft(world, role, suffix):
    page = _page(world, role, f"/offers/{world.ids['os']}{suffix}")
    assert TITLE_OS in page  # the page is about this offer (the check below can fail)
    assert SECRET_B not in page
    if role != "applicant_a":
        assert SECRET_A not in page and SECRET_JOINT not in page and SECRET_WITHDRAWN not in page


def test_draft_page_of_the_own_organisation_shows_its_title_only_to_it(world):
    assert SECRET_A in _page(world, "applicant_a", f"/offers/{world.ids['od']}")
    assert SECRET_JOINT in _page(world, "applicant_partner", f"/offers/{world.ids['ojd']}")
    page = _page(world, "applicant_b", f"/offers/{world.ids['ob']}")
    assert SECRET_B in page and SECRET_A not in page and SECRET_JOINT not in page


def _offer_links(page: str) -> set[int]:
    return {int(x) for x in re.findall(r'href="/offers/(\d+)', page)}


def test_contest_page_offer_list_is_empty_for_an_officer_of_another_department(world):
    cid = world.ids["c_pub"]
    other = _page(world, "officer_other", f"/contests/{cid}")
    assert _offer_links(other) == set()
    for title in (TITLE_OS, TITLE_OJ, *DRAFT_TITLES):
        assert title not in other
    # the department's officer sees the submitted offers there, never a draft
    same = _page(world, "officer_same", f"/contests/{cid}")
    assert _offer_links(same) == {world.ids["os"], world.ids["oj"]}
    assert TITLE_OS in same and TITLE_OJ in same
    assert not any(t in same for t in DRAFT_TITLES)
    admin = _page(world, "admin", f"/contests/{cid}")
    assert _offer_links(admin) == {world.ids["os"], world.ids["oj"]}


@pytest.mark.parametrize("role,expected", [
    ("applicant_a", {"od", "os", "oj", "ojd", "ow"}),
    ("applicant_partner", {"oj", "ojd"}),
    ("applicant_b", {"ob"}),
    ("applicant_no_org", set()),
    ("finance", set()),
    ("commission_member", set()),
    ("participant", set()),
    ("anonymous", set()),
])
def test_contest_page_lists_only_the_callers_own_offers(world, role, expected):
    page = _page(world, role, f"/contests/{world.ids['c_pub']}")
    assert _offer_links(page) == {world.ids[k] for k in expected}


@pytest.mark.parametrize("role", ["anonymous", "applicant_a", "officer_other", "finance", "participant"])
def test_portal_never_lists_the_draft_announcement(world, role):
    for path in ("/", "/contests/", "/contests/?state=draft"):
        assert SECRET_CONTEST not in _page(world, role, path)


# ---------------------------------------------------------------- CSRF

def _csrf_cases(world):
    """(role, path, form) for every POST form, each one a request that would change data (or be
    answered on its merits) with a valid token."""
    ids = world.ids
    return [  # (role, path, form, object whose version the form carries)
        ("applicant_a", f"/offers/{ids['od']}/sections/task", {"task.title": "Zmieniony tytul"}, "od"),
        ("applicant_a", f"/offers/{ids['od']}/transitions/withdraw", {}, "od"),
        ("applicant_a", f"/contests/{ids['c_pub']}/offers", {"organisation_id": ids["org_a"]}, None),
        ("officer_same", f"/offers/{ids['os']}/checks", {"check.in_time": "1"}, "os"),
        ("officer_same", f"/offers/{ids['os']}/transitions/request_correction", {"deficiencies": "Brak podpisu"}, "os"),
        ("officer_same", f"/contests/{ids['c_pub']}/transitions/cancel", {"reason": "Brak środków w budżecie"}, "c_pub"),
        ("officer_same", f"/contests/{ids['c_draft']}/edit", {"title": "Zmieniony konkurs"}, "c_draft"),
        ("officer_same", f"/contests/{ids['c_pub']}/clone", {}, None),
        ("officer_same", "/contests/new", {"title": "Nowy konkurs"}, None),
    ]


def test_post_forms_refuse_a_request_without_csrf_token(world, csrf_app):
    before = world.snapshot()
    for role, path, form, key in _csrf_cases(world):
        data = {**form, **({"version": world.version(key)} if key else {})}
        r = world.web(role, "POST", path, data=data)
        assert r.status_code == 400, (path, r.status_code)
        r = world.web(role, "POST", path, data={**data, "csrf_token": "forged-token"})
        assert r.status_code == 400, (path, r.status_code)
        assert world.snapshot() == before, f"{path} changed data without a CSRF token"


def test_post_form_with_the_pages_csrf_token_is_accepted(world, csrf_app):
    """The control for the test above: the same kind of request with the token the page gave
    goes through (here it saves the unchanged title: nothing changes)."""
    oid = world.ids["od"]
    page = _page(world, "applicant_a", f"/offers/{oid}/sections/task")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    before = world.snapshot()
    r = world.web("applicant_a", "POST", f"/offers/{oid}/sections/task",
                  data={"csrf_token": token, "version": world.version("od"), "task.title": SECRET_A})
    assert r.status_code == 303, r.get_data(as_text=True)[:500]
    assert world.snapshot() == before
    # another user's session does not accept this user's token
    r = world.web("applicant_b", "POST", f"/offers/{world.ids['ob']}/sections/task",
                  data={"csrf_token": token, "version": world.version("ob"), "task.title": "Przejety"})
    assert r.status_code == 400
    assert world.snapshot() == before
