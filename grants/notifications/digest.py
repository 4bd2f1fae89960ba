"""The daily digest and the weekly newsletter: scheduled jobs any worker may run, never sent
twice. Two claims in the database: the run of the day (or week) is a row only one worker inserts,
and each notification is taken by one run (`digest_claim`) before its mail is written, in the
transaction that writes the mail."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from grants.accounts.models import User
from grants.core import clock, outbox
from grants.core.dates import local, warsaw_date
from grants.core.i18n import _

from . import facts, mailer, subscriptions
from .models import Notification, NotificationRun

DIGEST_HOUR = 7  # Warsaw time: the daily digest goes out from this hour
WEEKLY_WEEKDAY = 0  # Monday


def claim_run(session, name: str) -> bool:
    """Inserts the run's row; False when another worker has it already. Commits."""
    session.add(NotificationRun(name=name, started_at=clock.real_now(), sent=0))
    try:
        session.commit()
        return True
    except IntegrityError:
        session.rollback()
        return False


def send_digests(session, run_id: str | None = None) -> int:
    """Mails each person their waiting digest items as one message. Returns how many mails."""
    run_id = run_id or str(uuid.uuid4())
    session.execute(update(Notification).where(Notification.delivery == "digest", Notification.emailed_at.is_(None),
                                               Notification.digest_claim.is_(None))
                    .values(digest_claim=run_id).execution_options(synchronize_session=False))
    rows = list(session.scalars(select(Notification).where(Notification.digest_claim == run_id,
                                                           Notification.emailed_at.is_(None))
                                .order_by(Notification.user_id, Notification.created_at)))
    by_user: dict[int, list[Notification]] = {}
    for n in rows:
        by_user.setdefault(n.user_id, []).append(n)
    now = clock.real_now()
    sent = 0
    for user in session.scalars(select(User).where(User.id.in_(list(by_user)))):
        if not user.email or not user.active:
            continue
        loc = mailer.locale_of(user)
        items = []
        for n in by_user[user.id]:
            t = mailer.texts(n.kind, n.params or {}, n.object_type, loc)
            items.append({**t, "link": mailer.public_url() + facts.path_for(n.object_type, n.object_id)})
            n.emailed_at = now
        subject = mailer.translate(_("Zestawienie powiadomień: %(n)s"), loc, n=len(items))
        text, html = mailer.render("digest", loc, name=user.full_name or "", items=items, subject=subject,
                                   preferences=mailer.public_url() + "/account/#notifications")
        outbox.emit_email(session, user.email, subject, text, html=html)
        sent += 1
    session.commit()
    return sent


def run(session, now: datetime | None = None) -> dict:
    """The scheduled step: today's digest once it is DIGEST_HOUR in Warsaw, this week's newsletter
    on Mondays; each claimed once in the database whichever worker gets there first."""
    now = now or clock.now()
    out = {"digests": 0, "newsletters": 0}
    if local(now).hour >= DIGEST_HOUR:
        name = f"digest:{warsaw_date(now).isoformat()}"
        if claim_run(session, name):
            out["digests"] = send_digests(session, name)
    if warsaw_date(now).weekday() == WEEKLY_WEEKDAY and local(now).hour >= DIGEST_HOUR:
        year, week, _day = warsaw_date(now).isocalendar()
        name = f"newsletter:{year}-W{week:02d}"
        if claim_run(session, name):
            out["newsletters"] = subscriptions.send_weekly(session, name)
            session.commit()
    return out
