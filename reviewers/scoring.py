"""Score cards (R-SCORE): which cards are required, and the ranking from submitted cards.

A page or an operation asks many questions of one commission (who is excluded from what, may
this member open that card, which cards are missing, the ranking); a `Board` loads what they
need once (offers with their organisations and partners, the organisations to declare towards,
the declarations, the cards) and answers them all from memory, so the number of queries does not
grow with offers or members.

`Board.of(session, commission)` keeps one board per session and commission until the session
writes anything (a flush, a DML statement) or its transaction ends, so the functions below, the
workflow's guards and the pages that call them share it within a request; a session with pending
changes gets a fresh board (its queries autoflush, as a direct query would). Code that must read
under a lock what others may just have committed (`reviewers.operations.set_amounts`) builds its
own `Board(session, commission, fresh=True)`."""
from __future__ import annotations

from decimal import Decimal
from functools import cached_property

from sqlalchemy import event, select
from sqlalchemy.orm import Session, joinedload, selectinload

from .declarations import excluded_from, load_declarations, load_organisations, missing_from
from .models import ScoreCard
from .ranking import Card, OfferIn, Ranked, rank

SCORED_STATES = ("eligible", "selected", "not_selected", "update_required", "ready_for_agreement", "declined")


_CACHE = "reviewers.boards"


def _offers_query(commission):
    from grants.offers.models import Offer
    return (select(Offer).where(Offer.contest_id == commission.contest_id, Offer.state.in_(SCORED_STATES))
            .options(joinedload(Offer.organisation), selectinload(Offer.partners)).order_by(Offer.id))


def _forget(session, *_args) -> None:
    session.info.pop(_CACHE, None)


@event.listens_for(Session, "after_flush")
def _after_flush(session, _flush_context):
    _forget(session)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session, _transaction):
    _forget(session)


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state):
    if not state.is_select:
        _forget(state.session)


class Board:
    """One commission's scoring data, each part loaded at most once (see the module docstring).
    Holds live ORM objects: build a new board after changing declarations or cards."""

    def __init__(self, session, commission, *, fresh: bool = False):
        self.session, self.commission, self.fresh = session, commission, fresh

    @classmethod
    def of(cls, session, commission) -> "Board":
        """The session's board for this commission (see the module docstring)."""
        if session.new or session.dirty or session.deleted:
            return cls(session, commission)
        boards = session.info.setdefault(_CACHE, {})
        board = boards.get(commission.id)
        if board is None or board.commission is not commission:
            board = boards[commission.id] = cls(session, commission)
        return board

    @cached_property
    def offers(self) -> list:
        """The offers the commission scores, by id, with organisation and partners loaded."""
        q = _offers_query(self.commission)
        if self.fresh:
            q = q.execution_options(populate_existing=True)
        return list(self.session.scalars(q).unique())

    @cached_property
    def offers_by_id(self) -> dict:
        return {o.id: o for o in self.offers}

    @cached_property
    def organisations(self) -> list[int]:
        """Organisations every active member declares towards (R-COM-IMPARTIAL)."""
        return load_organisations(self.session, self.commission)

    @cached_property
    def declarations(self) -> list:
        return load_declarations(self.session, self.commission)

    def declared_by(self, member) -> dict:
        """organisation id -> the member's declaration."""
        return self._by_member.get(member.id, {}) if member is not None else {}

    @cached_property
    def _by_member(self) -> dict[int, dict]:
        out: dict[int, dict] = {}
        for d in self.declarations:
            out.setdefault(d.member_id, {})[d.organisation_id] = d
        return out

    @cached_property
    def missing_declarations(self) -> list[tuple[int, int]]:
        return missing_from(self.commission, self.organisations, self.declarations)

    @cached_property
    def conflicts(self) -> set[tuple[int, int]]:
        """(member id, organisation id) with a declared conflict: from the declarations when they
        are loaded, else only the conflicting pairs are read (a few rows, not members x organisations)."""
        if "declarations" in self.__dict__:
            return {(d.member_id, d.organisation_id) for d in self.declarations if d.conflict}
        from .models import CommissionMember, Declaration
        return set(self.session.execute(
            select(Declaration.member_id, Declaration.organisation_id)
            .join(CommissionMember, CommissionMember.id == Declaration.member_id)
            .where(CommissionMember.commission_id == self.commission.id, Declaration.conflict.is_(True))).all())

    @cached_property
    def excluded(self) -> set[tuple[int, int]]:
        """(member id, offer id) pairs a declared conflict excludes."""
        return excluded_from(self.commission.members, self.offers, self.conflicts)

    def excluded_offers(self, member) -> set[int]:
        if member is None:
            return set()
        return {oid for mid, oid in self.excluded if mid == member.id}

    @cached_property
    def cards(self) -> list[ScoreCard]:
        q = select(ScoreCard).where(ScoreCard.commission_id == self.commission.id).order_by(
            ScoreCard.offer_id, ScoreCard.member_id)
        if self.fresh:
            q = q.execution_options(populate_existing=True)
        return list(self.session.scalars(q))

    @cached_property
    def missing_cards(self) -> list[tuple[int, int]]:
        """(member id, offer id) for every voting member and offer they are not excluded from,
        without a submitted card."""
        excluded = self.excluded
        submitted = {(c.member_id, c.offer_id) for c in self.cards if c.state == "submitted"}
        return [(m.id, o.id) for m in self.commission.members if m.voting for o in self.offers
                if (m.id, o.id) not in excluded and (m.id, o.id) not in submitted]

    @cached_property
    def ranking(self) -> list[Ranked]:
        """R-SCORE over submitted cards; excluded members' cards never count."""
        c = self.commission
        if "cards" in self.__dict__ or self.fresh:
            rows = [(x.member_id, x.offer_id, x.scores) for x in self.cards if x.state == "submitted"]
        else:  # the ranking alone needs no card objects: three columns of the submitted ones
            rows = self.session.execute(select(ScoreCard.member_id, ScoreCard.offer_id, ScoreCard.scores).where(
                ScoreCard.commission_id == c.id, ScoreCard.state == "submitted")).all()
        cards = [Card(mid, oid, {k: Decimal(v) for k, v in (scores or {}).items()}) for mid, oid, scores in rows]
        voting = {m.id for m in c.members if m.voting}
        return rank([OfferIn(o.id, o.submitted_at) for o in self.offers], criteria_codes(c.contest), cards,
                    voting, self.excluded, c.contest.pass_threshold)


def offers_to_score(session, commission):
    return list(Board.of(session, commission).offers)


def cards_of(session, commission) -> list[ScoreCard]:
    return list(Board.of(session, commission).cards)


def missing_cards(session, commission) -> list[tuple[int, int]]:
    """(member id, offer id) for every voting member and offer they are not excluded from, without a submitted card.
    In a call that takes no offers (a concept call): (member id, concept id) of its concept cards."""
    board = Board.of(session, commission)
    if not board.offers:  # no offers: perhaps a call that takes none (asked only then: no query more otherwise)
        from grants.calltypes import get
        ct = get(commission.contest.call_type)
        if not ct.takes_offers:
            return ct.missing_cards(session, commission)
    return list(board.missing_cards)


def criteria_codes(contest) -> list[str]:
    return [c["code"] for c in contest.criteria or []]


def ranking(session, commission) -> list[Ranked]:
    """R-SCORE over submitted cards; excluded members' cards never count."""
    return list(Board.of(session, commission).ranking)
