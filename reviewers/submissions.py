"""What a commission scores: *submissions* of a kind (offers, innovation concepts, and whatever call
type comes next), each through a score card on the contest's criteria (R-SCORE).

A kind is plain data handed in by the application (grants/commissions/submissions.py for offers, a
call type's module for its own): the ORM classes of the submission and of its card, the card's
column that names the submission, the states the commission scores, and the words people read.
Everything else (the board, the ranking, who may open which card, what a caller may see, the card
page and its template) exists once, over any kind. This module imports no `grants` area: it only
holds the description and the registry the application fills."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, NamedTuple

from grants.core.registry import Registry


@dataclass(frozen=True)
class SubmissionKind:
    name: str  # "offer", "concept": also the prefix of the JSON keys ("offer_id", "concept_id")
    model: Any  # the submission's ORM class: id, contest_id, organisation_id, partner_ids, number, title, state
    card_model: Any  # its score card's ORM class (reviewers.models.CardColumns)
    scored_states: tuple[str, ...]  # the submissions the commission scores (and, after, the ones it scored)
    audit_kind: str  # the audit object type of a card
    received_at: Callable[[Any], Any]  # a submission's instant for the ranking's tie-break (R-SCORE)
    # loader options for the submissions (organisation, partners: what the pages read); built on use,
    # as the mappers configure only once every model is imported
    options: Callable[[], tuple] = tuple
    lock_on_save: bool = False  # serialise saving cards on the commission row (one card per member, racing)
    # words people read, already translatable (lazy strings): see OFFER_TEXTS in grants/commissions
    texts: dict[str, Any] = field(default_factory=dict)
    facts_template: str = ""  # the card page's description of the submission (a partial)
    # What the ranking and the exclusions need, as plain rows without loading the submissions
    # (thousands of them on a large commission): `facts_query(contest_id, states)` selects
    # (id, organisation_id, received instant, requested amount or NULL) ordered by id, and
    # `partners_query(contest_id, states)` (submission id, partner organisation id). Without them
    # the board reads the facts from the loaded submissions.
    facts_query: Callable[[int, tuple[str, ...]], Any] | None = None
    partners_query: Callable[[int, tuple[str, ...]], Any] | None = None
    anchor: str = "#scoring"  # where on the commission page its cards are listed

    @property
    def key(self) -> str:
        """The card's column naming the submission."""
        return f"{self.name}_id"

    def card_subject(self, card) -> int:
        return getattr(card, self.key)

    def subject_column(self):
        return getattr(self.card_model, self.key)


class Fact(NamedTuple):
    """A submission as the ranking, the exclusions (R-COM-IMPARTIAL) and the proposal see it."""
    id: int
    organisation_id: int
    partner_ids: tuple[int, ...]
    received_at: Any
    requested: Decimal | None


_KINDS: Registry[SubmissionKind] = Registry(lambda kind: kind.name)
register = _KINDS.register
get = _KINDS.get


def kinds() -> list[SubmissionKind]:
    return list(_KINDS.items().values())


# Who takes part in a contest (the organisations every member declares towards, R-COM-IMPARTIAL):
# only the application knows offers and call types, so it answers (grants/commissions/composition.py,
# registered with the offers' kind).
_PARTICIPANTS: list[Callable[[Any, int], set[int]]] = []


def answer_participants(fn: Callable[[Any, int], set[int]]) -> None:
    _PARTICIPANTS[:] = [fn]


def participants(session, contest_id: int) -> set[int]:
    """The organisations taking part in the contest (lead or partner of a submission)."""
    if not _PARTICIPANTS:
        raise LookupError("no answer registered for the organisations taking part (grants.commissions.submissions)")
    return _PARTICIPANTS[0](session, contest_id)


def of(submission) -> SubmissionKind:
    """The kind of a submission object."""
    for kind in kinds():
        if isinstance(submission, kind.model):
            return kind
    raise LookupError(f"not a scored submission: {type(submission).__name__}")
