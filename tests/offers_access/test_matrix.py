"""Who sees what (issue 4): every role × every contest/offer object × every page and API endpoint.

Expected answers: an object the caller may not see is a 404, exactly as if it did not exist (never a
403 that leaks its existence); a visible object the caller may not act on is a 403 (problem+json on
the API); the API answers 401 to an anonymous caller wherever a token is needed; web pages that
need a login redirect the anonymous to /login. Every response body is scanned for the titles of
drafts the caller must not see (World.assert_no_leak), and every write that is refused (or that
repeats what is stored) leaves every contest and offer exactly as it was.
"""
from __future__ import annotations

import pytest

from .conftest import (CONTEST_EDITABLE, CONTEST_VISIBLE, OFFER_DRAFT, OFFER_HAS_LINES, OFFER_LEAD, OFFER_STATE,
                       OFFER_VISIBLE, ROLES, SECRET_CONTEST, STAFF, TITLE_PLANNED, TITLE_PUB, is_login_redirect)

CONTESTS = tuple(CONTEST_VISIBLE)
OFFERS = tuple(OFFER_VISIBLE)
NOT_FOUND = 404


def _offer_cases():
    return [pytest.param(role, key, id=f"{role}-{key}") for role in ROLES for key in OFFERS]


def _contest_cases():
    return [pytest.param(role, key, id=f"{role}-{key}") for role in ROLES for key in CONTESTS]


def _sees_offer(role, key):
    return role in OFFER_VISIBLE[key]


def _sees_contest(role, key):
    return role in CONTEST_VISIBLE[key]


def _unchanged(world, before):
    assert world.snapshot() == before, "a refused or no-op request changed data"


# ====================================================================== web: contests

@pytest.mark.parametrize("role", ROLES)
def test_web_contest_list_shows_drafts_only_to_their_department(world, role):
    r = world.web(role, "GET", "/contests/")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert TITLE_PUB in page and TITLE_PLANNED in page
    assert (SECRET_CONTEST in page) == (role in STAFF)


@pytest.mark.parametrize("role,key", _contest_cases())
@pytest.mark.parametrize("suffix", ["", "/print"])
def test_web_contest_page(world, role, key, suffix):
    r = world.web(role, "GET", f"/contests/{world.ids[key]}{suffix}")
    assert r.status_code == (200 if _sees_contest(role, key) else NOT_FOUND)


@pytest.mark.parametrize("role,key", _contest_cases())
def test_web_contest_edit_form(world, role, key):
    r = world.web(role, "GET", f"/contests/{world.ids[key]}/edit")
    if role == "anonymous":
        assert is_login_redirect(r)
    elif not _sees_contest(role, key):
        assert r.status_code == NOT_FOUND
    elif role in STAFF and CONTEST_EDITABLE[key]:
        assert r.status_code == 200
    else:  # someone else's announcement, or a published one (frozen)
        assert r.status_code == 403


@pytest.mark.parametrize("role,key", _contest_cases())
def test_web_contest_publish(world, role, key):
    before = world.snapshot()
    r = world.web(role, "POST", f"/contests/{world.ids[key]}/transitions/publish",
                  data={"version": world.version(key)})
    if role == "anonymous":
        assert is_login_redirect(r)
    elif not _sees_contest(role, key):
        assert r.status_code == NOT_FOUND
    else:
        # planned, published: not available in this state; the draft (staff only): refused by R-ANN-CONTENT
        assert r.status_code == 303
    _unchanged(world, before)


@pytest.mark.parametrize("role,key", _contest_cases())
def test_web_contest_cancel_forbidden_to_others(world, role, key):
    """`cancel` is available in both states; a visible contest of another department (or any
    contest for a non-officer) is a 403, an officer of the department gets the form's error."""
    before = world.snapshot()
    r = world.web(role, "POST", f"/contests/{world.ids[key]}/transitions/cancel",
                  data={"version": world.version(key), "reason": ""})
    if role == "anonymous":
        assert is_login_redirect(r)
    elif not _sees_contest(role, key):
        assert r.status_code == NOT_FOUND
    elif role in STAFF:
        assert r.status_code == 303  # the reason is required: refused, nothing cancelled
    else:
        assert r.status_code == 403
    _unchanged(world, before)


@pytest.mark.parametrize("role,key", _contest_cases())
def test_web_create_offer_for_organisation_a(world, role, key):
    before = world.snapshot()
    r = world.web(role, "POST", f"/contests/{world.ids[key]}/offers", data={"organisation_id": world.ids["org_a"]})
    if role == "anonymous":
        assert is_login_redirect(r)
    elif not _sees_contest(role, key):
        assert r.status_code == NOT_FOUND
    elif role == "applicant_a" and key == "c_planned":  # visible, but no call for offers yet
        assert r.status_code == 303 and r.headers["Location"].endswith(f"/contests/{world.ids[key]}")
    elif role == "applicant_a":  # a new draft, or the draft this person made there (issue 14: no second one)
        assert r.status_code == 303 and "/offers/" in r.headers["Location"]
        assert len(world.remove_offers_except_known()) in (0, 1)
    else:  # nobody creates an offer for an organisation they are not a member of
        assert r.status_code == 403
    _unchanged(world, before)


@pytest.mark.parametrize("role,key", _contest_cases())
def test_web_contest_clone(world, role, key):
    before = world.snapshot()
    r = world.web(role, "POST", f"/contests/{world.ids[key]}/clone")
    if role == "anonymous":
        assert is_login_redirect(r)
    elif not _sees_contest(role, key):
        assert r.status_code == NOT_FOUND
    elif role in STAFF:
        assert r.status_code == 303
        assert len(world.remove_contests_except_known()) == 1
    else:
        assert r.status_code == 403
    _unchanged(world, before)


@pytest.mark.parametrize("role", ROLES)
def test_web_new_contest_form(world, role):
    r = world.web(role, "GET", "/contests/new")
    if role == "anonymous":
        assert is_login_redirect(r)
    else:
        assert r.status_code == (200 if role in STAFF | {"officer_other"} else 403)  # for their own department


@pytest.mark.parametrize("role", ROLES)
def test_web_home_page(world, role):
    """The role homes list offers and contests: scanned for drafts like every other page."""
    assert world.web(role, "GET", "/").status_code == 200


# ====================================================================== web: offers

@pytest.mark.parametrize("role,key", _offer_cases())
@pytest.mark.parametrize("suffix", ["", "/print", "/revisions"])
def test_web_offer_pages(world, role, key, suffix):
    r = world.web(role, "GET", f"/offers/{world.ids[key]}{suffix}")
    if role == "anonymous":
        assert is_login_redirect(r)
    else:
        assert r.status_code == (200 if _sees_offer(role, key) else NOT_FOUND)


@pytest.mark.parametrize("role,key", _offer_cases())
def test_web_offer_section_form(world, role, key):
    r = world.web(role, "GET", f"/offers/{world.ids[key]}/sections/task")
    if role == "anonymous":
        assert is_login_redirect(r)
    elif not _sees_offer(role, key):
        assert r.status_code == NOT_FOUND
    elif role != OFFER_LEAD[key]:  # partners and officers read, only the lead organisation edits
        assert r.status_code == 403
    else:
        assert r.status_code == (200 if OFFER_DRAFT[key] else 303)  # a submitted offer is frozen


@pytest.mark.parametrize("role,key", _offer_cases())
def test_web_offer_section_save(world, role, key):
    before = world.snapshot()
    task = world.offer_task(key)
    r = world.web(role, "POST", f"/offers/{world.ids[key]}/sections/task",
                  data={"version": world.version(key), "task.title": task["title"]})
    if role == "anonymous":
        assert is_login_redirect(r)
    elif not _sees_offer(role, key):
        assert r.status_code == NOT_FOUND
    elif role != OFFER_LEAD[key]:
        assert r.status_code == 403
    else:  # the same title saved again (a draft), or refused as frozen (submitted): both redirect
        assert r.status_code == 303
    _unchanged(world, before)


@pytest.mark.parametrize("role,key", _offer_cases())
def test_web_offer_submit(world, role, key):
    before = world.snapshot()
    r = world.web(role, "POST", f"/offers/{world.ids[key]}/transitions/submit", data={"version": world.version(key)})
    if role == "anonymous":
        assert is_login_redirect(r)
    elif not _sees_offer(role, key):
        assert r.status_code == NOT_FOUND
    elif OFFER_DRAFT[key] and role != OFFER_LEAD[key]:
        assert r.status_code == 403  # a partner does not submit the lead's offer
    else:  # already submitted, or the lead's incomplete draft refused by R-OFF-SECTIONS
        assert r.status_code == 303
    _unchanged(world, before)


@pytest.mark.parametrize("role,key", _offer_cases())
def test_web_offer_request_correction(world, role, key):
    before = world.snapshot()
    r = world.web(role, "POST", f"/offers/{world.ids[key]}/transitions/request_correction",
                  data={"version": world.version(key), "deficiencies": "Brak podpisu"})
    if role == "anonymous":
        assert is_login_redirect(r)
    elif not _sees_offer(role, key):
        assert r.status_code == NOT_FOUND
    elif OFFER_STATE[key] == "submitted" and role not in STAFF:
        assert r.status_code == 403  # the applicant or its partner does not review its own offer
    else:  # a draft or withdrawn: not available; staff: refused until the contest's formal review
        assert r.status_code == 303
    _unchanged(world, before)


@pytest.mark.parametrize("role,key", _offer_cases())
def test_web_offer_formal_checks(world, role, key):
    before = world.snapshot()
    data = {"version": world.version(key), **{f"check.{c}": "1" for c in world.checklist}}
    r = world.web(role, "POST", f"/offers/{world.ids[key]}/checks", data=data)
    if role == "anonymous":
        assert is_login_redirect(r)
    elif not _sees_offer(role, key):
        assert r.status_code == NOT_FOUND
    elif role not in STAFF:
        assert r.status_code == 403
    else:  # not yet in formal review: refused with a message
        assert r.status_code == 303
    _unchanged(world, before)


# ====================================================================== API: contests

@pytest.mark.parametrize("role", ROLES)
def test_api_contest_list_holds_only_visible_contests(world, role):
    r = world.api(role, "GET", "/api/v1/contests")
    assert r.status_code == 200
    got = {int(x["id"]) for x in r.get_json()["items"]}
    assert got == {world.ids[k] for k in CONTESTS if _sees_contest(role, k)}
    assert r.get_json()["total"] == len(got)


@pytest.mark.parametrize("role,key", _contest_cases())
def test_api_contest_get(world, role, key):
    r = world.api(role, "GET", f"/api/v1/contests/{world.ids[key]}")
    assert r.status_code == (200 if _sees_contest(role, key) else NOT_FOUND)


@pytest.mark.parametrize("role,key", _contest_cases())
def test_api_contest_patch(world, role, key):
    before = world.snapshot()
    title = next(t for i, _s, _v, t in before["contests"] if i == world.ids[key])
    r = world.api(role, "PATCH", f"/api/v1/contests/{world.ids[key]}", json={"title": title})
    if role == "anonymous":
        assert r.status_code == 401
    elif not _sees_contest(role, key):
        assert r.status_code == NOT_FOUND
    elif role not in STAFF:
        assert r.status_code == 403
    else:
        assert r.status_code == (200 if CONTEST_EDITABLE[key] else 409)  # a published announcement is frozen
    _unchanged(world, before)


@pytest.mark.parametrize("role,key", _contest_cases())
@pytest.mark.parametrize("name,payload", [("publish", {}), ("cancel", {"reason": ""})], ids=["publish", "cancel"])
def test_api_contest_transitions(world, role, key, name, payload):
    before = world.snapshot()
    r = world.api(role, "POST", f"/api/v1/contests/{world.ids[key]}/transitions/{name}", json=payload)
    if role == "anonymous":
        assert r.status_code == 401
    elif not _sees_contest(role, key):
        assert r.status_code == NOT_FOUND
    elif name == "publish" and key != "c_draft":
        assert r.status_code == 409  # not available in this state (checked before the role)
    elif role not in STAFF:
        assert r.status_code == 403
    else:  # the draft's guard (R-ANN-CONTENT) or the missing reason
        assert r.status_code == 422
    _unchanged(world, before)


@pytest.mark.parametrize("role", ROLES)
def test_api_create_contest_refused_to_non_staff_before_the_body_is_read(world, role):
    before = world.snapshot()
    r = world.api(role, "POST", "/api/v1/contests", json={"unexpected": 1})
    if role == "anonymous":
        assert r.status_code == 401
    elif role in STAFF | {"officer_other"}:  # officers announce contests of their own department
        assert r.status_code == 422
    else:
        assert r.status_code == 403, r.get_json()
    _unchanged(world, before)


# ====================================================================== API: offers

@pytest.mark.parametrize("role", ROLES)
def test_api_offer_list_holds_only_visible_offers(world, role):
    r = world.api(role, "GET", "/api/v1/offers")
    if role == "anonymous":
        assert r.status_code == 401
        return
    assert r.status_code == 200
    got = {int(x["id"]) for x in r.get_json()["items"]}
    assert got == {world.ids[k] for k in OFFERS if _sees_offer(role, k)}
    assert r.get_json()["total"] == len(got)


@pytest.mark.parametrize("role,key", _offer_cases())
@pytest.mark.parametrize("suffix", ["", "/revisions", "/cost-lines"])
def test_api_offer_get(world, role, key, suffix):
    r = world.api(role, "GET", f"/api/v1/offers/{world.ids[key]}{suffix}")
    if role == "anonymous":
        assert r.status_code == 401
    else:
        assert r.status_code == (200 if _sees_offer(role, key) else NOT_FOUND)


@pytest.mark.parametrize("role,key", _offer_cases())
def test_api_offer_patch(world, role, key):
    before = world.snapshot()
    r = world.api(role, "PATCH", f"/api/v1/offers/{world.ids[key]}", json={"task": world.offer_task(key)})
    if role == "anonymous":
        assert r.status_code == 401
    elif not _sees_offer(role, key):
        assert r.status_code == NOT_FOUND
    elif role != OFFER_LEAD[key]:
        assert r.status_code == 403
    else:
        assert r.status_code == (200 if OFFER_DRAFT[key] else 409)
    _unchanged(world, before)


@pytest.mark.parametrize("role,key", _offer_cases())
def test_api_offer_formal_checks(world, role, key):
    before = world.snapshot()
    r = world.api(role, "PATCH", f"/api/v1/offers/{world.ids[key]}/formal-checks",
                  json={"checks": {c: True for c in world.checklist}})
    if role == "anonymous":
        assert r.status_code == 401
    elif not _sees_offer(role, key):
        assert r.status_code == NOT_FOUND
    elif role not in STAFF:
        assert r.status_code == 403
    else:
        assert r.status_code == 409  # the contest is not in formal review yet
    _unchanged(world, before)


@pytest.mark.parametrize("role,key", _offer_cases())
@pytest.mark.parametrize("name,payload", [("submit", {}), ("request_correction", {"deficiencies": ["Brak podpisu"]}),
                                          ("withdraw", {"reason": "x" * 4001})],
                         ids=["submit", "request_correction", "withdraw"])
def test_api_offer_transitions(world, role, key, name, payload):
    """withdraw carries a reason over its limit, so the one caller allowed to withdraw gets a 422
    and the shared data stays as it is."""
    before = world.snapshot()
    r = world.api(role, "POST", f"/api/v1/offers/{world.ids[key]}/transitions/{name}", json=payload)
    state = OFFER_STATE[key]
    if role == "anonymous":
        expected = 401
    elif not _sees_offer(role, key):
        expected = NOT_FOUND
    elif name == "submit":  # from a draft, by the lead organisation
        expected = 409 if state != "draft" else (422 if role == OFFER_LEAD[key] else 403)
    elif name == "request_correction":  # from submitted, by the contest's officers
        expected = 409 if state != "submitted" else (422 if role in STAFF else 403)
    else:  # withdraw: from draft or submitted, by the lead organisation
        expected = 409 if state == "withdrawn" else (422 if role == OFFER_LEAD[key] else 403)
    assert r.status_code == expected, r.get_json()
    _unchanged(world, before)


@pytest.mark.parametrize("role", ROLES)
def test_api_create_offer_for_organisation_a(world, role):
    before = world.snapshot()
    r = world.api(role, "POST", "/api/v1/offers",
                  json={"contest_id": str(world.ids["c_pub"]), "organisation_id": str(world.ids["org_a"])})
    if role == "anonymous":
        assert r.status_code == 401
    elif role == "applicant_a":
        assert r.status_code == 201, r.get_json()
        assert world.remove_offers_except_known() == [int(r.get_json()["id"])]
    else:
        assert r.status_code == 403, r.get_json()
    _unchanged(world, before)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_api_create_offer_in_an_invisible_contest_reads_as_missing(world, role):
    """The draft announcement is answered exactly like an id that does not exist."""
    before = world.snapshot()
    org = world.ids["org_a"] if role != "applicant_b" else world.ids["org_b"]
    answers = []
    for cid in (world.ids["c_draft"], 999_999):
        r = world.api(role, "POST", "/api/v1/offers", json={"contest_id": str(cid), "organisation_id": str(org)})
        answers.append((r.status_code, r.get_json().get("errors")))
    if role in STAFF:  # they see the draft; they are not applicants
        assert answers[0][0] == 403
    else:
        assert answers[0] == answers[1]
        if role.startswith("applicant"):
            assert answers[0][0] == 422
    _unchanged(world, before)


@pytest.mark.parametrize("role", ["officer_same", "admin", "finance", "commission_member", "participant"])
def test_api_create_offer_refused_to_non_applicants_before_the_body_is_read(world, role):
    """Order of checks (ARCHITECTURE.md): 403 the caller's role precedes 400/422 on the body."""
    before = world.snapshot()
    r = world.api(role, "POST", "/api/v1/offers", data="{not json", content_type="application/json")
    assert r.status_code == 403
    r = world.api(role, "POST", "/api/v1/offers", json={"unexpected": 1})
    assert r.status_code == 403
    _unchanged(world, before)


@pytest.mark.parametrize("role,key", _offer_cases())
def test_api_offer_cost_line_add(world, role, key):
    """The line is malformed, so the one caller allowed to add lines (the lead, on a draft) gets a
    422 and the shared data stays as it is."""
    before = world.snapshot()
    r = world.api(role, "POST", f"/api/v1/offers/{world.ids[key]}/cost-lines", json={"bogus": 1})
    if role == "anonymous":
        assert r.status_code == 401
    elif not _sees_offer(role, key):
        assert r.status_code == NOT_FOUND
    elif role != OFFER_LEAD[key]:
        assert r.status_code == 403
    else:
        assert r.status_code == (422 if OFFER_DRAFT[key] else 409)
    _unchanged(world, before)


@pytest.mark.parametrize("role,key", _offer_cases())
@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_api_offer_cost_line_change(world, role, key, method):
    """Line 0 exists on the submitted offers only (the others have no lines: 404 for whoever sees
    them); on a submitted offer the lead gets 409 (frozen), anyone else who sees it 403."""
    before = world.snapshot()
    r = world.api(role, method, f"/api/v1/offers/{world.ids[key]}/cost-lines/0", json={"name": "Zmiana"})
    if role == "anonymous":
        assert r.status_code == 401
    elif not _sees_offer(role, key) or not OFFER_HAS_LINES[key]:
        assert r.status_code == NOT_FOUND
    elif role != OFFER_LEAD[key]:
        assert r.status_code == 403
    else:
        assert r.status_code == 409
    _unchanged(world, before)
