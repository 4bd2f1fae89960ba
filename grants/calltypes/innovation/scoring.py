"""Concept cards: the commission of a concept call scores concepts on the pilot criteria (R-SCORE).

The rules are the offers' (reviewers.operations / reviewers.scoring / grants.commissions.access):
- every active voting member (city, NGO) scores every concept; experts may score, advisory only
  (R-COM-EXPERT); a member excluded from the commission or who declined scores nothing;
- before scoring each active member declares towards every organisation that submitted a concept;
  a declared conflict towards a concept's organisation excludes the member from that concept: they
  cannot open its card, their card (there is none) never counts and they never see its scores
  (R-COM-IMPARTIAL);
- a card holds a score within the criterion's maximum and a justification per criterion; a draft may
  be incomplete, a submitted card is complete and final;
- scoring is blind until it closes: a member sees only their own cards, officers none.

A `ConceptBoard` loads what a page or an operation needs once (the concepts with their
organisations, the cards; the declarations come from the commission's reviewers.scoring.Board), so
the number of queries does not grow with concepts or members."""
from __future__ import annotations

from decimal import Decimal
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from grants.core import audit, clock
from grants.core.i18n import _
from grants.core.permissions import PermissionDenied
from grants.workflows.errors import NotEditable, stale
from reviewers.ranking import Card, OfferIn, Ranked, rank
from reviewers.scoring import Board, criteria_codes

from .models import Concept, ConceptCard

# concepts the commission scores (and, after the decision, the ones it scored)
SCORED_STATES = ("submitted", "shortlisted", "not_shortlisted")
SCORES_OPEN = ("closed", "approved")


def participating_organisations(session, contest_id: int) -> set[int]:
    """Organisations that submitted a concept in the call (withdrawn ones included, as for offers:
    they took part). Partners of a concept are named, not registered: only the lead is here."""
    return set(session.scalars(select(Concept.organisation_id).where(Concept.contest_id == contest_id,
                                                                    Concept.state != "draft")))


def is_concept_call(contest) -> bool:
    from grants.calltypes import get
    return contest is not None and not get(contest.call_type).takes_offers


class ConceptBoard:
    """One concept call commission's scoring data, each part loaded at most once."""

    def __init__(self, session, commission, board: Board, *, fresh: bool = False):
        self.session, self.commission, self.board, self.fresh = session, commission, board, fresh

    @classmethod
    def of(cls, session, commission) -> "ConceptBoard":
        """Rides on the session's reviewers Board, so it is forgotten when that one is (a flush,
        the end of the transaction)."""
        rb = Board.of(session, commission)
        cb = rb.__dict__.get("_concept_board")
        if cb is None:
            cb = rb.__dict__["_concept_board"] = cls(session, commission, rb)
        return cb

    @classmethod
    def fresh_for(cls, session, commission) -> "ConceptBoard":
        """Read again from the database (the decision reads under the contest's lock)."""
        return cls(session, commission, Board(session, commission, fresh=True), fresh=True)

    @cached_property
    def concepts(self) -> list[Concept]:
        q = (select(Concept).where(Concept.contest_id == self.commission.contest_id,
                                   Concept.state.in_(SCORED_STATES))
             .options(joinedload(Concept.organisation)).order_by(Concept.id))
        if self.fresh:
            q = q.execution_options(populate_existing=True)
        return list(self.session.scalars(q).unique())

    @cached_property
    def concepts_by_id(self) -> dict[int, Concept]:
        return {c.id: c for c in self.concepts}

    @cached_property
    def excluded(self) -> set[tuple[int, int]]:
        """(member id, concept id): a declared conflict towards the concept's organisation."""
        from reviewers.declarations import excluded_from
        return excluded_from(self.commission.members, self.concepts, self.board.conflicts)

    def excluded_concepts(self, member) -> set[int]:
        if member is None:
            return set()
        return {cid for mid, cid in self.excluded if mid == member.id}

    @cached_property
    def cards(self) -> list[ConceptCard]:
        q = select(ConceptCard).where(ConceptCard.commission_id == self.commission.id).order_by(
            ConceptCard.concept_id, ConceptCard.member_id)
        if self.fresh:
            q = q.execution_options(populate_existing=True)
        return list(self.session.scalars(q))

    @cached_property
    def missing_cards(self) -> list[tuple[int, int]]:
        """(member id, concept id) for every voting member and concept they are not excluded from,
        without a submitted card."""
        submitted = {(c.member_id, c.concept_id) for c in self.cards if c.state == "submitted"}
        return [(m.id, c.id) for m in self.commission.members if m.voting for c in self.concepts
                if (m.id, c.id) not in self.excluded and (m.id, c.id) not in submitted]

    @cached_property
    def ranking(self) -> list[Ranked]:
        """reviewers.ranking over the submitted cards; `offer_id` of each row is the concept's id."""
        c = self.commission
        cards = [Card(x.member_id, x.concept_id, {k: Decimal(v) for k, v in (x.scores or {}).items()})
                 for x in self.cards if x.state == "submitted" and x.concept_id in self.concepts_by_id]
        voting = {m.id for m in c.members if m.voting}
        return rank([OfferIn(x.id, x.submitted_at or x.created_at) for x in self.concepts], criteria_codes(c.contest),
                    cards, voting, self.excluded, c.contest.pass_threshold)


# -- questions a page, the workflow or the API asks ----------------------------------------------

def concepts_to_score(session, commission) -> list[Concept]:
    return list(ConceptBoard.of(session, commission).concepts)


def missing_cards(session, commission) -> list[tuple[int, int]]:
    return list(ConceptBoard.of(session, commission).missing_cards)


def ranking(session, commission) -> list[Ranked]:
    return list(ConceptBoard.of(session, commission).ranking)


def card_for(session, member, concept) -> ConceptCard | None:
    if member is None:
        return None
    return session.scalar(select(ConceptCard).where(ConceptCard.member_id == member.id,
                                                    ConceptCard.concept_id == concept.id))


def may_score(session, commission, member, concept):
    """None when the member may open this concept's card; otherwise the reason."""
    if member is None or not member.active:
        return _("Nie jesteś aktywnym członkiem tej komisji.")
    if commission.state != "scoring":
        return _("Ocena nie trwa.")
    cb = ConceptBoard.of(session, commission)
    mine = cb.board.declared_by(member)
    if any(o not in mine for o in cb.board.organisations):
        return _("Najpierw złóż oświadczenia o bezstronności wobec wszystkich organizacji (R-COM-IMPARTIAL).")
    if concept.organisation_id in mine and mine[concept.organisation_id].conflict:
        return _("Jesteś wyłączony z oceny tej koncepcji (R-COM-IMPARTIAL).")
    if concept.contest_id != commission.contest_id or concept.id not in cb.concepts_by_id:
        return _("Ta koncepcja nie podlega ocenie komisji.")
    return None


def is_staff(user, commission) -> bool:
    from grants.core.permissions import ADMIN, OFFICER, has_role
    from grants.workflows.commission import officer_of_contest
    return has_role(user, OFFICER, ADMIN) and officer_of_contest(commission, user)


def hidden_concepts(session, commission, user) -> set[int]:
    """Concepts whose scores this caller, as a member, must never see (R-COM-IMPARTIAL)."""
    member = commission.member_for(user)
    if member is None:
        return set()
    cb = ConceptBoard.of(session, commission)
    if not member.active:
        return set(cb.concepts_by_id)
    return cb.excluded_concepts(member)


def visible_cards(session, commission, user) -> list[ConceptCard]:
    """Blind while scoring: a member sees their own cards, officers none; once closed, officers all
    and members all but those of the concepts they are excluded from."""
    member = commission.member_for(user)
    staff = is_staff(user, commission)
    if member is None and not staff:
        return []
    cards = ConceptBoard.of(session, commission).cards
    closed = commission.state in SCORES_OPEN
    if member is None:
        return list(cards) if closed else []
    if not closed:
        return [c for c in cards if c.member_id == member.id]
    hidden = hidden_concepts(session, commission, user)
    return [c for c in cards if c.concept_id not in hidden]


def ranking_rows(session, commission, user) -> list[dict]:
    """The ranking as this caller may read it (empty until scoring closes). An excluded member
    sees the hidden concepts at the end without score, pass mark or rank, and no rank at all (a gap
    or a position would give the hidden score away), as for offers."""
    if commission.state not in SCORES_OPEN:
        return []
    cb = ConceptBoard.of(session, commission)
    rows = []
    for r in cb.ranking:
        c = cb.concepts_by_id[r.offer_id]
        rows.append({"rank": r.rank, "concept_id": c.id, "number": c.number, "title": c.title,
                     "organisation": c.organisation.name if c.organisation else "", "state": c.state,
                     "score": str(r.score_display), "passed": r.passed, "voters": r.voters,
                     "advisory": None if r.advisory is None else str(r.advisory_display)})
    hidden = hidden_concepts(session, commission, user)
    if not hidden:
        return rows
    shown = [{**r, "rank": None} for r in rows if r["concept_id"] not in hidden]
    blank = [{**r, "rank": None, "score": None, "passed": None, "advisory": None, "voters": None}
             for r in rows if r["concept_id"] in hidden]
    return shown + blank


def protocol_part(session, commission) -> dict:
    """What the protocol adds for a concept call (R-REVIEW): exclusions, cards and the ranking."""
    cb = ConceptBoard.of(session, commission)
    return {"concepts": {
        "exclusions": sorted([list(p) for p in cb.excluded]),
        "cards": [{"member_id": c.member_id, "concept_id": c.concept_id, "state": c.state, "scores": c.scores,
                   "justifications": c.justifications, "submitted_at": c.submitted_at} for c in cb.cards],
        "ranking": [{"rank": r.rank, "concept_id": r.offer_id, "number": cb.concepts_by_id[r.offer_id].number,
                     "title": cb.concepts_by_id[r.offer_id].title,
                     "organisation": cb.concepts_by_id[r.offer_id].organisation.name,
                     "score": str(r.score_display), "score_exact": f"{r.score.numerator}/{r.score.denominator}",
                     "passed": r.passed, "voters": r.voters,
                     "advisory": None if r.advisory is None else f"{r.advisory.numerator}/{r.advisory.denominator}"}
                    for r in cb.ranking],
        "shortlist_size": _shortlist_size(commission.contest),
    }}


def _shortlist_size(contest) -> int:
    from .shortlist import shortlist_size
    return shortlist_size(contest)


def redact_protocol_part(doc: dict, hidden: set[int], closed: bool, own_member_id: int | None) -> dict:
    """The protocol's concept part as a caller may read it (see `visible_cards`, `ranking_rows`)."""
    part = dict((doc or {}).get("concepts") or {})
    if not part:
        return doc
    if not closed:
        part["cards"] = [x for x in part.get("cards", []) if own_member_id is not None and x["member_id"] == own_member_id]
        part["ranking"] = []
    if hidden:
        part["cards"] = [x for x in part.get("cards", []) if x["concept_id"] not in hidden]
        rows = part.get("ranking", [])
        part["ranking"] = ([{**r, "rank": None} for r in rows if r["concept_id"] not in hidden]
                           + [{**r, "rank": None, "score": None, "score_exact": None, "advisory": None,
                               "passed": None, "voters": None} for r in rows if r["concept_id"] in hidden])
    return {**doc, "concepts": part}


# -- the only place that changes concept cards ------------------------------------------------------

class CardError(ValueError):
    def __init__(self, errors: list[dict]):
        self.errors = errors
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))


def check_card(commission, scores: dict, justifications: dict, submit: bool) -> tuple[dict, dict]:
    """The offers' card checks (reviewers.operations.save_card) on the contest's criteria: a score
    within 0..max (whole or half points as the contest says), a justification per criterion when
    submitting, no unknown criterion. Returns the clean scores and justifications or raises CardError."""
    from reviewers.operations import check_scores
    clean_scores, clean_just, errors = check_scores(commission.contest, scores, justifications, submit)
    if errors:
        raise CardError(errors)
    return clean_scores, clean_just


def save_card(session, actor, commission, concept, scores: dict, justifications: dict, submit: bool = False,
              expected_version: int | None = None) -> ConceptCard:
    """A member's own card for one concept: saved as a draft, or submitted (then final)."""
    from reviewers.models import Commission
    member = commission.member_for(actor)
    reason = may_score(session, commission, member, concept)
    if reason is not None:
        raise PermissionDenied(reason)
    card = card_for(session, member, concept)
    if card is not None and card.state == "submitted":
        raise NotEditable(_("Karta oceny została już złożona."))
    if card is not None and expected_version is not None and expected_version != card.version:
        raise stale(card.version)
    clean_scores, clean_just = check_card(commission, scores, justifications, submit)
    audit.lock_object(session, Commission, commission.id)  # one card per member and concept, even when racing
    if card is None:
        card = card_for(session, member, concept)
        if card is not None and card.state == "submitted":
            raise NotEditable(_("Karta oceny została już złożona."))
    if card is None:
        card = ConceptCard(commission_id=commission.id, member_id=member.id, concept_id=concept.id, state="draft",
                           scores={}, justifications={})
        session.add(card)
    card.scores = clean_scores
    card.justifications = clean_just
    if submit:
        card.state = "submitted"
        card.submitted_at = clock.now()
    session.flush()
    audit.record(session, "concept_card", card.id, "submit" if submit else "save", actor,
                 changes={"concept_id": concept.id, "member_id": member.id, "scores": clean_scores, "state": card.state})
    return card
