"""Transactional outbox: domain events written with the change, delivered after commit.

A row is done only when its job has run, so nothing is lost with the broker down or when a
short-lived process exits before a worker ran: the relay picks pending rows up again.
"""
from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime
from typing import Callable

from sqlalchemy import Integer, String, Text, event, select
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

    @property
    def data(self) -> dict:
        return json.loads(self.payload or "{}")


_dispatch: Callable[[list[str]], None] | None = None


def set_dispatcher(fn: Callable[[list[str]], None] | None) -> None:
    """The application plugs in how event ids reach the job queue."""
    global _dispatch
    _dispatch = fn


def emit(session: Session, topic: str, payload: dict) -> OutboxEvent:
    ev = OutboxEvent(id=str(uuid.uuid4()), topic=topic, payload=canonical.dumps(payload),
                     status=PENDING, attempts=0, created_at=clock.real_now())
    session.add(ev)
    session.info.setdefault("outbox_new", []).append(ev.id)
    return ev


def pending_ids(session: Session, limit: int = 500, older_than: datetime | None = None) -> list[str]:
    q = select(OutboxEvent.id).where(OutboxEvent.status == PENDING)
    if older_than is not None:
        q = q.where(OutboxEvent.created_at <= older_than)
    return list(session.scalars(q.order_by(OutboxEvent.created_at).limit(limit)))


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    ids = session.info.pop("outbox_new", None)
    if ids and _dispatch is not None:
        try:
            _dispatch(ids)
        except Exception as e:  # noqa: BLE001 - the change is committed; the relay re-sends the rows
            log.warning("outbox: %d event(s) left pending, dispatch failed: %s: %s",
                        len(ids), type(e).__name__, e)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    # the outermost transaction ended without a commit (rollback, close): its events never existed
    if transaction.parent is None:
        session.info.pop("outbox_new", None)
