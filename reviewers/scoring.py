"""Score cards (R-SCORE): which cards are required, and the ranking from submitted cards, for any
kind of submission (reviewers.submissions: offers, concepts, ...).

A page or an operation asks many questions of one commission (who is excluded from what, may
this member open that card, which cards are missing, the ranking); a `Board` loads what they
need once (the organisations to declare towards, the declarations; per kind of submission, through
`board.scored(kind)`, the submissions with their organisations and partners, and the cards) and
answers them all from memory, so the number of queries does not grow with submissions or members.

`Board.of(session, commission)` keeps one board per session and commission until the session
writes anything (a flush, a DML statement) or its transaction ends, so the functions below, the
workflow's guards and the pages that call them share it within a request; a session with pending
changes gets a fresh board (its queries autoflush, as a direct query would). Code that must read
under a lock what others may just have committed (`grants.commissions.operations.set_amounts`) builds its
own `Board(session, commission, fresh=True)`."""
from __future__ import annotations

from decimal import Decimal
from functools import cached_property, lru_cache

from sqlalchemy import Numeric, cast, event, false, func, select, tuple_
from sqlalchemy.orm import Session

from . import submissions
from .impartiality import excluded_from, load_declarations, load_organisations, missing_from
from .models import CommissionMember, Declaration
from .ranking import Card, OfferIn, Ranked, rank, rank_sums
from .submissions import Fact, SubmissionKind

_CACHE = "reviewers.boards"

# Scores take a few distinct values (half points up to a criterion's maximum): a large commission's
# hundreds of thousands of scores share them, so each spelling becomes a Decimal once (immutable)
_decimal = lru_cache(maxsize=4096, typed=True)(Decimal)


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

    def scored(self, kind: SubmissionKind | None = None) -> "Scored":
        """This commission's submissions of one kind (offers when none is named), loaded once."""
        kind = kind or submissions.get("offer")
        per_kind = self.__dict__.setdefault("_scored", {})
        if kind.name not in per_kind:
            per_kind[kind.name] = Scored(self, kind)
        return per_kind[kind.name]

    @property
    def offers(self) -> list:
        """The offers the commission scores, by id, with organisation and partners loaded."""
        return self.scored().submissions

    @property
    def offers_by_id(self) -> dict:
        return self.scored().by_id

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
        return set(self.session.execute(
            select(Declaration.member_id, Declaration.organisation_id)
            .join(CommissionMember, CommissionMember.id == Declaration.member_id)
            .where(CommissionMember.commission_id == self.commission.id, Declaration.conflict.is_(True))).all())

    @property
    def excluded(self) -> set[tuple[int, int]]:
        """(member id, offer id) pairs a declared conflict excludes."""
        return self.scored().excluded

    def excluded_offers(self, member) -> set[int]:
        return self.scored().excluded_for(member)

    @property
    def cards(self) -> list:
        return self.scored().cards

    @property
    def missing_cards(self) -> list[tuple[int, int]]:
        return self.scored().missing_cards

    @property
    def ranking(self) -> list[Ranked]:
        return self.scored().ranking


class Scored:
    """One kind of submission on a commission's board: the submissions, their cards, who is
    excluded from which, the missing cards and the ranking (R-SCORE), each loaded at most once.
    `Ranked.offer_id` and the pairs' second member are the submission's id, whatever its kind."""

    def __init__(self, board: Board, kind: SubmissionKind):
        self.board, self.kind = board, kind
        self.session, self.commission, self.fresh = board.session, board.commission, board.fresh

    def _q(self, q):
        return q.execution_options(populate_existing=True) if self.fresh else q

    def query(self, *options):
        """The submissions the commission scores, unordered, with `options` loaded (default: what the
        pages read): a page lists them by id, one page at a time (issue 20), without loading them all."""
        m = self.kind.model
        return (select(m).where(m.contest_id == self.commission.contest_id, m.state.in_(self.kind.scored_states))
                .options(*(options or self.kind.options())))

    @cached_property
    def submissions(self) -> list:
        """The submissions the commission scores, by id, with what the pages read loaded."""
        return list(self.session.scalars(self._q(self.query().order_by(self.kind.model.id))).unique())

    @cached_property
    def facts_by_id(self) -> dict[int, Fact]:
        """The facts of the submissions the commission scores, by id (no objects loaded)."""
        return {f.id: f for f in self.facts}

    @cached_property
    def by_id(self) -> dict:
        return {x.id: x for x in self.submissions}

    @cached_property
    def facts(self) -> list[Fact]:
        """Id, lead, partners, received instant and requested amount of every submission, by id: from
        the loaded submissions when they are, else as plain rows (the ranking of a large commission
        needs no submission objects: loading them would be most of its time)."""
        kind = self.kind
        if "submissions" in self.__dict__ or self.fresh or kind.facts_query is None:
            return [Fact(x.id, x.organisation_id, tuple(x.partner_ids), kind.received_at(x),
                         getattr(x, "requested_grant", None)) for x in self.submissions]
        contest_id, states = self.commission.contest_id, kind.scored_states
        partners: dict[int, list[int]] = {}
        if kind.partners_query is not None:
            for sid, org in self.session.execute(kind.partners_query(contest_id, states)):
                partners.setdefault(sid, []).append(org)
        return [Fact(sid, org, tuple(partners.get(sid, ())), received, requested)
                for sid, org, received, requested in self.session.execute(kind.facts_query(contest_id, states))]

    @cached_property
    def requested(self) -> dict[int, Decimal]:
        """Submission id -> the amount it asks for (none asked: 0)."""
        return {f.id: f.requested or Decimal(0) for f in self.facts}

    @cached_property
    def excluded(self) -> set[tuple[int, int]]:
        """(member id, submission id): a conflict with its lead or a partner (R-COM-IMPARTIAL)."""
        return excluded_from(self.commission.members, self.facts, self.board.conflicts)

    def excluded_for(self, member) -> set[int]:
        if member is None:
            return set()
        return {sid for mid, sid in self.excluded if mid == member.id}

    def hidden_for(self, member) -> set[int]:
        """Submissions whose scores this member must never see: the excluded ones, or every one
        for a member excluded from the commission or who declined (R-COM-IMPARTIAL)."""
        if member is None:
            return set()
        if not member.active:
            return set(self.by_id)
        return self.excluded_for(member)

    @cached_property
    def cards(self) -> list:
        card = self.kind.card_model
        q = select(card).where(card.commission_id == self.commission.id).order_by(
            self.kind.subject_column(), card.member_id)
        return list(self.session.scalars(self._q(q)))

    def card_of(self, member, submission):
        """The member's card for this submission, if any (one query: cards change between requests)."""
        if member is None:
            return None
        card = self.kind.card_model
        return self.session.scalar(select(card).where(card.member_id == member.id,
                                                      self.kind.subject_column() == submission.id))

    @cached_property
    def missing_cards(self) -> list[tuple[int, int]]:
        """(member id, submission id) for every voting member and submission they are not excluded
        from, without a submitted card."""
        excluded = self.excluded
        submitted = {(c.member_id, self.kind.card_subject(c)) for c in self.cards if c.state == "submitted"}
        return [(m.id, f.id) for m in self.commission.members if m.voting for f in self.facts
                if (m.id, f.id) not in excluded and (m.id, f.id) not in submitted]

    @cached_property
    def ranking(self) -> list[Ranked]:
        """R-SCORE over submitted cards; excluded members' cards never count."""
        c, kind, card = self.commission, self.kind, self.kind.card_model
        codes, voting = criteria_codes(c.contest), {m.id for m in c.members if m.voting}
        offers = [OfferIn(f.id, f.received_at) for f in self.facts]
        if "cards" in self.__dict__ or self.fresh:
            rows = [(x.member_id, kind.card_subject(x), x.scores) for x in self.cards if x.state == "submitted"]
        elif self.session.get_bind().dialect.name == "postgresql":
            votes, advisory = self._sums_in_database(codes, voting)
            return rank_sums(offers, codes, votes, advisory, c.contest.pass_threshold)
        else:  # the ranking alone needs no card objects: three columns of the submitted ones
            rows = self.session.execute(select(card.member_id, kind.subject_column(), card.scores).where(
                card.commission_id == c.id, card.state == "submitted")).all()
        return rank(offers, codes, _cards(rows), voting, self.excluded, c.contest.pass_threshold)

    def _sums_in_database(self, codes: list[str], voting: set[int]) -> tuple[dict[int, list], dict[int, list]]:
        """`reviewers.ranking.rank_sums`' input added up by PostgreSQL in one query: per submission,
        voting and advisory cards apart, each criterion's exact NUMERIC sum (a score left out counts 0)
        and the number of cards; a large commission's cards are not carried to Python one by one.
        Cards of excluded members (which should not exist) are left out, as `rank` leaves them out."""
        card, subject = self.kind.card_model, self.kind.subject_column()
        is_voting = (card.member_id.in_(voting) if voting else false()).label("voting")
        totals = [func.coalesce(func.sum(cast(card.scores[code].as_string(), Numeric)), 0) for code in codes]
        q = select(subject, is_voting, *totals, func.count()).where(
            card.commission_id == self.commission.id, card.state == "submitted")
        if self.excluded:
            q = q.where(tuple_(card.member_id, subject).not_in(sorted(self.excluded)))
        sums: dict[bool, dict[int, list]] = {True: {}, False: {}}
        for sid, v, *row in self.session.execute(q.group_by(subject, is_voting)):
            sums[v][sid] = row
        return sums[True], sums[False]


def _cards(rows) -> list[Card]:
    return [Card(mid, sid, dict(zip(scores, map(_decimal, scores.values()))) if scores else {})
            for mid, sid, scores in rows]


def offers_to_score(session, commission):
    return list(Board.of(session, commission).offers)


def cards_of(session, commission) -> list:
    return list(Board.of(session, commission).cards)


def missing_cards(session, commission) -> list[tuple[int, int]]:
    """(member id, offer id) for every voting member and offer they are not excluded from, without a
    submitted card. In a call that takes other submissions (a concept call has no offers): (member
    id, submission id) of theirs."""
    board = Board.of(session, commission)
    if board.scored().facts:
        return list(board.missing_cards)
    # no offers: perhaps a call that takes others (asked only then: no query more otherwise)
    return [pair for kind in submissions.kinds() if kind.name != "offer" for pair in board.scored(kind).missing_cards]


def criteria_codes(contest) -> list[str]:
    return [c["code"] for c in contest.criteria or []]


def ranking(session, commission) -> list[Ranked]:
    """R-SCORE over submitted cards; excluded members' cards never count."""
    return list(Board.of(session, commission).ranking)
