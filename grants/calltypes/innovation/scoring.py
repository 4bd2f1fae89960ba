"""Concept cards: the commission of a concept call scores concepts on the pilot criteria (R-SCORE).

The rules, the board, the ranking, the card page and its template are the offers' (the scored
submissions' core: reviewers.submissions, reviewers.scoring, grants.commissions.operations,
grants.commissions.access and views), over the concept kind (submissions.CONCEPTS). What is the
concept call's own is here: which organisations take part, its part of the protocol and the
shortlist size beside its ranking."""
from __future__ import annotations

from sqlalchemy import select

from grants.calltypes import get as get_call_type
from grants.commissions import access
from grants.commissions import operations as rops
from grants.commissions.protocol import scored_part
from reviewers.scoring import Board

from .models import Concept
from .shortlist import shortlist_size
from .submissions import CONCEPTS

SCORES_OPEN = access.SCORES_OPEN
CardError = rops.ReviewError
is_staff = access.is_staff


def participating_organisations(session, contest_id: int) -> set[int]:
    """Organisations that submitted a concept in the call (withdrawn ones included, as for offers:
    they took part). Partners of a concept are named, not registered: only the lead is here."""
    return set(session.scalars(select(Concept.organisation_id).where(Concept.contest_id == contest_id,
                                                                    Concept.state != "draft")))


def is_concept_call(contest) -> bool:
    return contest is not None and not get_call_type(contest.call_type).takes_offers


def board(session, commission, *, fresh: bool = False):
    """The commission's concepts on its board (reviewers.scoring.Scored); `fresh` reads again from
    the database (the decision reads under the contest's lock)."""
    b = Board(session, commission, fresh=True) if fresh else Board.of(session, commission)
    return b.scored(CONCEPTS)


def concepts_to_score(session, commission) -> list[Concept]:
    return list(board(session, commission).submissions)


def missing_cards(session, commission) -> list[tuple[int, int]]:
    return list(board(session, commission).missing_cards)


def ranking(session, commission):
    return list(board(session, commission).ranking)


def card_for(session, member, concept):
    return board(session, member.commission).card_of(member, concept) if member is not None else None


def may_score(session, commission, member, concept):
    """None when the member may open this concept's card; otherwise the reason."""
    return rops.may_score(session, commission, member, concept)


def save_card(session, actor, commission, concept, scores: dict, justifications: dict, submit: bool = False,
              expected_version: int | None = None):
    """A member's own card for one concept: saved as a draft, or submitted (then final)."""
    return rops.save_card(session, actor, commission, concept, scores, justifications, submit, expected_version)


def hidden_concepts(session, commission, user) -> set[int]:
    """Concepts whose scores this caller, as a member, must never see (R-COM-IMPARTIAL)."""
    return access.hidden(session, commission, user, CONCEPTS)


def visible_cards(session, commission, user) -> list:
    return access.visible_cards(session, commission, user, CONCEPTS)


def ranking_rows(session, commission, user) -> list[dict]:
    return access.ranking_rows(session, commission, user, CONCEPTS)


def protocol_part(session, commission) -> dict:
    """What the protocol adds for a concept call (R-REVIEW): exclusions, cards and the ranking."""
    return {"concepts": {**scored_part(board(session, commission), lambda c, r: {"title": c.title, "voters": r.voters}),
                         "shortlist_size": shortlist_size(commission.contest)}}


def redact_protocol_part(doc: dict, hidden: set[int], closed: bool, own_member_id: int | None) -> dict:
    """The protocol's concept part as a caller may read it (see `visible_cards`, `ranking_rows`)."""
    part = dict((doc or {}).get("concepts") or {})
    if not part:
        return doc
    return {**doc, "concepts": access.redact_protocol(part, hidden, closed, own_member_id, key="concept_id")}
