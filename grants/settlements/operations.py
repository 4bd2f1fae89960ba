"""The only place that changes settlements (transitions through the engine; returns booked here)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from grants.agreements.models import Agreement
from grants.agreements.operations import visible as agreement_visible
from grants.workflows.base import apply_transition

from .calculation import book_payment  # noqa: F401 - the operation that records a return
from .effects import open_settlement  # noqa: F401 - run by the agreement's effects, here for callers
from .models import Settlement


def visible(q, user):
    return q.where(Settlement.agreement_id.in_(agreement_visible(select(Agreement.id), user)))


def transition(session: Session, s: Settlement, name: str, actor, payload=None, expected_version=None):
    return apply_transition(session, s, name, actor, payload, expected_version)
