"""/api/v1/commissions and its parts: members, declarations, score cards, ranking, allocation, protocol."""
from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants.api import auth
from grants.api.declare import IF_MATCH, api_route, query_param
from grants.api.collections import (Collection, _expected_version, _json, _object, _page_args, full, named, paged,
                                    path_id, register)
from grants.api.problems import ApiProblem, invalid
from grants.api.validation import Id, raw_json, validate
from grants.calltypes import get as get_call_type
from grants.contests.models import Contest
from grants.contests.operations import visible
from grants.core import canonical, db
from grants.core.numbers import Money
from grants.core.permissions import PermissionDenied
from grants.offers.models import Offer
from grants.commissions import operations as ops
from reviewers.declarations import declarations_of, organisations_to_declare
from reviewers.models import Commission, ScoreCard
from reviewers.scoring import Board, ranking
from reviewers.submissions import SubmissionKind

from .access import hidden_offers, is_staff, redact_ranking, visible_cards
from .submissions import OFFERS


def _s(v):
    return canonical.jsonable(v) if v is not None else None


def serialize(c: Commission, user) -> dict:
    return {"id": str(c.id), "state": c.state, "version": c.version, "contest_id": str(c.contest_id), "name": c.name,
            "without_ngo_reason": c.without_ngo_reason, "protocol_sha256": c.protocol_hash}


def serialize_full(c: Commission, user) -> dict:
    body = serialize(c, user)
    body["members"] = [{"id": str(m.id), "user_id": str(m.user_id), "name": m.user.display_name, "kind": m.kind,
                        "chair": m.is_chair, "voting": m.voting,
                        "nominating_organisation_id": str(m.nominating_organisation_id) if m.nominating_organisation_id else None,
                        "excluded_reason": m.excluded_reason} for m in c.members]
    return body


class CommissionItem(BaseModel):
    id: str
    state: str
    version: int
    contest_id: str
    name: str
    without_ngo_reason: str | None
    protocol_sha256: str | None


class CommissionCreate(BaseModel):
    model_config = {"extra": "forbid"}
    contest_id: Id
    name: str = Field(default="", max_length=255)


def _create(session, user, data: CommissionCreate):
    contest = named(session, Contest, visible, data.contest_id, "contest_id", user, "unknown contest", "unknown contest")
    return ops.create(session, user, contest, data.name)


COLLECTION = register(Collection(
    name="commissions", model=Commission, serialize=serialize, serialize_full=serialize_full, visible=ops.visible,
    item_schema=CommissionItem, create_schema=CommissionCreate, create=_create,
    summary="Commissions: composition (R-COM-NGO), declarations (R-COM-IMPARTIAL), scoring (R-SCORE), protocol (R-REVIEW)",
))


class CommissionMemberOut(BaseModel):
    id: str
    user_id: str
    name: str
    kind: str = Field(description="officer, ngo or expert")
    chair: bool
    voting: bool
    nominating_organisation_id: str | None
    excluded_reason: str | None


class CommissionTransition(BaseModel):
    name: str
    label: str
    allowed: bool
    reason: str | None
    rule: str | None
    automatic: bool


class CommissionOut(CommissionItem):
    members: list[CommissionMemberOut]
    transitions: list[CommissionTransition]


STAFF = "officers of the contest's department and administrators"
MEMBERS = "the commission's members"


def _commission(cid):
    user = auth.require_user()
    return user, _object(COLLECTION, cid, user)


def _done(user, c):
    db.session.commit()
    return _json(full(COLLECTION, c, user), 200, c)


class MemberIn(BaseModel):
    model_config = {"extra": "forbid"}
    user_id: Id
    kind: str = Field(max_length=10)
    nominating_organisation_id: Id | None = None
    is_chair: bool = False


def _int(v, field):
    try:
        return int(v)
    except (TypeError, ValueError):
        raise invalid([{"field": field, "message": "must be an id"}]) from None


@api_route("/commissions/<cid>/members", "POST", summary="Add a member to the commission (R-COM-NGO)", who=STAFF,
           body=MemberIn, response=CommissionOut, headers=(IF_MATCH,),
           body_example={"user_id": "12", "kind": "ngo", "nominating_organisation_id": "3", "is_chair": False},
           errors={403: "Not staff of the contest's department", 409: "Stale If-Match or not editable in this state",
                   422: "Invalid input, or a rule refuses (R-COM-NGO)"})
def add_member(cid):
    user, c = _commission(cid)
    if not is_staff(user, c):
        raise PermissionDenied()
    expected = _expected_version()
    data = validate(MemberIn, raw_json())
    ops.add_member(db.session(), user, c, user_id=_int(data.user_id, "user_id"), kind=data.kind,
                   nominating_organisation_id=_int(data.nominating_organisation_id, "nominating_organisation_id")
                   if data.nominating_organisation_id else None, is_chair=data.is_chair, expected_version=expected)
    return _done(user, c)


@api_route("/commissions/<cid>/members/<int(max=2147483647):mid>", "DELETE", summary="Remove a member from the commission", who=STAFF,
           response=CommissionOut, headers=(IF_MATCH,),
           errors={403: "Not staff of the contest's department", 409: "Stale If-Match or not editable in this state"})
def remove_member(cid, mid):
    user, c = _commission(cid)
    try:
        ops.remove_member(db.session(), user, c, mid, _expected_version())
    except ops.ReviewError as e:
        raise ApiProblem(404, e.errors[0]["message"]) from None
    return _done(user, c)


class DeclarationOut(BaseModel):
    member_id: str
    organisation_id: str
    conflict: bool
    grounds: list[str]
    note: str | None = None
    declared_at: str | None = None


class DeclarationsPage(BaseModel):
    items: list[DeclarationOut]
    total: int
    organisations: list[str] = Field(description="organisations the caller still has to declare about")


class CardOut(BaseModel):
    member_id: str
    offer_id: str
    state: str
    scores: dict
    justifications: dict
    submitted_at: str | None
    version: int


class CardsPage(BaseModel):
    items: list[CardOut]
    total: int


class RankItem(BaseModel):
    rank: int | None
    offer_id: str
    number: str | None
    passed: bool | None
    requested: str | None
    proposed: str | None
    score: str | None
    advisory: str | None


class RankingPage(BaseModel):
    items: list[RankItem]
    total: int


class AmountsOut(BaseModel):
    amounts: dict[str, str | None]


class ProtocolOut(BaseModel):
    protocol: dict
    sha256: str | None
    redacted: bool


class DeclarationIn(BaseModel):
    model_config = {"extra": "forbid"}
    organisation_id: Id
    conflict: bool
    grounds: list[str] = Field(default_factory=list, max_length=10)
    note: str = Field(default="", max_length=4000)


@api_route("/commissions/<cid>/declarations", "GET", summary="Impartiality declarations (R-COM-IMPARTIAL)",
           who=STAFF + " (all); a member (their own)", response=DeclarationsPage)
def list_declarations(cid):
    user, c = _commission(cid)
    member = c.member_for(user)
    rows = declarations_of(db.session(), c)
    if not is_staff(user, c):
        rows = [d for d in rows if member is not None and d.member_id == member.id]
    items = [{"member_id": str(d.member_id), "organisation_id": str(d.organisation_id), "conflict": d.conflict,
              "grounds": d.grounds, "note": d.note, "declared_at": _s(d.declared_at)} for d in rows]
    return _json({"items": items, "total": len(items),
                  "organisations": [str(o) for o in organisations_to_declare(db.session(), c)]}, 200, c)


@api_route("/commissions/<cid>/declarations", "POST", summary="Declare impartiality towards an organisation "
           "(R-COM-IMPARTIAL)", who=MEMBERS + " (for themselves)", body=DeclarationIn, response=DeclarationOut,
           status=201, errors={403: "Not a member of the commission", 422: "Invalid input, or a rule refuses"})
def declare(cid):
    user, c = _commission(cid)
    if c.member_for(user) is None:
        raise PermissionDenied()
    data = validate(DeclarationIn, raw_json())
    d = ops.declare(db.session(), user, c, _int(data.organisation_id, "organisation_id"), data.conflict,
                    data.grounds, data.note)
    db.session.commit()
    return _json({"member_id": str(d.member_id), "organisation_id": str(d.organisation_id), "conflict": d.conflict,
                  "grounds": d.grounds}, 201)


def card_json(card, kind: SubmissionKind = OFFERS, subject_id=None) -> dict:
    """A score card of any kind of submission as JSON; with no card (a member's card not yet
    saved), the empty one of submission `subject_id`."""
    if card is None:
        return {"member_id": None, kind.key: str(subject_id), "state": None, "scores": {}, "justifications": {},
                "submitted_at": None, "version": None}
    return {"member_id": str(card.member_id), kind.key: str(kind.card_subject(card)), "state": card.state,
            "scores": card.scores, "justifications": card.justifications, "submitted_at": _s(card.submitted_at),
            "version": card.version}


@api_route("/commissions/<cid>/score-cards", "GET", summary="Score cards the caller may see (R-SCORE)",
           who=STAFF + " (all, once scoring closes); a member (their own)", response=CardsPage)
def list_cards(cid):
    user, c = _commission(cid)
    items = [card_json(x) for x in visible_cards(db.session(), c, user)]
    return _json({"items": items, "total": len(items)}, 200, c)


class CardIn(BaseModel):
    """A score card's body, for every kind of submission."""
    model_config = {"extra": "forbid"}
    scores: dict[str, str] = Field(default_factory=dict, max_length=30)
    justifications: dict[str, str] = Field(default_factory=dict, max_length=30)
    submit: bool = False


@api_route("/commissions/<cid>/score-cards/<oid>", "PUT", summary="Fill in (and optionally submit) one's score "
           "card for an offer (R-SCORE)", who=MEMBERS + " who may score the offer (not excluded, voting)",
           body=CardIn, response=CardOut, headers=(IF_MATCH,),
           body_example={"scores": {"merit": "8"}, "justifications": {"merit": "Spójny plan."}, "submit": False},
           errors={403: "Not a member, or excluded from scoring this offer",
                   409: "Scoring is not open, or stale If-Match", 422: "Invalid input, or a rule refuses"})
def save_card(cid, oid):
    user, c = _commission(cid)
    offer = db.session.get(Offer, _int(oid, "offer_id")) if oid.isdigit() else None
    if offer is None or offer.contest_id != c.contest_id:
        raise ApiProblem(404, "No such offer in this commission's contest.")
    if c.state != "scoring":  # the state answers before the role (409 before 403)
        raise ApiProblem(409, "Score cards are filled in while scoring is open.", "/problems/not-editable")
    member = c.member_for(user)
    if member is None:
        raise PermissionDenied()
    reason = ops.may_score(db.session(), c, member, offer)
    if reason is not None:
        raise PermissionDenied(reason)
    data = validate(CardIn, raw_json())
    card = ops.save_card(db.session(), user, c, offer, data.scores, data.justifications, data.submit,
                         _expected_version())
    db.session.commit()
    return _json(card_json(card), 200)


@api_route("/commissions/<cid>/ranking", "GET", summary="The ranking once scoring is closed (R-RANKING)",
           who=STAFF + " and " + MEMBERS + " (an excluded member sees no scores of those offers)",
           response=RankingPage, errors={409: "Scoring is not closed yet"})
def get_ranking(cid):
    user, c = _commission(cid)
    if c.state not in ("closed", "approved"):
        raise ApiProblem(409, "The ranking is available once scoring is closed.")
    hidden = hidden_offers(db.session(), c, user)
    offers = {o.id: o for o in db.session.scalars(select(Offer).where(Offer.contest_id == c.contest_id))}
    items = []
    for r in ranking(db.session(), c):
        o = offers[r.offer_id]
        items.append({"rank": r.rank, "offer_id": str(r.offer_id), "number": o.number, "passed": r.passed,
                      "requested": _s(o.requested_grant), "proposed": _s(o.proposed_grant),
                      "score": str(r.score_display),
                      "advisory": None if r.advisory is None else str(r.advisory_display)})
    items = redact_ranking(items, hidden)  # R-COM-IMPARTIAL: an excluded member never sees these scores
    return _json({"items": items, "total": len(items)}, 200, c)


class AmountsIn(BaseModel):
    model_config = {"extra": "forbid"}
    # keys are offer ids (bounded integers), values money strings: both refused here with the field named
    amounts: dict[Id, Money] = Field(max_length=5000)


@api_route("/commissions/<cid>/allocation", "PATCH", summary="Set proposed amounts per offer (R-ALLOCATION)",
           who=STAFF, body=AmountsIn, response=AmountsOut, body_example={"amounts": {"41": "12000.00"}},
           errors={403: "Not staff of the contest's department", 422: "Invalid input, or a rule refuses"})
def set_allocation(cid):
    user, c = _commission(cid)
    if not is_staff(user, c):
        raise PermissionDenied()
    data = validate(AmountsIn, raw_json())
    amounts = {int(k): v for k, v in data.amounts.items()}
    merged = ops.set_amounts(db.session(), user, c, amounts)
    db.session.commit()
    return _json({"amounts": {str(k): _s(v) for k, v in merged.items()}}, 200, c)


@api_route("/commissions/<cid>/protocol", "GET", summary="The frozen protocol and its SHA-256 (R-REVIEW)",
           who=STAFF + " and " + MEMBERS + " (redacted for an excluded member)", response=ProtocolOut,
           errors={403: "Neither staff nor a member", 409: "The protocol is not approved yet"})
def protocol(cid):
    user, c = _commission(cid)
    if not is_staff(user, c) and c.member_for(user) is None:
        raise PermissionDenied()
    if c.protocol is None:
        raise ApiProblem(409, "The protocol is frozen when the chair approves it.")
    hidden = {str(o) for o in hidden_offers(db.session(), c, user)}
    doc = c.protocol
    if hidden:  # R-COM-IMPARTIAL: an excluded member never sees those offers' scores, not even here
        doc = {**doc, "cards": [x for x in doc["cards"] if str(x["offer_id"]) not in hidden],
               "ranking": redact_ranking(doc["ranking"], hidden)}
    doc, hidden_own = get_call_type(c.contest.call_type).redact_protocol(db.session(), c, user, doc)  # e.g. concepts
    hidden = hidden or hidden_own
    return _json({"protocol": doc, "sha256": c.protocol_hash, "redacted": bool(hidden)}, 200, c)


# ---- the offers a member scores, as the card page shows them (issue 15)

class ScoredOfferOrganisation(BaseModel):
    id: str
    name: str


class ScoredOffer(BaseModel):
    id: str
    number: str | None
    title: str
    organisation: ScoredOfferOrganisation
    requested_grant: str | None = Field(description="money string")
    total_cost: str | None = Field(description="money string")
    content: dict | None = Field(description="the offer as submitted (its latest revision), as the printable offer")
    revision: int | None = Field(description="the number of that revision")
    may_score: bool
    reason: str | None = Field(description="why the caller may not score it now, if not")
    card_state: str | None = Field(description="the caller's own card: draft, submitted or null")


class ScoredOffersPage(BaseModel):
    items: list[ScoredOffer]
    total: int = Field(description="how many, counted up to a cap (see total_exact)")
    total_exact: bool = Field(description="false when there are more than `total`")
    page: int
    per_page: int
    next: str | None = Field(description="the `after` of the next page (null on the last page)")


_ASK = object()  # `_scored_offer`'s card not given: asked for


def _scored_offer(s, c, member, offer, card=_ASK) -> dict:
    """One offer as the card page shows it; `card`: the member's card when the caller read it already."""
    rev = offer.revisions[-1] if offer.revisions else None
    reason = ops.may_score(s, c, member, offer) if member is not None else None
    if card is _ASK:
        card = ops.card_for(s, c, member, offer) if member is not None else None
    return {"id": str(offer.id), "number": offer.number, "title": offer.title,
            "organisation": {"id": str(offer.organisation_id), "name": offer.organisation.name},
            "requested_grant": _s(offer.requested_grant), "total_cost": _s(offer.total_cost),
            "content": rev.content["content"] if rev else offer.content, "revision": rev.number if rev else None,
            "may_score": member is not None and reason is None, "reason": None if reason is None else str(reason),
            "card_state": card.state if card is not None else None}


def _readable_offers(user, c):
    """The query of the commission's offers the caller may read: staff who do not sit on it all of
    them; an active member (staff or not) those not hidden from them (R-COM-IMPARTIAL: nothing of an
    offer they are excluded from). A query, not the rows: a list reads one page of it (issue 20)."""
    s = db.session()
    q = Board.of(s, c).scored().query()
    member = c.member_for(user)
    if member is None and is_staff(user, c):
        return q
    if member is None or not member.active:
        raise PermissionDenied()
    hidden = hidden_offers(s, c, user)
    return q.where(Offer.id.not_in(sorted(hidden))) if hidden else q


@api_route("/commissions/<cid>/offers", "GET", summary="The offers the commission scores, as the card page shows them",
           who=MEMBERS + " (active; never an offer they are excluded from, R-COM-IMPARTIAL) and " + STAFF,
           query=(query_param("page", "Page number", {"type": "integer", "minimum": 1, "maximum": 100000}),
                  query_param("per_page", "Items per page", {"type": "integer", "minimum": 1, "maximum": 500}),
                  query_param("after", "the `next` of the previous page: the page after it, by key")),
           response=ScoredOffersPage, errors={403: "Neither staff nor an active member"})
def commission_offers(cid):
    user, c = _commission(cid)
    q = _readable_offers(user, c)
    page, per_page = _page_args()
    # a page's revisions and the member's cards in one query each, not one per offer
    rows, paging = paged(q.options(selectinload(Offer.revisions)), (Offer.id,), page, per_page)
    member = c.member_for(user)
    cards = {x.offer_id: x for x in db.session.scalars(select(ScoreCard).where(
        ScoreCard.member_id == member.id, ScoreCard.offer_id.in_([o.id for o in rows])))} if member and rows else {}
    items = [_scored_offer(db.session(), c, member, o, cards.get(o.id)) for o in rows]
    return _json({"items": items, **paging}, 200, c)


@api_route("/commissions/<cid>/offers/<oid>", "GET", summary="One offer the commission scores (the card page's fields "
           "and the printable offer's content)", response=ScoredOffer,
           who=MEMBERS + " (active; never an offer they are excluded from, R-COM-IMPARTIAL) and " + STAFF,
           errors={403: "Neither staff nor an active member", 404: "Not an offer of this commission, or one the "
                   "caller is excluded from"})
def commission_offer(cid, oid):
    user, c = _commission(cid)
    detail = "No such offer among those you may read in this commission."
    offer = db.session.scalar(_readable_offers(user, c).where(Offer.id == path_id(oid, detail)))
    if offer is None:
        raise ApiProblem(404, detail)
    return _json(_scored_offer(db.session(), c, c.member_for(user), offer), 200)
