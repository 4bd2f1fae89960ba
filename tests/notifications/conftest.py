"""Fixtures of the notification tests: the real SMTP server of the job tests, and helpers."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.jobs.conftest import instance_dir, redis_db, smtp_server  # noqa: F401 - fixtures shared with the job tests


@pytest.fixture
def inbox():
    """inbox(user) -> [(kind, read?)] of the user's notifications, oldest first (fresh session)."""
    from grants.core import db
    from grants.notifications.models import Notification

    def _inbox(user, kind=None):
        with db.session.session_factory() as s:
            q = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
            if kind:
                q = q.where(Notification.kind == kind)
            return [(n.kind, n.read_at is not None) for n in s.scalars(q)]
    return _inbox


@pytest.fixture
def mails():
    """mails(to=None) -> the payloads of email.send outbox rows (fresh session), oldest first."""
    from grants.core import db
    from grants.core.outbox import OutboxEvent

    def _mails(to=None):
        with db.session.session_factory() as s:
            rows = [e.data for e in s.scalars(select(OutboxEvent).where(OutboxEvent.topic == "email.send")
                                              .order_by(OutboxEvent.created_at))]
        return [m for m in rows if to is None or m["to"] == to]
    return _mails


@pytest.fixture
def submitted_offer(app, session, make_user, make_org):
    """(officer, applicant, second member, org, contest, offer): an offer submitted by `applicant`."""
    from datetime import timedelta

    from grants.core import clock
    from grants.offers import operations as oops
    from tests.factories import complete_draft, make_contest

    def build(**user_kw):
        officer = make_user("officer")
        contest = make_contest(session, officer)  # before the applicants exist: no "new contest" for them
        org = make_org()
        applicant = make_user("applicant", org=org)
        colleague = make_user("applicant", org=org, **user_kw)
        offer = complete_draft(session, applicant, contest, org, at=clock.now())
        oops.transition(session, offer, "submit", applicant, received_at=clock.now() + timedelta(minutes=1))
        return officer, applicant, colleague, org, contest, offer
    return build
