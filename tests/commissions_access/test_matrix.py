"""Who sees what in commissions (issue 5): every role × commission × page and API endpoint.

Rules checked: members see only the commissions they sit on; officers of the contest's department
and admins see its commission; applicants, finance, participants, officers of other departments and
the public never see one (404 on the web, 401/404 on the API), so its existence does not leak;
visible but not allowed is a 403; blind scoring (R-COM-IMPARTIAL, R-SCORE): until scoring closes a
member sees only their own cards and officers none; an excluded member (declared conflict, or the
NGO nominee excluded under R-COM-NGO) never sees the scores of the offers they are excluded from
(ranking, protocol, card lists, pages). Every response body is scanned for card justifications the
caller may not read (World.assert_no_leak); every refused write leaves the data as it was.
"""
from __future__ import annotations

import re

import pytest

from .conftest import (ACTIVE, CLOSED, COMMISSIONS, MEMBERS, OFFERS, ROLES, STAFF, VOTERS, hidden_for,
                       is_login_redirect, may_read_card, sees_commission)

NOT_FOUND = 404


def cases(*commissions):
    return [pytest.param(role, k, id=f"{role}-{k}") for role in ROLES for k in (commissions or COMMISSIONS)]


def _unchanged(world, before):
    assert world.snapshot() == before, "a refused or no-op request changed data"


def _web_refused(world, role, k, r):
    """The answers every web write shares: login for the anonymous, 404 when invisible."""
    if role == "anonymous":
        assert is_login_redirect(r)
        return True
    if not sees_commission(role, k):
        assert r.status_code == NOT_FOUND
        return True
    return False


def _api_refused(world, role, k, r):
    if role == "anonymous":
        assert r.status_code == 401
        return True
    if not sees_commission(role, k):
        assert r.status_code == NOT_FOUND
        return True
    return False


def _row(page: str, offer_id: int) -> str:
    m = re.search(rf'<tr id="rank-{offer_id}">(.*?)</tr>', page, re.S)
    assert m, f"no ranking row for offer {offer_id}"
    return m.group(1)


def _assert_hidden_last(page: str, hidden_ids: list) -> None:
    order = [int(x) for x in re.findall(r'<tr id="rank-(\d+)">', page)]
    assert set(order[len(order) - len(hidden_ids):]) == set(hidden_ids), order


def _score_cell(row: str) -> str:
    return re.search(r'<td class="score">(.*?)</td>', row, re.S).group(1).strip()


# ====================================================================== web pages

@pytest.mark.parametrize("role,k", cases())
def test_r_com_impartial_web_commission_page(world, role, k):
    r = world.web(role, "GET", f"/commissions/{world.ids[k]}")
    if _web_refused(world, role, k, r):
        return
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    if k in CLOSED:
        for o in OFFERS:
            row = _row(page, world.ids[(k, o)])
            cell = _score_cell(row)
            if hidden_for(role, o):
                assert "ukryte" in cell and not re.search(r"\d", cell), (role, o, cell)
                assert "próg" not in row  # passing the threshold would tell the score too
            else:
                assert re.fullmatch(r"\d+\.\d\d", cell), (role, o, cell)
        _assert_hidden_last(page, [world.ids[(k, o)] for o in OFFERS if hidden_for(role, o)])
        assert ("<th scope=\"col\">Miejsce</th>" in page) == (role not in MEMBERS or not any(
            hidden_for(role, o) for o in OFFERS))  # with a hidden offer, no rank numbers (gaps would tell)
    else:
        assert 'id="rank-' not in page  # no ranking while blind
    if role in ("officer_same", "admin") and k == "k_scoring":
        assert "Postęp oceny" in page and "J-k_scoring" not in page


@pytest.mark.parametrize("offer", ["oa", "ob"])
@pytest.mark.parametrize("role,k", cases())
def test_r_com_impartial_web_card_page(world, role, k, offer):
    oid = world.ids[("k_scoring" if k == "k_other" else k, offer)]  # k_other's contest has no offers
    r = world.web(role, "GET", f"/commissions/{world.ids[k]}/cards/{oid}")
    if _web_refused(world, role, k, r):
        return
    if k == "k_other":
        assert r.status_code == NOT_FOUND  # an offer of another contest
    elif role not in ACTIVE or hidden_for(role, offer):
        assert r.status_code == 403
    else:  # the member's own submitted card, read-only
        assert r.status_code == 200
        page = r.get_data(as_text=True)
        assert f"J-{k}-{role}-{offer}" in page and "Karta została złożona" in page
        assert 'name="scores.' not in page


@pytest.mark.parametrize("role,k", cases())
def test_r_review_web_protocol_page(world, role, k):
    r = world.web(role, "GET", f"/commissions/{world.ids[k]}/protocol")
    if _web_refused(world, role, k, r):
        return
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    if k in CLOSED:
        for o in OFFERS:
            cell = _score_cell(_row(page, world.ids[(k, o)]))
            assert ("ukryte" in cell) == (role in MEMBERS and hidden_for(role, o)), (role, o, cell)
    else:
        assert 'id="rank-' not in page
    if k == "k_approved":
        assert "SHA-256" in page
    # every card the caller may read is in the protocol (the scanner checks the converse)
    for marker, mk, author, o in world.markers:
        if mk == k and k in CLOSED and may_read_card(role, k, author, o):
            assert marker in page, marker


# ====================================================================== web writes

@pytest.mark.parametrize("role,k", cases("k_scoring", "k_other"))
def test_web_add_member(world, role, k):
    before = world.snapshot()
    r = world.web(role, "POST", f"/commissions/{world.ids[k]}/members",
                  data={"user_id": world.users["finance"], "kind": "bogus", "version": world.version(k)})
    if not _web_refused(world, role, k, r):
        # staff: refused by the state (k_scoring) or the kind (k_other), shown on the page
        assert r.status_code == (303 if role in STAFF else 403)
    _unchanged(world, before)


@pytest.mark.parametrize("role,k", cases("k_scoring", "k_approved", "k_other"))
def test_r_com_impartial_web_declaration(world, role, k):
    before = world.snapshot()
    r = world.web(role, "POST", f"/commissions/{world.ids[k]}/declarations",
                  data={"organisation_id": world.orgs["C"], "conflict": "0"})
    if not _web_refused(world, role, k, r):
        # members already declared (a declaration cannot be changed) or the state is over: shown on the page;
        # someone who does not sit on it, or an excluded member, may not declare at all
        assert r.status_code == (303 if role in ACTIVE and k != "k_other" else 403)
    _unchanged(world, before)


@pytest.mark.parametrize("offer", ["ob", "oc"])
@pytest.mark.parametrize("role,k", cases("k_scoring", "k_closed"))
def test_r_com_impartial_web_card_post(world, role, k, offer):
    before = world.snapshot()
    r = world.web(role, "POST", f"/commissions/{world.ids[k]}/cards/{world.ids[(k, offer)]}",
                  data={"scores.capacity": "99", "justifications.capacity": "x", "submit": "0"})
    if _web_refused(world, role, k, r):
        pass
    elif role not in ACTIVE or hidden_for(role, offer):
        assert r.status_code == 403
    elif k == "k_scoring" and offer == "oc":  # no submitted card yet: the form comes back with the error
        assert r.status_code == 422
        page = r.get_data(as_text=True)
        assert 'class="error-summary"' in page and 'aria-invalid="true"' in page
    else:  # a submitted card, or scoring closed: refused, shown on the commission's page
        assert r.status_code == 303
    _unchanged(world, before)


@pytest.mark.parametrize("role,k", cases("k_scoring", "k_closed", "k_other"))
def test_r_alloc_web_allocation(world, role, k):
    before = world.snapshot()
    data = {}
    if k != "k_other":
        data = {f"amount.{world.ids[(k, o)]}": str(v or "0.00") for o, v in world.proposed(k).items()}
    r = world.web(role, "POST", f"/commissions/{world.ids[k]}/allocation", data=data)
    if not _web_refused(world, role, k, r):
        assert r.status_code == (303 if role in STAFF else 403)
    _unchanged(world, before)


@pytest.mark.parametrize("role,k", cases("k_scoring", "k_other"))
def test_r_score_web_close_scoring(world, role, k):
    """Only the chair closes scoring; here it is refused (cards missing, no reason) and nothing changes."""
    before = world.snapshot()
    r = world.web(role, "POST", f"/commissions/{world.ids[k]}/transitions/close_scoring",
                  data={"version": world.version(k)})
    if not _web_refused(world, role, k, r):
        if k == "k_other":
            assert r.status_code == 303  # not available while forming: the state answers first
        else:
            assert r.status_code == (303 if role == "chair" else 403)
    _unchanged(world, before)


def test_web_refusals_are_explained(world):
    """The chair's refused close and a member's refused card are explained on the page, not silent."""
    c = world.clients["chair"]
    k = world.ids["k_scoring"]
    r = c.post(f"/commissions/{k}/transitions/close_scoring", data={"version": world.version("k_scoring")},
               follow_redirects=True)
    assert "Brakujące karty oceny: " in r.get_data(as_text=True)
    r = world.clients["member_city"].post(f"/commissions/{world.ids['k_closed']}/cards/{world.ids[('k_closed', 'oc')]}",
                                          data={"scores.capacity": "1"}, follow_redirects=True)
    assert "Ocena nie trwa" in r.get_data(as_text=True)


@pytest.mark.parametrize("role", MEMBERS)
def test_home_lists_commission_work_only_for_active_members(world, role):
    """Everyone declared; the voting members still miss their card for offer C in k_scoring. The
    excluded nominee has nothing to do and is not sent to declare."""
    page = world.web(role, "GET", "/").get_data(as_text=True)
    k = world.ids["k_scoring"]
    assert f"/commissions/{k}#declarations" not in page
    assert (f"/commissions/{k}#scoring" in page) == (role in VOTERS)


# ====================================================================== the contest page

@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("k", ["k_scoring", "k_approved"])
def test_r_results_contest_page_shows_commissions_only_to_staff(world, role, k):
    r = world.web(role, "GET", f"/contests/{world.contests[k]}")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    link = f'/commissions/{world.ids[k]}"'
    assert (link in page) == (role in STAFF)
    # results are public once decided, and only then (R-RESULTS)
    assert ("Wyniki konkursu" in page) == (k == "k_approved")


# ====================================================================== API

@pytest.mark.parametrize("role", ROLES)
def test_api_list_shows_only_visible_commissions(world, role):
    r = world.api(role, "GET", "/api/v1/commissions")
    if role == "anonymous":
        assert r.status_code == 401
        return
    assert r.status_code == 200
    assert {x["id"] for x in r.get_json()["items"]} == {str(world.ids[k]) for k in COMMISSIONS
                                                        if sees_commission(role, k)}


@pytest.mark.parametrize("role,k", cases())
def test_api_commission(world, role, k):
    r = world.api(role, "GET", f"/api/v1/commissions/{world.ids[k]}")
    if not _api_refused(world, role, k, r):
        assert r.status_code == 200 and r.get_json()["state"]


@pytest.mark.parametrize("role,k", cases())
def test_r_com_impartial_api_score_cards(world, role, k):
    r = world.api(role, "GET", f"/api/v1/commissions/{world.ids[k]}/score-cards")
    if _api_refused(world, role, k, r):
        return
    assert r.status_code == 200
    by_member = {str(mid): role_ for (mk, role_), mid in world.members.items() if mk == k}
    by_offer = {str(world.ids[(k, o)]): o for o in OFFERS} if k != "k_other" else {}
    got = {(by_member[x["member_id"]], by_offer[x["offer_id"]]) for x in r.get_json()["items"]}
    expected = {(a, o) for marker, mk, a, o in world.markers if mk == k and may_read_card(role, k, a, o)}
    assert got == expected


@pytest.mark.parametrize("role,k", cases())
def test_r_com_impartial_api_ranking(world, role, k):
    r = world.api(role, "GET", f"/api/v1/commissions/{world.ids[k]}/ranking")
    if _api_refused(world, role, k, r):
        return
    if k not in CLOSED:
        assert r.status_code == 409  # blind until scoring closes, for everyone
        return
    assert r.status_code == 200
    items = r.get_json()["items"]
    rows = {x["offer_id"]: x for x in items}
    any_hidden = role in MEMBERS and any(hidden_for(role, o) for o in OFFERS)
    for o in OFFERS:
        row = rows[str(world.ids[(k, o)])]
        if role in MEMBERS and hidden_for(role, o):
            assert row["score"] is None and row.get("advisory") is None and row["passed"] is None
        else:
            assert row["score"] is not None and row["passed"] is not None
        assert (row["rank"] is None) == any_hidden  # gaps in the numbering would tell the hidden scores
    hidden = [str(world.ids[(k, o)]) for o in OFFERS if role in MEMBERS and hidden_for(role, o)]
    assert {x["offer_id"] for x in items[len(items) - len(hidden):]} == set(hidden)  # hidden ones last


@pytest.mark.parametrize("role,k", cases())
def test_r_com_impartial_api_declarations(world, role, k):
    r = world.api(role, "GET", f"/api/v1/commissions/{world.ids[k]}/declarations")
    if _api_refused(world, role, k, r):
        return
    assert r.status_code == 200
    members = {str(mid) for (mk, role_), mid in world.members.items() if mk == k and
               (role in STAFF or role_ == role)}
    got = {x["member_id"] for x in r.get_json()["items"]}
    if role in STAFF or role in ACTIVE:
        assert got == {m for m in members if int(m) in
                       {world.members[(k, a)] for a in ACTIVE if (k, a) in world.members}}
    else:  # the excluded nominee declared nothing
        assert got == set()


@pytest.mark.parametrize("role,k", cases())
def test_r_review_api_protocol(world, role, k):
    r = world.api(role, "GET", f"/api/v1/commissions/{world.ids[k]}/protocol")
    if _api_refused(world, role, k, r):
        return
    if k != "k_approved":
        assert r.status_code == 409  # frozen only when the chair approves it
        return
    assert r.status_code == 200
    body = r.get_json()
    ranking = {str(x["offer_id"]): x for x in body["protocol"]["ranking"]}
    for o in OFFERS:
        hidden = role in MEMBERS and hidden_for(role, o)
        assert (ranking[str(world.ids[(k, o)])]["score"] is None) == hidden
        assert (ranking[str(world.ids[(k, o)])]["passed"] is None) == hidden
        assert any(str(c["offer_id"]) == str(world.ids[(k, o)]) for c in body["protocol"]["cards"]) != hidden
    assert body["redacted"] == (role in ("excluded_nominee", "conflicted"))


@pytest.mark.parametrize("offer", ["ob", "oc"])
@pytest.mark.parametrize("role,k", cases("k_scoring", "k_closed"))
def test_r_com_impartial_api_put_card(world, role, k, offer):
    before = world.snapshot()
    r = world.api(role, "PUT", f"/api/v1/commissions/{world.ids[k]}/score-cards/{world.ids[(k, offer)]}",
                  json={"scores": {"capacity": "99"}})
    if not _api_refused(world, role, k, r):
        if k == "k_closed":
            assert r.status_code == 409
        elif role not in ACTIVE or hidden_for(role, offer):
            assert r.status_code == 403
        elif offer == "oc":
            assert r.status_code == 422
        else:
            assert r.status_code == 409  # already submitted
    _unchanged(world, before)


@pytest.mark.parametrize("role,k", cases("k_scoring", "k_closed", "k_other"))
def test_r_alloc_api_allocation(world, role, k):
    before = world.snapshot()
    amounts = {}
    if k != "k_other":
        amounts = {str(world.ids[(k, o)]): str(v or "0.00") for o, v in world.proposed(k).items()}
    r = world.api(role, "PATCH", f"/api/v1/commissions/{world.ids[k]}/allocation", json={"amounts": amounts})
    if not _api_refused(world, role, k, r):
        if role not in STAFF:
            assert r.status_code == 403
        else:
            assert r.status_code == (200 if k == "k_closed" else 409)
    _unchanged(world, before)


@pytest.mark.parametrize("role,k", cases("k_scoring", "k_other"))
def test_api_add_member(world, role, k):
    before = world.snapshot()
    r = world.api(role, "POST", f"/api/v1/commissions/{world.ids[k]}/members",
                  json={"user_id": str(world.users["finance"]), "kind": "bogus"})
    if not _api_refused(world, role, k, r):
        if role not in STAFF:
            assert r.status_code == 403
        else:
            assert r.status_code == (409 if k == "k_scoring" else 422)
    _unchanged(world, before)


@pytest.mark.parametrize("role,k", cases("k_scoring", "k_approved"))
def test_r_score_api_transitions(world, role, k):
    before = world.snapshot()
    name = "close_scoring" if k == "k_scoring" else "open_declarations"
    r = world.api(role, "POST", f"/api/v1/commissions/{world.ids[k]}/transitions/{name}", json={})
    if not _api_refused(world, role, k, r):
        if k == "k_approved":
            assert r.status_code == 409  # not available in this state, whoever asks
        else:
            assert r.status_code == (422 if role == "chair" else 403)
    _unchanged(world, before)
