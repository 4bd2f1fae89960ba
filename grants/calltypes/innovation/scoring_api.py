"""Concept cards as sub-resources of /api/v1/commissions (a concept call's commission), as the
offers' score cards are (grants/commissions/api.py):

- GET /commissions/<id>/concept-cards: the cards the caller may read (blind until scoring closes);
- GET /commissions/<id>/concept-cards/<concept_id>: the caller's own card for that concept (a member);
- PUT /commissions/<id>/concept-cards/<concept_id>: save it (``{"scores", "justifications", "submit"}``);
- GET /commissions/<id>/concept-ranking: the ranking once scoring is closed (redacted for an
  excluded member, R-COM-IMPARTIAL).

Checked in the contract's order: 401 no token; 404 commission not visible, not a concept call's, or
concept not scored by it; 409 scoring not open; 403 not an active member or excluded from the concept;
409 stale If-Match; 400 malformed JSON, 422 wrong fields or a score out of range."""
from __future__ import annotations

from grants.api import auth
from grants.api.declare import IF_MATCH, api_route
from grants.api.collections import _expected_version, _json, _object
from grants.api.problems import ApiProblem, invalid
from grants.api.validation import raw_json, validate
from grants.commissions.api import COLLECTION, CardIn, card_json
from grants.core import canonical, db
from grants.core.permissions import PermissionDenied
from grants.workflows.errors import stale

from . import scoring
from .shortlist import shortlist_size
from .submissions import CONCEPTS


def _commission(cid):
    user = auth.require_user()
    c = _object(COLLECTION, cid, user)
    if not scoring.is_concept_call(c.contest):
        raise ApiProblem(404, "This commission's contest is not a concept call: its offers have score cards.")
    return user, c


def _concept(c, concept_id):
    concept = None
    if concept_id.isascii() and concept_id.isdigit() and len(concept_id) < 10:
        concept = scoring.board(db.session(), c).by_id.get(int(concept_id))
    if concept is None:
        raise ApiProblem(404, "No such concept scored by this commission.")
    return concept


CARD = {"type": "object", "properties": {
    "member_id": {"type": ["string", "null"]}, "concept_id": {"type": "string"}, "state": {"type": ["string", "null"]},
    "scores": {"type": "object"}, "justifications": {"type": "object"},
    "submitted_at": {"type": ["string", "null"]}, "version": {"type": ["integer", "null"]},
    "criteria": {"type": "array"}, "half_points": {"type": "boolean"}, "editable": {"type": "boolean"},
    "reason": {"type": ["string", "null"]}}}
CARDS = {"type": "object", "required": ["items", "total"], "properties": {
    "items": {"type": "array", "items": CARD}, "total": {"type": "integer"}}}
RANKING = {"type": "object", "required": ["items", "total"], "properties": {
    "items": {"type": "array", "items": {"type": "object"}}, "total": {"type": "integer"},
    "shortlist_size": {"type": ["integer", "null"]}, "threshold": {"type": ["string", "null"]}}}


@api_route("/commissions/<cid>/concept-cards", "GET", summary="Concept score cards the caller may see (concept calls)",
           who="staff of the contest's department (all once closed); a member (their own)", response=CARDS)
def list_concept_cards(cid):
    user, c = _commission(cid)
    items = [card_json(x, CONCEPTS) for x in scoring.visible_cards(db.session(), c, user)]
    return _json({"items": items, "total": len(items)}, 200, c)


def _own(user, c, concept):
    member = c.member_for(user)
    if member is None or not member.active or concept.id in scoring.hidden_concepts(db.session(), c, user):
        raise PermissionDenied()
    return member


@api_route("/commissions/<cid>/concept-cards/<concept_id>", "GET", summary="One's own card for a concept",
           who="the commission's members not excluded from the concept", response=CARD,
           errors={403: "Not a member, or excluded from this concept"})
def get_concept_card(cid, concept_id):
    user, c = _commission(cid)
    concept = _concept(c, concept_id)
    member = _own(user, c, concept)
    card = scoring.card_for(db.session(), member, concept)
    body = card_json(card, CONCEPTS, concept.id)
    body["criteria"] = c.contest.criteria or []
    body["half_points"] = bool(c.contest.half_points)
    reason = scoring.may_score(db.session(), c, member, concept)
    body["editable"] = reason is None and (card is None or card.state == "draft")
    body["reason"] = None if reason is None else str(reason)
    return _json(body, 200, card)


@api_route("/commissions/<cid>/concept-cards/<concept_id>", "PUT", summary="Fill in (and optionally submit) one's "
           "card for a concept", who="the commission's members not excluded from the concept", body=CardIn,
           response=CARD, headers=(IF_MATCH,),
           errors={403: "Not a member, or excluded", 409: "Scoring is not open, or stale If-Match",
                   422: "Invalid input, or a rule refuses"})
def put_concept_card(cid, concept_id):
    user, c = _commission(cid)
    concept = _concept(c, concept_id)
    if c.state != "scoring":  # the state answers before the role (409 before 403)
        raise ApiProblem(409, "Concept cards are filled in while scoring is open.", "/problems/not-editable")
    member = _own(user, c, concept)
    s = db.session()
    reason = scoring.may_score(s, c, member, concept)
    if reason is not None:
        raise PermissionDenied(reason)
    expected = _expected_version()
    existing = scoring.card_for(s, member, concept)
    if expected is not None and existing is not None and expected != existing.version:
        raise stale(existing.version)  # a new card has no version to match yet
    data = validate(CardIn, raw_json())
    try:
        card = scoring.save_card(s, user, c, concept, data.scores, data.justifications, data.submit, expected)
    except scoring.CardError as e:
        db.session.rollback()
        raise invalid(e.errors) from None
    db.session.commit()
    return _json(card_json(card, CONCEPTS), 200, card)


@api_route("/commissions/<cid>/concept-ranking", "GET", summary="The concepts' ranking and shortlist once scoring closes",
           who="staff of the contest's department and the commission's members", response=RANKING,
           errors={403: "Neither staff nor a member", 409: "Scoring is not closed yet"})
def get_concept_ranking(cid):
    user, c = _commission(cid)
    if c.state not in scoring.SCORES_OPEN:
        raise ApiProblem(409, "The ranking is available once scoring is closed.")
    if not scoring.is_staff(user, c) and c.member_for(user) is None:
        raise PermissionDenied()
    rows = scoring.ranking_rows(db.session(), c, user)
    items = [{**r, "concept_id": str(r["concept_id"])} for r in rows]
    return _json({"items": items, "total": len(items), "shortlist_size": shortlist_size(c.contest),
                  "threshold": canonical.jsonable(c.contest.pass_threshold)}, 200, c)
