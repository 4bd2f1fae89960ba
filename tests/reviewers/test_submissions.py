"""The scored submissions' core (reviewers.submissions): one board, card model, ranking and page for
every kind a call type brings; each kind is plain data registered by the application."""
from __future__ import annotations

import pytest

from grants.calltypes.innovation.models import Concept, ConceptCard
from grants.calltypes.innovation.submissions import CONCEPTS
from grants.commissions.submissions import OFFERS
from grants.offers.models import Offer
from reviewers import submissions
from reviewers.models import CardColumns, ScoreCard
from reviewers.scoring import Board, Scored


def test_each_submission_finds_its_kind_and_the_kinds_share_one_card_model():
    assert submissions.of(Offer()) is OFFERS and submissions.get("offer") is OFFERS
    assert submissions.of(Concept()) is CONCEPTS and submissions.get("concept") is CONCEPTS
    with pytest.raises(LookupError):
        submissions.of(object())
    assert issubclass(ScoreCard, CardColumns) and issubclass(ConceptCard, CardColumns)
    assert (OFFERS.key, CONCEPTS.key) == ("offer_id", "concept_id")
    card = ConceptCard(concept_id=7)
    assert CONCEPTS.card_subject(card) == 7 and CONCEPTS.subject_column() is ConceptCard.concept_id


def test_a_board_keeps_one_scored_part_per_kind(session):
    class _Commission:
        id, contest_id, members = 1, 1, []

    board = Board(session, _Commission())
    offers, concepts = board.scored(), board.scored(CONCEPTS)
    assert isinstance(offers, Scored) and offers.kind is OFFERS and concepts.kind is CONCEPTS
    assert board.scored(OFFERS) is offers and board.scored(CONCEPTS) is concepts
