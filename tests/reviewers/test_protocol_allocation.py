"""R-REVIEW (the frozen protocol, its hash, the printable page) and R-ALLOC through the API
(PATCH /commissions/{id}/allocation)."""
from __future__ import annotations

import hashlib
from decimal import Decimal

from grants.core import canonical
from grants.commissions.protocol import build
from tests.reviewers.helpers import World, counts

D = Decimal


def test_r_review_protocol_complete_frozen_and_hash_recomputed(client, session, make_user, make_org, api_token, login):
    w = World(session, make_user, make_org)
    w.declared(conflicts=[(w.city2, w.orgs[1])]).scored().closed().approved()
    c = w.c
    doc = c.protocol
    assert c.protocol_hash == hashlib.sha256(canonical.dumps(doc).encode()).hexdigest()
    assert c.protocol_hash == hashlib.sha256(canonical.dumps(build(w.s, c)).encode()).hexdigest()  # recomputed
    assert {m["id"] for m in doc["members"]} == {m.id for m in c.members}
    excluded = next(m for m in doc["members"] if m["id"] == w.member(w.excluded_nominee).id)
    assert "organizacja wskazująca" in excluded["excluded"] and excluded["voting"] is False
    assert len(doc["declarations"]) == 4 * 3  # four active members towards three organisations
    assert [d["grounds"] for d in doc["declarations"] if d["conflict"]] == [["family"]]
    assert doc["exclusions"] == [[w.member(w.city2).id, w.offer_ids[1]]]
    assert len(doc["cards"]) == 4 * 3 - 1 and all(
        set(x["justifications"]) == set(w.crit) and all(x["justifications"].values()) for x in doc["cards"])
    assert [r["offer_id"] for r in doc["ranking"]] == [w.offer_ids[1], w.offer_ids[0], w.offer_ids[2]]
    assert [(r["score"], r["proposed"]) for r in doc["ranking"]] == [
        ("30.00", "30000.00"), ("24.00", "40000.00"), ("6.00", "0.00")]
    # the API gives the same document and hash
    r = client.get(f"/api/v1/commissions/{w.cid}/protocol", headers=api_token(w.officer)).get_json()
    assert r["sha256"] == c.protocol_hash
    assert hashlib.sha256(canonical.dumps(r["protocol"]).encode()).hexdigest() == r["sha256"]
    # the printable page
    page = login(w.officer).get(f"/commissions/{w.cid}/protocol")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert c.protocol_hash in html and "Uzasadnienie oceny" in html and w.expert.display_name in html


def test_r_review_protocol_not_before_approval_and_reopen_clears(client, session, make_user, make_org, api_token):
    w = World(session, make_user, make_org)
    w.declared().scored().closed()
    h = api_token(w.chair)
    assert client.get(f"/api/v1/commissions/{w.cid}/protocol", headers=h).status_code == 409
    r = client.post(f"/api/v1/commissions/{w.cid}/transitions/reopen", json={"reason": "Błąd w karcie"}, headers=h)
    assert r.status_code == 200, r.get_data(as_text=True)
    c = w.c
    assert c.state == "scoring" and c.protocol is None and c.protocol_hash is None and c.approved_at is None
    assert client.get(f"/api/v1/commissions/{w.cid}/ranking", headers=h).status_code == 409
    w.closed().approved()
    assert w.c.protocol_hash is not None


def test_r_review_approved_protocol_never_changes(client, session, make_user, make_org, api_token):
    w = World(session, make_user, make_org)
    w.declared().scored().closed().approved()
    h = api_token(w.officer)
    frozen = w.c.protocol_hash
    before = counts(session)
    r = client.patch(f"/api/v1/commissions/{w.cid}/allocation", json={"amounts": {str(w.offer_ids[0]): "35000.00"}},
                     headers=h)
    assert r.status_code == 409
    r = client.post(f"/api/v1/commissions/{w.cid}/transitions/reopen", json={"reason": "Jeszcze raz"},
                    headers=api_token(w.chair))
    assert r.status_code == 409
    assert counts(session) == before and w.c.protocol_hash == frozen


# ---------------------------------------------------------------- R-ALLOC through the API

def _patch(client, h, w, amounts):
    return client.patch(f"/api/v1/commissions/{w.cid}/allocation",
                        json={"amounts": {str(w.offer_ids[i]) if isinstance(i, int) else i: a for i, a in amounts.items()}},
                        headers=h)


def test_r_alloc_default_proposal_within_budget_through_the_api(client, session, make_user, make_org, api_token):
    # budget 60 000: B (30 000, best) in full, A gets the 30 000 left (≥ 5 000 minimum), C below threshold
    w = World(session, make_user, make_org, budget=D("60000.00"))
    w.declared().scored().closed()
    h = api_token(w.officer)
    rank = client.get(f"/api/v1/commissions/{w.cid}/ranking", headers=h).get_json()["items"]
    assert [(x["offer_id"], x["passed"], x["proposed"]) for x in rank] == [
        (str(w.offer_ids[1]), True, "30000.00"), (str(w.offer_ids[0]), True, "30000.00"),
        (str(w.offer_ids[2]), False, "0.00")]


def test_r_alloc_edits_refused_above_requested_below_minimum_over_budget(client, session, make_user, make_org,
                                                                        api_token):
    w = World(session, make_user, make_org, budget=D("60000.00"))
    w.declared().scored().closed()
    h = api_token(w.officer)
    cases = [
        ({0: "40000.01"}, f"amounts.{w.offer_ids[0]}"),  # above requested
        ({0: "4999.99"}, f"amounts.{w.offer_ids[0]}"),  # below the minimum grant
        ({0: "30000.01"}, "amounts"),  # 30 000 + 30 000.01 > 60 000
        ({2: "9000.00"}, f"amounts.{w.offer_ids[2]}"),  # below the threshold
        ({"999999": "5000.00"}, "amounts.999999"),  # not in this contest
        ({0: "abc"}, f"amounts.{w.offer_ids[0]}"),
        ({0: "5000.001"}, f"amounts.{w.offer_ids[0]}"),
        ({0: "-5000.00"}, f"amounts.{w.offer_ids[0]}"),
        ({0: "1e4"}, f"amounts.{w.offer_ids[0]}"),  # exponent notation: refused like everywhere
        ({"abc": "5000.00"}, "amounts.abc"),  # not an offer id: the field named, no Python error text
        ({"99999999999999999999": "5000.00"}, "amounts.99999999999999999999"),
    ]
    before = counts(session)
    for amounts, field in cases:
        r = _patch(client, h, w, amounts)
        assert r.status_code == 422, (amounts, r.get_data(as_text=True))
        assert field in {e["field"] for e in r.get_json()["errors"]}, (amounts, r.get_json())
        assert not any("invalid literal" in e["message"] for e in r.get_json()["errors"])
        assert counts(session) == before
    assert [o.proposed_grant for o in w.offers] == [D("30000.00"), D("30000.00"), D("0.00")]
    # members who are not the contest's officers cannot edit
    assert _patch(client, api_token(w.nominee), w, {0: "29000.00"}).status_code == 403
    # within the rules: zero (nothing) or [minimum, requested], total within the budget
    r = _patch(client, h, w, {0: "0.00", 1: "25000.00"})
    assert r.status_code == 200, r.get_data(as_text=True)
    r = _patch(client, h, w, {0: "35000.00"})
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.get_json()["amounts"] == {str(w.offer_ids[0]): "35000.00", str(w.offer_ids[1]): "25000.00",
                                       str(w.offer_ids[2]): "0.00"}
    assert sum(o.proposed_grant for o in w.offers) == D("60000.00")
