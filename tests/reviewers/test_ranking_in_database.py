"""R-SCORE: on PostgreSQL a commission's ranking is added up by the database (exact NUMERIC sums per
criterion, voting and advisory cards apart: reviewers.scoring.Scored._sums_in_database); it must be
the very ranking the cards give in Python: same scores, means, voters, advisory sums, order and
pass marks, with an excluded member's card (which should not exist) left out and a missing score
counted as 0. On SQLite both paths are the Python one: the comparison still holds."""
from __future__ import annotations

from sqlalchemy import insert

from grants.core import clock
from reviewers.models import ScoreCard
from reviewers.scoring import Board
from tests.reviewers.helpers import World


def _view(ranking):
    return [(r.offer_id, r.rank, r.score, dict(r.by_criterion), r.voters, r.advisory, r.passed) for r in ranking]


def test_r_score_ranking_added_up_in_the_database_equals_the_cards_in_python(session, make_user, make_org):
    w = World(session, make_user, make_org)
    w.declared(conflicts=[(w.city2, w.orgs[0])]).scored({0: 4, 1: 5}, expert_points=7)
    s, c, crit = w.s, w.c, w.crit
    # the third offer: two voters, one of them leaving a criterion out (counts as 0), half points
    first, second = c.member_for(w.chair), c.member_for(w.city2)
    excluded = second  # declared a conflict with the first offer's organisation
    before = {r[0]: r[2:] for r in _view(Board(s, c, fresh=True).ranking)}
    now = clock.now()
    rows = [{"commission_id": c.id, "member_id": first.id, "offer_id": w.offer_ids[2], "state": "submitted",
             "scores": {k: "2.5" for k in crit}, "justifications": {k: "x" for k in crit}, "submitted_at": now,
             "version": 1},
            {"commission_id": c.id, "member_id": second.id, "offer_id": w.offer_ids[2], "state": "submitted",
             "scores": {k: "3" for k in crit[1:]} | {"unknown": "9"}, "justifications": {}, "submitted_at": now,
             "version": 1}]
    # a card the rules forbid, as if written around them: it must not count
    rows.append({"commission_id": c.id, "member_id": excluded.id, "offer_id": w.offer_ids[0], "state": "submitted",
                 "scores": {k: "10" for k in crit}, "justifications": {}, "submitted_at": now, "version": 1})
    s.execute(insert(ScoreCard), rows)
    s.commit()
    c = w.c
    board = Board(s, c)
    assert (excluded.id, w.offer_ids[0]) in board.excluded
    in_database = _view(board.ranking)  # neither cards nor submissions loaded: the database adds up
    assert "cards" not in board.scored().__dict__ and "submissions" not in board.scored().__dict__
    in_python = _view(Board(s, c, fresh=True).ranking)  # the cards loaded, added up in Python
    assert in_database == in_python
    by_id = {r[0]: r for r in in_database}
    assert by_id[w.offer_ids[2]][4] == 2  # two voters on the third offer, the missing score as 0
    assert by_id[w.offer_ids[0]][2:] == before[w.offer_ids[0]]  # the excluded member's card changed nothing
    assert by_id[w.offer_ids[0]][5] is not None  # the expert's advisory sum
    assert [r[0] for r in in_database] == [w.offer_ids[1], w.offer_ids[0], w.offer_ids[2]]


def test_an_offer_whose_only_card_is_an_excluded_members_is_unscored_in_the_database_too(session, make_user, make_org):
    """The excluded member's card (which should not exist) is the first offer's only one: the offer
    has no voters, and the other offers' sums stay whole (the database path once took such a card
    out by deleting another offer's sums, and the ranking divided by zero)."""
    w = World(session, make_user, make_org)
    w.declared(conflicts=[(w.city2, w.orgs[0])]).scored({1: 4, 2: 5}, expert_points=7)
    s, c, crit = w.s, w.c, w.crit
    excluded = c.member_for(w.city2)
    s.execute(insert(ScoreCard), [{"commission_id": c.id, "member_id": excluded.id, "offer_id": w.offer_ids[0],
                                   "state": "submitted", "scores": {k: "10" for k in crit}, "justifications": {},
                                   "submitted_at": clock.now(), "version": 1}])
    s.commit()
    board = Board(s, w.c)
    assert (excluded.id, w.offer_ids[0]) in board.excluded
    in_database = _view(board.ranking)
    assert in_database == _view(Board(s, w.c, fresh=True).ranking)
    by_id = {r[0]: r for r in in_database}
    assert by_id[w.offer_ids[0]][4] == 0 and by_id[w.offer_ids[2]][4] > 0 and by_id[w.offer_ids[1]][4] > 0
