"""The concept call's commission scores concepts on the pilot criteria and its decision shortlists
them; no money is awarded at this stage (S9)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from grants.calltypes.innovation import scoring
from grants.calltypes.innovation.models import Concept
from grants.calltypes.innovation.shortlist import CRITERIA, ConceptCallParams, selection
from grants.contests import operations as cops
from grants.core.outbox import OutboxEvent
from grants.core.permissions import PermissionDenied
from grants.workflows.errors import GuardRefused, NotEditable
from grants.commissions import operations as rops
from grants.commissions.protocol import build as build_protocol
from reviewers.ranking import OfferIn, rank

from .helpers import D, scoring_world, compose, concept_call, counts, score


def test_concept_call_criteria_replace_the_art15_ones_and_params_default():
    assert [c["code"] for c in CRITERIA] == ["novelty", "partnership", "feasibility", "scalability", "learning"]
    assert all(c["support_only"] is False and isinstance(c["max_points"], str) for c in CRITERIA)
    assert ConceptCallParams().shortlist_size == 5
    for bad in (0, 101, "x"):
        with pytest.raises(ValueError):
            ConceptCallParams(shortlist_size=bad)
    with pytest.raises(ValueError):
        ConceptCallParams(shortlist_size=3, budget="100")  # extra fields refused


def test_concept_call_contest_takes_the_pilot_criteria(session, make_user, make_org):
    contest, _ = concept_call(session, make_user("officer"), [make_org()], evaluation=False)
    assert [c["code"] for c in contest.criteria] == [c["code"] for c in CRITERIA]
    assert contest.call_params == {"shortlist_size": 5}


def test_s9_concept_call_runs_through_commission_and_decision_shortlists_the_top_n_above_threshold(
        session, make_user, make_org):
    officer, city2, expert, orgs, contest, concepts, c = scoring_world(session, make_user, make_org)
    plan = [8, 6, 5, 3]  # per criterion, five criteria: 40, 30, 25, 15 (threshold 20, shortlist 2)
    for u in (officer, city2):
        for k, pts in zip(concepts, plan):
            score(session, c, u, k, pts)
    score(session, c, expert, concepts[3], 10)  # advisory: never counted (R-COM-EXPERT)
    assert scoring.missing_cards(session, c) == []
    rops.transition(session, c, "close_scoring", officer, {})
    ranked = scoring.ranking(session, c)
    assert [r.offer_id for r in ranked] == [k.id for k in concepts]
    assert [str(r.score_display) for r in ranked] == ["40.00", "30.00", "25.00", "15.00"]
    assert ranked[3].advisory == 50 and ranked[3].passed is False
    rops.transition(session, c, "approve_protocol", officer, {})
    doc = c.protocol
    assert [r["concept_id"] for r in doc["concepts"]["ranking"]] == [k.id for k in concepts]
    assert doc["concepts"]["shortlist_size"] == 2 and len(doc["concepts"]["cards"]) == 9
    before = session.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.topic == "email.send"))
    cops.transition(session, contest, "decide", officer)
    session.expire_all()
    states = [session.get(Concept, k.id).state for k in concepts]
    assert states == ["shortlisted", "shortlisted", "not_shortlisted", "not_shortlisted"]
    assert contest.state == "decided" and contest.results_published_at is not None
    mails = session.scalars(select(OutboxEvent).where(OutboxEvent.topic == "email.send")).all()
    assert len(mails) - before == 4  # each organisation told once (R-RESULTS)
    bodies = " ".join(m.data["body"] for m in mails)
    assert "zakwalifikowana do etapu II" in bodies and "nie została zakwalifikowana" in bodies
    # a decided concept call has no agreements to wait for: it can be concluded
    cops.transition(session, contest, "conclude", officer)
    assert contest.state == "concluded"


def test_s9_threshold_keeps_concepts_below_it_off_the_shortlist_even_with_room(session, make_user, make_org):
    officer, city2, expert, orgs, contest, concepts, c = scoring_world(session, make_user, make_org, n=3, shortlist_size=5)
    for u in (officer, city2):
        for k, pts in zip(concepts, [9, 4, 3]):  # 45, 20 (reaches the threshold exactly), 15
            score(session, c, u, k, pts)
    rops.transition(session, c, "close_scoring", officer, {})
    rops.transition(session, c, "approve_protocol", officer, {})
    cops.transition(session, contest, "decide", officer)
    session.expire_all()
    assert [session.get(Concept, k.id).state for k in concepts] == ["shortlisted", "shortlisted", "not_shortlisted"]


def test_s9_selection_is_the_first_n_that_passed_in_ranking_order():
    from datetime import datetime, timezone
    from reviewers.ranking import Card
    t = datetime(2026, 1, 1, tzinfo=timezone.utc)
    concepts = [OfferIn(i, t) for i in (1, 2, 3, 4)]
    cards = [Card(10, 1, {"a": D(3)}), Card(10, 2, {"a": D(9)}), Card(10, 3, {"a": D(9)}), Card(10, 4, {"a": D(1)})]
    ranked = rank(concepts, ["a"], cards, {10}, set(), D(2))
    assert selection(ranked, 2) == {2, 3}  # the tie broken by submission time, then the lower id
    assert selection(ranked, 10) == {1, 2, 3}  # 4 is below the threshold
    assert selection(rank(concepts, ["a"], [], {10}, set(), None), 3) == set()  # nobody scored: nothing passes


def test_r_com_impartial_member_with_declared_conflict_cannot_score_that_concept_and_is_not_counted(
        session, make_user, make_org):
    officer, city2, expert, orgs, contest, concepts, c = scoring_world(session, make_user, make_org, n=2,
                                                                conflicts=[("city2", 0)])
    member = c.member_for(city2)
    assert "R-COM-IMPARTIAL" in str(scoring.may_score(session, c, member, concepts[0]))
    before = counts(session)
    with pytest.raises(PermissionDenied):
        scoring.save_card(session, city2, c, concepts[0], {k: "5" for k in scoring_codes(c)}, {}, False)
    session.rollback()
    assert counts(session) == before
    # not required of them either
    assert (member.id, concepts[0].id) not in scoring.missing_cards(session, c)
    score(session, c, officer, concepts[0], 8)
    score(session, c, officer, concepts[1], 2)
    score(session, c, city2, concepts[1], 4)
    assert scoring.missing_cards(session, c) == []
    rops.transition(session, c, "close_scoring", officer, {})
    ranked = {r.offer_id: r for r in scoring.ranking(session, c)}
    assert ranked[concepts[0].id].voters == 1 and ranked[concepts[0].id].score_display == D("40.00")
    assert ranked[concepts[1].id].voters == 2 and ranked[concepts[1].id].score_display == D("15.00")
    # the excluded member never sees the concept's score
    rows = scoring.ranking_rows(session, c, city2)
    hidden = next(r for r in rows if r["concept_id"] == concepts[0].id)
    assert hidden["score"] is None and all(r["rank"] is None for r in rows)
    assert all(x.concept_id != concepts[0].id for x in scoring.visible_cards(session, c, city2))
    assert len(scoring.visible_cards(session, c, officer)) == 3


def scoring_codes(c):
    return [x["code"] for x in c.contest.criteria]


def test_r_score_scores_above_the_maximum_are_refused_and_change_nothing(session, make_user, make_org):
    officer, city2, expert, orgs, contest, concepts, c = scoring_world(session, make_user, make_org, n=1)
    before = counts(session)
    for bad in ("11", "-1", "abc", "7.5", "NaN"):
        with pytest.raises(scoring.CardError) as e:
            scoring.save_card(session, officer, c, concepts[0], {"novelty": bad}, {}, False)
        session.rollback()
        assert e.value.errors[0]["field"] == "scores.novelty"
    with pytest.raises(scoring.CardError) as e:  # submitting needs every score and justification (R-SCORE)
        scoring.save_card(session, officer, c, concepts[0], {"novelty": "5"}, {"novelty": "ok"}, True)
    session.rollback()
    fields = {x["field"] for x in e.value.errors}
    assert "scores.feasibility" in fields and "justifications.learning" in fields
    with pytest.raises(scoring.CardError):
        scoring.save_card(session, officer, c, concepts[0], {"costs": "5"}, {}, False)  # an art. 15 criterion
    session.rollback()
    assert counts(session) == before
    card = score(session, c, officer, concepts[0], 10)
    assert card.state == "submitted" and card.scores == {k: "10" for k in scoring_codes(c)}
    with pytest.raises(NotEditable):
        scoring.save_card(session, officer, c, concepts[0], {"novelty": "1"}, {}, False)


def test_r_cancel_start_evaluation_refused_without_submitted_concepts(session, make_user, make_org):
    officer = make_user("officer")
    contest, _ = concept_call(session, officer, [make_org(), make_org()], evaluation=False,
                              states={0: "draft", 1: "withdrawn"})
    with pytest.raises(GuardRefused) as e:
        cops.transition(session, contest, "start_evaluation", officer)
    assert e.value.reason.rule == "R-CANCEL"
    session.expire_all()
    assert contest.state == "formal_review"


def test_start_evaluation_allowed_with_one_submitted_concept(session, make_user, make_org):
    contest, _ = concept_call(session, make_user("officer"), [make_org()])
    assert contest.state == "evaluation"


def test_no_offer_can_be_created_in_a_concept_call(session, make_user, make_org, client, api_token):
    from datetime import timedelta

    from grants.core import clock
    from grants.offers import operations as oops
    from grants.offers.models import Offer
    officer, org = make_user("officer"), make_org()
    applicant = make_user("applicant", org=org)
    contest = cops.create(session, officer, _open_values())
    session.commit()
    cops.transition(session, contest, "publish", officer, received_at=clock.now() - timedelta(days=1))
    with pytest.raises(NotEditable):
        oops.create(session, applicant, contest, org.id)
    session.rollback()
    r = client.post("/api/v1/offers", json={"contest_id": str(contest.id), "organisation_id": str(org.id)},
                    headers=api_token(applicant))
    assert 400 <= r.status_code < 500, r.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Offer)) == 0


def _open_values():
    from datetime import timedelta

    from grants.core import clock
    from tests.factories import contest_values
    return contest_values(call_type="innovation_concept", deadline=clock.now() + timedelta(days=30))


def test_s9_no_money_is_awarded_by_the_concept_call(session, make_user, make_org):
    from grants.agreements.models import Agreement
    from grants.core.audit import AuditEntry
    from grants.offers.models import Offer
    officer, city2, expert, orgs, contest, concepts, c = scoring_world(session, make_user, make_org, n=2, shortlist_size=1)
    for u in (officer, city2):
        for k, pts in zip(concepts, [9, 7]):
            score(session, c, u, k, pts)
    rops.transition(session, c, "close_scoring", officer, {})
    rops.transition(session, c, "approve_protocol", officer, {})
    cops.transition(session, contest, "decide", officer)
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Offer).where(Offer.contest_id == contest.id)) == 0
    assert session.scalar(select(func.count()).select_from(Agreement)) == 0
    entry = session.scalars(select(AuditEntry).where(AuditEntry.object_type == "contest",
                                                     AuditEntry.action == "decide")).one()
    results = entry.changes_data["results"]
    assert [(r["concept_id"], r["shortlisted"]) for r in results] == [(concepts[0].id, True), (concepts[1].id, False)]
    assert not any(k in r for r in results for k in ("awarded", "amount", "grant"))
    mails = session.scalars(select(OutboxEvent).where(OutboxEvent.topic == "email.send")).all()
    assert mails and not any("Przyznana dotacja" in m.data["body"] for m in mails)
    assert c.protocol["ranking"] == [] and "proposed" not in str(c.protocol["concepts"])


def test_r_review_protocol_lists_the_concept_ranking_and_exclusions(session, make_user, make_org):
    officer, city2, expert, orgs, contest, concepts, c = scoring_world(session, make_user, make_org, n=2,
                                                                conflicts=[("city2", 1)])
    score(session, c, officer, concepts[0], 5)
    doc = build_protocol(session, c)
    part = doc["concepts"]
    assert part["exclusions"] == [[c.member_for(city2).id, concepts[1].id]]
    assert [x["concept_id"] for x in part["cards"]] == [concepts[0].id]
    assert {r["concept_id"] for r in part["ranking"]} == {k.id for k in concepts}


def test_r_score_close_scoring_needs_a_reason_while_concept_cards_are_missing(session, make_user, make_org):
    officer, city2, expert, orgs, contest, concepts, c = scoring_world(session, make_user, make_org, n=2)
    score(session, c, officer, concepts[0], 5)
    assert len(scoring.missing_cards(session, c)) == 3  # the expert's are never required (R-COM-EXPERT)
    with pytest.raises(GuardRefused) as e:
        rops.transition(session, c, "close_scoring", officer, {})
    assert e.value.reason.rule == "R-SCORE"
    rops.transition(session, c, "close_scoring", officer, {"reason": "Członek komisji zachorował."})
    assert c.state == "closed" and c.close_reason


def test_r_com_ngo_nominee_of_an_organisation_that_submitted_a_concept_is_excluded(session, make_user, make_org):
    officer = make_user("officer")
    org = make_org()
    contest, _ = concept_call(session, officer, [org])
    nominee = make_user("commission_member")
    c = compose(session, officer, contest, [(officer, "city", None, True), (nominee, "ngo", org, False)])
    assert c.member_for(nominee).excluded_reason and "organizacja wskazująca" in c.member_for(nominee).excluded_reason


def test_r_com_impartial_members_declare_towards_the_organisations_that_submitted_concepts(
        session, make_user, make_org):
    from reviewers.declarations import organisations_to_declare
    officer = make_user("officer")
    orgs = [make_org(), make_org(), make_org()]
    contest, _ = concept_call(session, officer, orgs, states={2: "draft"})
    c = compose(session, officer, contest, [(officer, "city", None, True), (make_user("officer"), "city", None, False)])
    rops.transition(session, c, "open_declarations", officer, {"without_ngo_reason": "none_nominated"})
    assert sorted(organisations_to_declare(session, c)) == sorted([orgs[0].id, orgs[1].id])
    with pytest.raises(GuardRefused) as e:
        rops.transition(session, c, "start_scoring", officer, {})
    assert e.value.reason.rule == "R-COM-IMPARTIAL"
    with pytest.raises(rops.ReviewError):
        rops.declare(session, officer, c, orgs[2].id, False)  # its concept is only a draft
