"""Reminders from the scheduler (issue 12, R-NOTIFY-OBLIGATION "reminded before it ends"): offer
deadline in 7, 3 and 1 days for drafts not submitted; correction period ending in 2 days; report
due in 7 days and overdue; return due and overdue; scoring period ending.

Each is sent once per person and occasion: its key names the occasion (object, threshold, due
date) and a person already holding a notification with that key is skipped; the unique key per
person in the database settles two schedulers running at once (the loser's transaction rolls back
and finds everything told on its next run)."""
from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import func, select

from grants.contests.models import Contest
from grants.core.dates import warsaw_date
from grants.education.models import EducationEvent, EventRegistration
from grants.offers.models import Offer
from grants.reports.models import Report
from grants.settlements.models import Settlement
from reviewers.models import Commission, CommissionMember, ScoreCard

from . import audiences, facts
from .operations import notify

OFFER_THRESHOLDS = (1, 3, 7)  # days before the offer deadline
CORRECTION_DAYS = 2
REPORT_DAYS = 7
RETURN_DAYS = 3
SCORING_DAYS = 3


def _tell(session, obj, audience, kind: str, occasion: str, **extra) -> int:
    """Tells `audience` (an audience name, or the user ids themselves) about `obj`; the key names the
    occasion, e.g. "report_due:12:2025-03-01" for kind reminder_report_due."""
    users = audience if isinstance(audience, list) else audiences.resolve(session, audience, obj)
    object_type, object_id = facts.link_target(obj)
    key = f"{kind.removeprefix('reminder_')}:{obj.id}:{occasion}"
    return len(notify(session, users, kind, {**facts.facts(obj), **extra}, object_type, object_id, key=key))


# Each step yields the reminders due at `now`: (object, audience, kind, occasion, extra facts).

def offer_deadlines(session, now: datetime):
    q = (select(Offer).join(Contest, Contest.id == Offer.contest_id)
         .where(Offer.state == "draft", Contest.state == "published", Contest.deadline > now,
                Contest.deadline <= now + timedelta(days=max(OFFER_THRESHOLDS))))
    for offer in session.scalars(q):
        left = math.ceil((offer.contest.deadline - now).total_seconds() / 86400)
        threshold = min(t for t in OFFER_THRESHOLDS if t >= left)
        yield (offer, audiences.ORGANISATION, "reminder_offer_deadline", threshold,
               {"days": threshold, "due": offer.contest.deadline.isoformat()})


def corrections(session, now: datetime):
    q = select(Offer).where(Offer.state == "needs_correction", Offer.correction_due_at > now,
                            Offer.correction_due_at <= now + timedelta(days=CORRECTION_DAYS))
    for offer in session.scalars(q):
        yield offer, audiences.ORGANISATION, "reminder_correction", offer.correction_due_at.isoformat(), {}


def reports(session, now: datetime):
    today = warsaw_date(now)
    q = select(Report).where(Report.state.in_(("draft", "needs_correction")),
                             Report.due_on <= today + timedelta(days=REPORT_DAYS))
    for report in session.scalars(q):
        due = report.correction_due if report.state == "needs_correction" and report.correction_due else report.due_on
        kind = "reminder_report_due" if due >= today else "reminder_report_overdue"
        yield report, audiences.ORGANISATION, kind, due.isoformat(), {"due": due.isoformat()}


def returns(session, now: datetime):
    today = warsaw_date(now)
    for settlement in session.scalars(select(Settlement).where(Settlement.state == "awaiting_return")):
        due_iso = facts.facts(settlement).get("due")
        if not due_iso:
            continue
        due = datetime.fromisoformat(due_iso).date() if "T" in due_iso else datetime.strptime(due_iso, "%Y-%m-%d").date()
        if today <= due <= today + timedelta(days=RETURN_DAYS):
            yield settlement, audiences.ORGANISATION, "reminder_return_due", due.isoformat(), {}
        elif due < today:
            yield settlement, audiences.ORGANISATION, "reminder_return_overdue", due.isoformat(), {}
            yield settlement, audiences.FINANCE_STAFF, "reminder_return_overdue_finance", due.isoformat(), {}


def scoring(session, now: datetime):
    today = warsaw_date(now)
    q = (select(Commission).join(Contest, Contest.id == Commission.contest_id)
         .where(Commission.state == "scoring", Contest.decision_by.is_not(None),
                Contest.decision_by <= today + timedelta(days=SCORING_DAYS), Contest.decision_by >= today))
    for commission in session.scalars(q):
        offers = session.scalar(select(func.count()).select_from(Offer).where(
            Offer.contest_id == commission.contest_id, Offer.state == "eligible")) or 0
        due = commission.contest.decision_by.isoformat()
        for member in session.scalars(select(CommissionMember).where(CommissionMember.commission_id == commission.id)):
            if not member.voting:
                continue
            done = session.scalar(select(func.count()).select_from(ScoreCard).where(
                ScoreCard.member_id == member.id, ScoreCard.submitted_at.is_not(None))) or 0
            if offers - done > 0:
                yield commission, [member.user_id], "reminder_scoring", due, {"days": offers - done, "due": due}


EVENT_HOURS = 24  # reminders the day before an education event (issue 17)


def events(session, now: datetime):
    """The day before an education event, each person with a place is reminded once."""
    q = (select(EventRegistration).join(EducationEvent, EducationEvent.id == EventRegistration.event_id)
         .where(EventRegistration.state == "registered", EducationEvent.state == "published",
                EducationEvent.starts_at > now, EducationEvent.starts_at <= now + timedelta(hours=EVENT_HOURS)))
    for reg in session.scalars(q):
        yield reg.event, [reg.user_id], "reminder_event", reg.event.starts_at.isoformat(), facts.facts(reg)


STEPS = (offer_deadlines, corrections, reports, returns, scoring, events)


def run(session, now: datetime) -> dict[str, int]:
    """Every reminder due at `now` (business time), each step committed on its own."""
    done = {}
    for step in STEPS:
        done[step.__name__] = sum(_tell(session, obj, audience, kind, occasion, **extra)
                                  for obj, audience, kind, occasion, extra in list(step(session, now)))
        session.commit()
    return done
