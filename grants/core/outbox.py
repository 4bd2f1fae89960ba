"""Transactional outbox: domain events written with the change, delivered after commit.

A row is done only when its job has run, so nothing is lost with the broker down or when a
short-lived process exits before a worker ran: the relay picks pending rows up again.

A pending row is handed to the broker once after its commit, and by the relay again only when
its lease has run out (`next_relay_at`, doubling with each re-send: grants.jobs.relay), never on
every relay tick: with the worker down, the messages already queued are not multiplied.
"""
from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime
from email.utils import format_datetime
from typing import Callable

from sqlalchemy import Integer, String, Text, and_, event, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import canonical, clock
from .db import Base
from .types import UTCDateTime

PENDING, DONE, FAILED = "pending", "done", "failed"

log = logging.getLogger(__name__)


class OutboxEvent(Base):
    __tablename__ = "outbox_events"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    topic: Mapped[str] = mapped_column(String(100))
    payload: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[str] = mapped_column(String(10), default=PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: the relay's bookkeeping: when it last handed the row to the broker, how many times, and
    #: when it may do so again (None: not yet re-sent; due one lease after `created_at`)
    enqueued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    enqueues: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_relay_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def data(self) -> dict:
        return json.loads(self.payload or "{}")


_dispatch: Callable[[list[str]], None] | None = None


def set_dispatcher(fn: Callable[[list[str]], None] | None) -> None:
    """The application plugs in how event ids reach the job queue."""
    global _dispatch
    _dispatch = fn


def event_values(session: Session, topic: str, payload: dict, event_id: str | None = None) -> dict:
    """A new pending event as column values, dispatched after the session's commit; the caller
    inserts it (`emit`, or the engine's one statement)."""
    values = {"id": event_id or str(uuid.uuid4()), "topic": topic, "payload": canonical.dumps(payload),
              "status": PENDING, "attempts": 0, "enqueues": 0, "created_at": clock.real_now()}
    session.info.setdefault("outbox_new", []).append(values["id"])
    return values


def emit(session: Session, topic: str, payload: dict, event_id: str | None = None) -> OutboxEvent:
    ev = OutboxEvent(**event_values(session, topic, payload, event_id))
    session.add(ev)
    return ev


#: the domain of the Message-IDs of the mails the application sends
MESSAGE_ID_DOMAIN = "grants.local"


def message_id_for(event_id: str) -> str:
    return f"<{event_id}@{MESSAGE_ID_DOMAIN}>"


def emit_email(session: Session, to: str, subject: str, body: str, *, html: str | None = None,
               headers: dict | None = None, attachments: list[dict] | None = None) -> OutboxEvent:
    """An e-mail to send after commit (topic "email.send"). Its Message-ID and Date are fixed here,
    once, and stored with the row: every delivery attempt sends the same message, so a copy that
    does get through twice (see grants.core.mail_deliveries) is one mail to the recipient's client."""
    event_id = str(uuid.uuid4())
    payload = {"to": to, "subject": str(subject), "body": str(body), "message_id": message_id_for(event_id),
               "date": format_datetime(clock.real_now())}
    if html:  # an HTML alternative to the plain text
        payload["html"] = str(html)
    if headers:  # e.g. List-Unsubscribe (RFC 8058)
        payload["headers"] = {str(k): str(v) for k, v in headers.items()}
    if attachments:  # small text files, e.g. an iCalendar invitation: {filename, content_type, text}
        payload["attachments"] = [{k: str(a[k]) for k in ("filename", "content_type", "text")} for a in attachments]
    return emit(session, "email.send", payload, event_id=event_id)


def requeue(session: Session, ev: OutboxEvent) -> None:
    """A failed row (e.g. mail the admin retries) is pending again and sent after commit."""
    ev.status, ev.attempts, ev.next_relay_at = PENDING, 0, clock.real_now()
    session.info.setdefault("outbox_new", []).append(ev.id)


def due_for_relay(session: Session, now: datetime, first_after: datetime, limit: int = 500) -> list[tuple[str, int]]:
    """Pending rows whose lease has run out: (id, enqueues so far). `first_after`: a row never
    re-sent is due when it was created at or before this moment."""
    q = (select(OutboxEvent.id, OutboxEvent.enqueues).where(OutboxEvent.status == PENDING)
         .where(or_(and_(OutboxEvent.next_relay_at.is_(None), OutboxEvent.created_at <= first_after),
                    OutboxEvent.next_relay_at <= now)))
    return [(i, n) for i, n in session.execute(q.order_by(OutboxEvent.created_at).limit(limit))]


def claim_for_relay(session: Session, ids: list[str], enqueues: int, now: datetime,
                    next_relay_at: datetime) -> list[str]:
    """Takes the rows (that had `enqueues` re-sends) for one more; returns those this caller got.
    The condition on `enqueues` makes two relays (web, worker, scheduler) never both send a row."""
    if not ids:
        return []
    got = session.scalars(update(OutboxEvent)
                          .where(OutboxEvent.id.in_(ids), OutboxEvent.status == PENDING,
                                 OutboxEvent.enqueues == enqueues)
                          .values(enqueues=enqueues + 1, enqueued_at=now, next_relay_at=next_relay_at)
                          .returning(OutboxEvent.id)
                          .execution_options(synchronize_session=False))
    return list(got)


def release_claim(session: Session, ids: list[str], enqueues: int) -> None:
    """The broker refused the rows just claimed: due again at once, as if never re-sent."""
    if ids:
        session.execute(update(OutboxEvent)
                        .where(OutboxEvent.id.in_(ids), OutboxEvent.status == PENDING,
                               OutboxEvent.enqueues == enqueues + 1)
                        .values(enqueues=enqueues, next_relay_at=clock.real_now())
                        .execution_options(synchronize_session=False))


def mark_due(session: Session, ids: list[str]) -> None:
    """The rows never reached the broker (dispatch after commit failed): the relay's next tick takes them."""
    session.execute(update(OutboxEvent).where(OutboxEvent.id.in_(ids), OutboxEvent.status == PENDING)
                    .values(next_relay_at=clock.real_now()).execution_options(synchronize_session=False))


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    ids = session.info.pop("outbox_new", None)
    if ids and _dispatch is not None:
        try:
            _dispatch(ids)
        except Exception as e:  # noqa: BLE001 - the change is committed; the relay re-sends the rows
            log.warning("outbox: %d event(s) left pending, dispatch failed: %s: %s",
                        len(ids), type(e).__name__, e)
            _mark_due_after_failed_dispatch(session, ids)


def _mark_due_after_failed_dispatch(session: Session, ids: list[str]) -> None:
    # without this the rows would wait a whole lease, as if their messages were queued
    try:
        with Session(bind=session.get_bind()) as s:
            mark_due(s, ids)
            s.commit()
    except Exception as e:  # noqa: BLE001 - then they wait for their lease: late, not lost
        log.warning("outbox: could not mark %d event(s) due: %s: %s", len(ids), type(e).__name__, e)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    # the outermost transaction ended without a commit (rollback, close): its events never existed
    if transaction.parent is None:
        session.info.pop("outbox_new", None)
