"""Reminders from the scheduler, once per person and occasion; the daily digest sent once even
when two workers run it."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from grants.core import clock, db
from grants.notifications import digest, reminders
from grants.notifications.models import Notification


def _draft(session, make_user, make_org):
    from grants.offers import operations as oops
    from tests.factories import make_contest
    officer = make_user("officer")
    contest = make_contest(session, officer)
    org = make_org()
    member = make_user("applicant", org=org)
    oops.create(session, member, contest, org.id, at=clock.now())
    session.commit()
    return contest, member


def _reminders(user):
    with db.session.session_factory() as s:
        return [(n.kind, n.params.get("days")) for n in s.scalars(
            select(Notification).where(Notification.user_id == user.id, Notification.kind.like("reminder%"))
            .order_by(Notification.id))]


def test_r_notify_obligation_offer_deadline_reminders_7_3_1_days_once_each_even_when_run_twice(
        app, session, make_user, make_org, clock_at, mails):
    contest, member = _draft(session, make_user, make_org)
    for days_before, expected in ((10, []), (6, [7]), (6, [7]), (2, [7, 3]), (0.5, [7, 3, 1]), (0.4, [7, 3, 1])):
        clock_at((contest.deadline - timedelta(days=days_before)).isoformat())
        with db.session.session_factory() as s:
            reminders.run(s, clock.now())
            reminders.run(s, clock.now())  # the scheduler ran twice
        assert [d for _k, d in _reminders(member)] == expected
    assert len([m for m in mails(member.email) if "Przypomnienie" in m["subject"]]) == 3


def test_submitted_offer_gets_no_deadline_reminder(app, session, make_user, make_org, clock_at):
    from grants.offers.models import Offer
    contest, member = _draft(session, make_user, make_org)
    offer = session.scalar(select(Offer).where(Offer.contest_id == contest.id))
    offer.state = "withdrawn"
    session.commit()
    clock_at((contest.deadline - timedelta(days=2)).isoformat())
    with db.session.session_factory() as s:
        reminders.run(s, clock.now())
    assert _reminders(member) == []


def test_daily_digest_one_mail_per_person_once(app, session, make_user, mails, clock_at):
    from grants.notifications.operations import notify
    user = make_user("applicant")
    for k in range(3):
        notify(session, [user.id], "contest_published", {"title": f"Konkurs {k}"}, "contest", str(k))
    session.commit()
    assert mails(user.email) == []
    clock_at("2027-03-15T08:00")
    with db.session.session_factory() as s:
        assert digest.run(s) == {"digests": 1, "newsletters": 0}  # a Monday: no newsletter items waiting
    with db.session.session_factory() as s:
        assert digest.run(s)["digests"] == 0  # the day's run is claimed
        assert digest.send_digests(s) == 0  # and every row is taken
    [m] = mails(user.email)
    assert m["subject"] == "Zestawienie powiadomień: 3"
    assert all(f"Konkurs {k}" in m["body"] for k in range(3))


@pytest.mark.postgres(reason="two workers claim the same rows concurrently; SQLite serialises writers anyway")
def test_two_workers_never_send_the_same_digest(app, session, make_user, mails):
    from grants.notifications.operations import notify
    users = [make_user("applicant") for _ in range(5)]
    for u in users:
        for k in range(4):
            notify(session, [u.id], "contest_published", {"title": f"K{k}"}, "contest", str(k))
    session.commit()
    barrier = threading.Barrier(2)
    results = []

    def worker():
        with db.session.session_factory() as s:
            barrier.wait()
            results.append(digest.send_digests(s))
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(results) == 5
    assert sorted(m["to"] for m in mails()) == sorted(u.email for u in users)
