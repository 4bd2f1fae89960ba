"""The SMTP step of an e-mail, made idempotent: one row per Message-ID records where its
delivery got to, in a transaction of its own, so that it survives the worker being killed.

    begin()  "sending" is committed before the SMTP conversation starts;
    sent()   "sent" is committed as soon as the server has accepted the message (before QUIT);
    failed() the attempt failed knowingly (refused, server error): nothing was delivered.

A later delivery of the same outbox event (a dramatiq retry, the relay, a requeued message)
calls begin() again and:
- finds "sent": the mail went, only the outbox row was not marked done; nothing is sent again
  (this closes the gap the issue saw: a worker killed between the mail and the outbox row);
- finds "failed" or no row: sends;
- finds "sending": the attempt before it was interrupted (the worker killed, the machine down).
  Whether the server got the message is unknown only if the interruption fell between the
  server's "250 accepted" for the data and the commit of "sent", a window of one database round
  trip. Resolved on the side of delivery: the message is sent again, with the same Message-ID
  and Date, and the row counts the interruption (`interrupted`). So a mail is never lost and is
  delivered twice at most once per interruption inside that window, as the same message, which
  mail clients show once (they deduplicate by Message-ID).

On PostgreSQL the actor holds the outbox row locked (FOR UPDATE) while the handler runs, so two
deliveries of one event never overlap and a "sending" row met under the lock is always an
interrupted attempt. (SQLite, the single-process embedded default, takes no such lock.)
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import clock
from .db import Base
from .types import UTCDateTime

SENDING, SENT, FAILED = "sending", "sent", "failed"
STATES = (SENDING, SENT, FAILED)

log = logging.getLogger(__name__)


class MailDelivery(Base):
    __tablename__ = "mail_deliveries"

    message_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), index=True)
    state: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    interrupted: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)


def _row(s: Session, message_id: str) -> MailDelivery | None:
    q = select(MailDelivery).where(MailDelivery.message_id == message_id)
    if s.bind.dialect.name == "postgresql":
        q = q.with_for_update()
    return s.scalar(q)


def begin(s: Session, message_id: str, event_id: str) -> bool:
    """Records "sending" and commits; False when the message was sent already (send nothing)."""
    row = _row(s, message_id)
    now = clock.real_now()
    if row is None:
        row = MailDelivery(message_id=message_id, event_id=event_id, attempts=0, interrupted=0, started_at=now)
        s.add(row)
    elif row.state == SENT:
        s.rollback()
        return False
    elif row.state == SENDING:
        row.interrupted += 1
        log.warning("mail %s: the attempt started at %s was interrupted; sending it again with the same "
                    "Message-ID (a copy may already have gone)", message_id, row.started_at.isoformat())
    row.state, row.attempts, row.started_at = SENDING, row.attempts + 1, now
    s.commit()
    return True


def sent(s: Session, message_id: str) -> None:
    row = _row(s, message_id)
    row.state, row.sent_at, row.last_error = SENT, clock.real_now(), None
    s.commit()


def failed(s: Session, message_id: str, error: BaseException) -> None:
    row = _row(s, message_id)
    if row is not None and row.state == SENDING:
        row.state, row.last_error = FAILED, f"{type(error).__name__}: {error}"[:2000]
    s.commit()
