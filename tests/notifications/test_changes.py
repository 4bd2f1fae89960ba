"""Changes that are not transitions, told by the worker that handles their outbox event
(grants.notifications.rules.CHANGES): a commission member is told of the appointment, officers of
an art. 12 offer received, a discussion's voices of a new comment."""
from __future__ import annotations

from datetime import timedelta

from grants.consultations import operations as consultations
from grants.core import clock
from grants.directions import operations as directions
from grants.initiatives import operations as initiatives
from grants.notifications import audiences, kinds, rules
from grants.commissions import operations as rops
from tests.factories import make_contest

QUEUE = "grants"
PROPOSAL = {"title": "Kluby sąsiedzkie w Nowej Hucie", "problem": "Samotność starszych mieszkańców bloków",
            "target_group": "Seniorzy i ich sąsiedzi", "proposed_task": "Sieć klubów sąsiedzkich prowadzonych przez NGO",
            "field": "seniors", "district": "XVIII"}


def _deliver(stub_broker, worker):
    stub_broker.join(QUEUE)
    worker.join()


def test_every_change_names_one_known_kind_and_known_audiences():
    for topic, entry in rules.CHANGES.items():
        assert entry and len({t.kind for t in entry}) == 1, topic
        assert entry[0].kind in kinds.KINDS, topic
        assert all(t.audience in audiences.AUDIENCES and t.audience != audiences.NOBODY for t in entry), topic


def test_commission_members_are_told_of_their_appointment_once_the_officer_adding_them_not(
        app, session, make_user, stub_broker, worker, inbox, mails):
    officer, colleague, expert = make_user("officer"), make_user("officer"), make_user("commission_member")
    contest = make_contest(session, officer)
    com = rops.create(session, officer, contest)
    rops.add_member(session, officer, com, user_id=officer.id, kind="city", is_chair=True)
    rops.add_member(session, officer, com, user_id=colleague.id, kind="city")
    session.commit()
    _deliver(stub_broker, worker)
    assert inbox(colleague, "commission_appointed") == [("commission_appointed", False)]
    assert inbox(officer, "commission_appointed") == []  # the actor, not told of their own act
    rops.add_member(session, officer, com, user_id=expert.id, kind="expert")
    session.commit()
    _deliver(stub_broker, worker)
    assert inbox(expert, "commission_appointed") == [("commission_appointed", False)]
    assert len(inbox(colleague, "commission_appointed")) == 1  # not told again when another joins
    assert not mails(expert.email)  # commission work: the daily digest by default


def test_officers_of_the_department_are_told_of_an_art_12_offer_received(
        app, session, make_user, make_org, stub_broker, worker, inbox):
    org = make_org()
    board = make_user("applicant", org=org)
    officer = make_user("officer")
    obj = initiatives.submit(session, board, org.id, {"title": "Rowerowa szkoła dla dorosłych",
                                                      "description": "Kurs jazdy na rowerze dla dorosłych, 10 spotkań."})
    session.commit()
    _deliver(stub_broker, worker)
    assert inbox(officer, "initiative_received") == [("initiative_received", False)]
    assert inbox(board) == []  # the organisation submitted it: nothing to tell it
    assert obj.assessment_due is not None


def test_comment_reply_tells_the_author_and_earlier_voices_not_the_commenter_nor_a_hidden_voice(
        app, session, make_user, stub_broker, worker, inbox):
    officer = make_user("officer")
    author, first, second, hidden = (make_user("participant") for _ in range(4))
    now = clock.now()
    c = consultations.create(session, officer, title="Program współpracy 2027", description="Kierunki konkursów.",
                             fields=["seniors"], starts_at=now - timedelta(hours=1), ends_at=now + timedelta(days=14))
    session.commit()
    consultations.transition(session, c, "open", officer)
    d = directions.create(session, author, c, dict(PROPOSAL))
    session.commit()
    directions.transition(session, d, "submit", author)
    directions.comment(session, d, first, "Dobry pomysł, ale kto poprowadzi kluby?")
    session.commit()
    _deliver(stub_broker, worker)
    assert inbox(author, "comment_reply") == [("comment_reply", False)]  # a comment on their proposal
    assert inbox(first, "comment_reply") == []  # their own comment
    off_topic = directions.comment(session, d, hidden, "Reklama sklepu")
    directions.hide(session, officer, d, "reklama", off_topic)
    session.commit()
    directions.comment(session, d, second, "Organizacje seniorów z Nowej Huty.")
    session.commit()
    _deliver(stub_broker, worker)
    assert inbox(first, "comment_reply") == [("comment_reply", False)]  # their comment answered
    assert len(inbox(author, "comment_reply")) == 2
    assert inbox(second, "comment_reply") == []
    assert inbox(hidden, "comment_reply") == []  # a hidden comment is out of the discussion
