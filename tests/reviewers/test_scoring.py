"""R-COM-IMPARTIAL, R-EVAL-CRITERIA and R-SCORE on score cards through the API: who may score
what, the contest's criteria and maxima, and bad input refused with nothing stored."""
from __future__ import annotations

import pytest

from grants.commissions import operations as ops
from reviewers.models import Commission, ScoreCard
from tests.reviewers.helpers import World, counts


@pytest.fixture
def world(session, make_user, make_org):
    return World(session, make_user, make_org)


def _put(client, h, w, offer_id, body):
    return client.put(f"/api/v1/commissions/{w.cid}/score-cards/{offer_id}", json=body, headers=h)


def _full(w, points="4", just="Uzasadnienie"):
    crit = [x["code"] for x in w.contest.criteria]
    return {"scores": {k: points for k in crit}, "justifications": {k: just for k in crit}, "submit": True}


def _ready(w):
    return w


# ---------------------------------------------------------------- R-COM-IMPARTIAL

def test_r_com_impartial_undeclared_member_cannot_score(client, session, world, api_token):
    w = _ready(world.open())
    h = api_token(w.city2)
    before = counts(session)
    r = _put(client, h, w, w.offer_ids[1], _full(w))
    assert r.status_code == 409, r.get_data(as_text=True)  # declarations open: no cards yet
    assert counts(session) == before
    # even in scoring (state forced here), a member missing one declaration cannot open any card
    from reviewers.declarations import organisations_to_declare
    s = w.s
    orgs = organisations_to_declare(s, w.c)
    for org in orgs[:-1]:
        ops.declare(s, w.city2, w.c, org, False)
    s.commit()
    w.c.state = "scoring"  # set up directly: start_scoring itself refuses (tested below)
    s.commit()
    with pytest.raises(ops.PermissionDenied) as e:
        ops.save_card(s, w.city2, w.c, w.offers[1], _full(w)["scores"], _full(w)["justifications"], True)
    assert "R-COM-IMPARTIAL" in str(e.value.args[0] if e.value.args else e.value)
    s.rollback()
    assert s.query(ScoreCard).count() == 0


def test_r_com_impartial_start_scoring_refused_while_declarations_missing(client, session, world, api_token):
    w = _ready(world.open())
    from tests.reviewers.helpers import declare_all
    declare_all(w.s, w.c, [w.chair, w.city2, w.nominee])  # the expert has not declared
    h = api_token(w.chair)
    before = counts(session)
    r = client.post(f"/api/v1/commissions/{w.cid}/transitions/start_scoring", json={}, headers=h)
    assert r.status_code == 422 and "R-COM-IMPARTIAL" in r.get_data(as_text=True)
    assert counts(session) == before
    assert session.get(Commission, w.cid).state == "declarations"


def test_r_com_impartial_declaration_cannot_be_changed(client, session, world, api_token):
    w = _ready(world.open())
    org = str(w.orgs[1].id)
    h = api_token(w.city2)
    r = client.post(f"/api/v1/commissions/{w.cid}/declarations", json={"organisation_id": org, "conflict": False},
                    headers=h)
    assert r.status_code == 201
    before = counts(session)
    r = client.post(f"/api/v1/commissions/{w.cid}/declarations",
                    json={"organisation_id": org, "conflict": True, "grounds": ["family"]}, headers=h)
    assert r.status_code == 422
    assert counts(session) == before
    items = client.get(f"/api/v1/commissions/{w.cid}/declarations", headers=h).get_json()["items"]
    assert [(d["organisation_id"], d["conflict"]) for d in items] == [(org, False)]


BAD_DECLARATIONS = [
    {"conflict": True},  # a conflict needs its ground (KPA art. 24)
    {"conflict": False, "grounds": ["family"]},  # grounds only with a conflict
    {"conflict": True, "grounds": ["astrology"]},  # unknown ground
    {"conflict": "maybe"},
    {"conflict": False, "organisation_id": "999999"},  # not taking part
    {"conflict": False, "member_id": "1"},  # nobody declares for another member
]


def test_r_com_impartial_bad_declarations_refused_nothing_stored(client, session, world, api_token):
    w = _ready(world.open())
    h = api_token(w.city2)
    before = counts(session)
    for body in BAD_DECLARATIONS:
        body = {"organisation_id": str(w.orgs[1].id), **body}
        r = client.post(f"/api/v1/commissions/{w.cid}/declarations", json=body, headers=h)
        assert r.status_code == 422, (body, r.get_data(as_text=True))
        assert r.headers["Content-Type"].startswith("application/problem+json")
        assert counts(session) == before


def test_r_com_impartial_excluded_nominee_and_outsider_cannot_declare(client, session, world, api_token, make_user):
    w = _ready(world.open())
    outsider = api_token(make_user("commission_member"))
    before = counts(session)
    body = {"organisation_id": str(w.orgs[1].id), "conflict": False}
    r = client.post(f"/api/v1/commissions/{w.cid}/declarations", json=body, headers=api_token(w.excluded_nominee))
    assert r.status_code == 403
    r = client.post(f"/api/v1/commissions/{w.cid}/declarations", json=body, headers=outsider)
    assert r.status_code == 404  # not visible to someone who does not sit on it
    assert counts(session) == before


def test_r_com_impartial_conflict_excludes_member_from_that_offer(client, session, world, api_token, login):
    w = _ready(world.declared(conflicts=[(world.city2, world.orgs[1])]))
    h = api_token(w.city2)
    before = counts(session)
    r = _put(client, h, w, w.offer_ids[1], _full(w))
    assert r.status_code == 403 and "R-COM-IMPARTIAL" in r.get_data(as_text=True)
    assert counts(session) == before
    page = login(w.city2).get(f"/commissions/{w.cid}/cards/{w.offer_ids[1]}")
    assert page.status_code == 403
    assert _put(client, h, w, w.offer_ids[0], _full(w)).status_code == 200  # other offers: fine
    # scoring continues and closes; the excluded member never sees offer B's scores
    w.scored({0: 4, 1: 5, 2: 1}).closed()
    hidden = client.get(f"/api/v1/commissions/{w.cid}/ranking", headers=h).get_json()["items"]
    row = next(x for x in hidden if x["offer_id"] == str(w.offer_ids[1]))
    assert row["score"] is None and row.get("advisory") is None
    assert all(x["score"] is not None for x in hidden if x["offer_id"] != str(w.offer_ids[1]))
    cards = client.get(f"/api/v1/commissions/{w.cid}/score-cards", headers=h).get_json()["items"]
    assert cards and all(c["offer_id"] != str(w.offer_ids[1]) for c in cards)
    staff = client.get(f"/api/v1/commissions/{w.cid}/ranking", headers=api_token(w.officer)).get_json()["items"]
    assert next(x for x in staff if x["offer_id"] == str(w.offer_ids[1]))["score"] == "30.00"
    w.approved()
    doc = client.get(f"/api/v1/commissions/{w.cid}/protocol", headers=h).get_json()
    assert doc["redacted"] is True
    assert all(str(c["offer_id"]) != str(w.offer_ids[1]) for c in doc["protocol"]["cards"])
    row = next(x for x in doc["protocol"]["ranking"] if str(x["offer_id"]) == str(w.offer_ids[1]))
    assert row["score"] is None and row["score_exact"] is None
    assert "30.00" not in str(row)
    printable = login(w.city2).get(f"/commissions/{w.cid}/protocol").get_data(as_text=True)
    assert "30.00" not in printable
    # only the excluded pair: the chair sees everything
    full = client.get(f"/api/v1/commissions/{w.cid}/protocol", headers=api_token(w.chair)).get_json()
    assert full["redacted"] is False
    assert any(str(c["offer_id"]) == str(w.offer_ids[1]) for c in full["protocol"]["cards"])


def test_r_score_blind_while_scoring(client, session, world, api_token, make_user):
    staff = api_token(make_user("officer"))  # the contest's department, not on the commission
    w = _ready(world.declared().scored())
    mine = client.get(f"/api/v1/commissions/{w.cid}/score-cards", headers=api_token(w.nominee)).get_json()["items"]
    assert {c["member_id"] for c in mine} == {str(w.member(w.nominee).id)}
    assert client.get(f"/api/v1/commissions/{w.cid}/score-cards", headers=staff).get_json()["items"] == []
    assert client.get(f"/api/v1/commissions/{w.cid}/ranking", headers=staff).status_code == 409


# ---------------------------------------------------------------- R-EVAL-CRITERIA

@pytest.mark.parametrize("form, codes", [
    ("support", ["capacity", "costs", "quality", "own_funds", "personal_in_kind", "record"]),
    ("entrustment", ["capacity", "costs", "quality", "personal_in_kind", "record"]),
])
def test_r_eval_criteria_defaults_own_funds_only_for_support(session, make_user, form, codes):
    from grants.contests import operations as cops
    from tests.factories import contest_values
    values = contest_values(form=form)
    values.pop("criteria", None)
    c = cops.create(session, make_user("officer"), values)
    assert [x["code"] for x in c.criteria] == codes
    assert all(float(x["max_points"]) > 0 and x["label"] for x in c.criteria)


def test_r_eval_criteria_per_contest_maxima_enforced(client, session, world, api_token):
    w = _ready(world.declared())
    h = api_token(w.chair)
    maxima = {x["code"]: x["max_points"] for x in w.contest.criteria}
    assert maxima["capacity"] == "10" and maxima["own_funds"] == "5"
    body = _full(w, "5")
    body["scores"]["own_funds"] = "6"
    before = counts(session)
    r = _put(client, h, w, w.offer_ids[0], body)
    assert r.status_code == 422
    assert [e["field"] for e in r.get_json()["errors"]] == ["scores.own_funds"]
    assert counts(session) == before
    body["scores"]["own_funds"] = "5"
    body["scores"]["capacity"] = "10"
    r = _put(client, h, w, w.offer_ids[0], body)
    assert r.status_code == 200
    assert r.get_json()["scores"]["capacity"] == "10"


@pytest.mark.parametrize("bad", ["1e1", "5e0", "NaN", "Infinity", "+5", "-1", "5.001", "١"])
def test_r_score_points_in_the_one_grammar_exponent_refused(client, session, world, api_token, bad):
    """A score "1e1" was once stored as 10: points are read by the one grammar (grants.core.numbers)."""
    w = _ready(world.declared())
    body = _full(w, "5")
    body["scores"]["capacity"] = bad
    before = counts(session)
    r = _put(client, api_token(w.chair), w, w.offer_ids[0], body)
    assert r.status_code == 422, r.get_data(as_text=True)
    assert [e["field"] for e in r.get_json()["errors"]] == ["scores.capacity"]
    assert counts(session) == before


def test_r_eval_criteria_half_points_only_when_the_contest_allows(client, session, make_user, make_org, api_token):
    for allowed in (False, True):
        w = _ready(World(session, make_user, make_org, half_points=allowed).declared())
        body = _full(w, "7.5")
        body["scores"].update({k: "4.5" for k in ("own_funds", "personal_in_kind", "record")})
        before = counts(session)
        r = _put(client, api_token(w.chair), w, w.offer_ids[0], body)
        if allowed:
            assert r.status_code == 200, r.get_data(as_text=True)
            assert r.get_json()["scores"]["capacity"] == "7.5"
        else:
            assert r.status_code == 422
            assert {e["field"] for e in r.get_json()["errors"]} == {f"scores.{k}" for k in w.crit}
            assert "połówki" not in r.get_data(as_text=True) and "pełne punkty" in r.get_data(as_text=True)
            assert counts(session) == before
        body = _full(w, "7.25")  # quarters never
        body["submit"] = False
        before = counts(session)
        assert _put(client, api_token(w.city2), w, w.offer_ids[0], body).status_code == 422
        assert counts(session) == before


# ---------------------------------------------------------------- bad input

def test_r_score_bad_scores_refused_nothing_stored(client, session, world, api_token):
    w = _ready(world.declared())
    h = api_token(w.chair)
    before = counts(session)
    for raw in ["abc", "NaN", "Infinity", "-1", "10.01", "", "1e3", "0x5", "5 5", "½"]:
        body = _full(w, "3")
        body["scores"]["capacity"] = raw
        r = _put(client, h, w, w.offer_ids[0], body)
        assert r.status_code == 422, (raw, r.get_data(as_text=True))
        assert "scores.capacity" in {e["field"] for e in r.get_json()["errors"]}
        assert counts(session) == before


def test_r_score_stored_scores_are_canonical(client, session, world, api_token):
    w = _ready(world.declared())
    body = _full(w, "3")
    body["scores"].update(capacity="10.00", costs="-0", quality=" 7,0 ")  # "1e1" is refused now
    body["submit"] = False
    r = _put(client, api_token(w.chair), w, w.offer_ids[0], body)
    assert r.status_code == 200, r.get_data(as_text=True)
    s = r.get_json()["scores"]
    assert (s["capacity"], s["costs"], s["quality"]) == ("10", "0", "7")


INCOMPLETE = [
    (lambda b: b["justifications"].update(capacity="   "), "justifications.capacity"),
    (lambda b: b["justifications"].pop("record"), "justifications.record"),
    (lambda b: b["scores"].pop("quality"), "scores.quality"),
    (lambda b: b["scores"].update(charisma="5"), "scores"),
    (lambda b: b["justifications"].update(charisma="Świetna"), "scores"),
]


def test_r_score_incomplete_or_unknown_refused_on_submit(client, session, world, api_token):
    w = _ready(world.declared())
    h = api_token(w.chair)
    before = counts(session)
    for mutate, field in INCOMPLETE:
        body = _full(w)
        mutate(body)
        r = _put(client, h, w, w.offer_ids[0], body)
        assert r.status_code == 422
        assert field in {e["field"] for e in r.get_json()["errors"]}
        assert counts(session) == before


MALFORMED = [
    {"member_id": "1", "scores": {}},  # the API always uses the caller's own card
    {"scores": {"capacity": 5}},  # a number, not a string
    {"scores": [], "submit": True},
    {"submit": "yes"},
]


def test_r_score_malformed_card_refused(client, session, world, api_token):
    w = _ready(world.declared())
    h = api_token(w.chair)
    before = counts(session)
    for body in MALFORMED:
        r = _put(client, h, w, w.offer_ids[0], body)
        assert r.status_code == 422, (body, r.get_data(as_text=True))
        assert counts(session) == before
    r = client.put(f"/api/v1/commissions/{w.cid}/score-cards/{w.offer_ids[0]}", data="{not json",
                   headers={**h, "Content-Type": "application/json"})
    assert r.status_code == 400 and counts(session) == before


def test_r_score_card_always_the_callers_own(client, session, world, api_token):
    w = _ready(world.declared())
    body = _full(w)
    body["submit"] = False
    r = _put(client, api_token(w.city2), w, w.offer_ids[0], body)
    assert r.status_code == 200
    assert r.get_json()["member_id"] == str(w.member(w.city2).id)
    # the chair writing "the same" card writes their own; city2's draft is untouched
    r = _put(client, api_token(w.chair), w, w.offer_ids[0], _full(w, "5"))
    assert r.get_json()["member_id"] == str(w.member(w.chair).id)
    theirs = w.s.query(ScoreCard).filter_by(member_id=w.member(w.city2).id).one()
    assert theirs.state == "draft" and set(theirs.scores.values()) == {"4"}


def test_r_score_submitted_card_cannot_be_scored_again(client, session, world, api_token):
    w = _ready(world.declared())
    h = api_token(w.chair)
    assert _put(client, h, w, w.offer_ids[0], _full(w, "4")).status_code == 200
    before = counts(session)
    r = _put(client, h, w, w.offer_ids[0], _full(w, "9"))
    assert r.status_code == 409
    assert counts(session) == before
    card = w.s.query(ScoreCard).filter_by(member_id=w.member(w.chair).id).one()
    assert set(card.scores.values()) == {"4"}


def test_r_score_outsiders_and_foreign_offers_refused(client, session, world, api_token, make_user, make_org):
    w = _ready(world.declared())
    other = World(session, make_user, make_org, grants=("9000.00",))
    before = counts(session)
    assert _put(client, api_token(w.chair), w, other.offers[0].id, _full(w)).status_code == 404
    assert _put(client, api_token(w.chair), w, "abc", _full(w)).status_code == 404
    assert _put(client, api_token(w.officer), w, w.offer_ids[0], _full(w)).status_code == 200  # the chair is the officer
    before = counts(session)
    stranger = make_user("officer")  # same department, not on the commission
    before = counts(session)
    assert _put(client, api_token(stranger), w, w.offer_ids[0], _full(w)).status_code == 403
    assert _put(client, api_token(w.excluded_nominee), w, w.offer_ids[1], _full(w)).status_code == 403
    assert _put(client, api_token(w.applicants[0]), w, w.offer_ids[0], _full(w)).status_code == 404
    assert counts(session) == before


def test_r_com_expert_scores_shown_not_counted_through_the_api(client, session, world, api_token):
    w = _ready(world.declared().scored(expert_points=10).closed())  # the expert gives everything full marks
    rank = client.get(f"/api/v1/commissions/{w.cid}/ranking", headers=api_token(w.officer)).get_json()["items"]
    assert [(x["offer_id"], x["score"], x["passed"], x["advisory"]) for x in rank] == [
        (str(w.offer_ids[1]), "30.00", True, "45.00"), (str(w.offer_ids[0]), "24.00", True, "45.00"),
        (str(w.offer_ids[2]), "6.00", False, "45.00")]


def test_r_score_only_submitted_cards_count_and_closing_with_missing_needs_reason(client, session, world, api_token):
    w = _ready(world.declared())
    h = api_token(w.chair)
    draft = _full(w, "5")
    draft["submit"] = False
    assert _put(client, h, w, w.offer_ids[2], draft).status_code == 200  # the chair's draft of 30 points on C
    w.scored({0: 4, 1: 5, 2: 1})  # everyone else submits; the chair's C card stays a draft
    before = counts(session)
    r = client.post(f"/api/v1/commissions/{w.cid}/transitions/close_scoring", json={}, headers=h)
    assert r.status_code == 422 and "R-SCORE" in r.get_data(as_text=True)
    assert counts(session) == before
    r = client.post(f"/api/v1/commissions/{w.cid}/transitions/close_scoring",
                    json={"reason": "Przewodniczący nie złożył karty C"}, headers=h)
    assert r.status_code == 200, r.get_data(as_text=True)
    rank = client.get(f"/api/v1/commissions/{w.cid}/ranking", headers=h).get_json()["items"]
    assert next(x for x in rank if x["offer_id"] == str(w.offer_ids[2]))["score"] == "6.00"  # the draft not counted
    assert w.c.close_reason == "Przewodniczący nie złożył karty C"
