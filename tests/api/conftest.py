"""Helpers for the API tests: consultations built through the real operations."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from grants.core import clock
from grants.core.audit import AuditEntry


def build_consultation(session, actor, state: str = "draft", **values):
    """A consultation of `actor`'s department walked to `state` (draft, open, closed, reported)."""
    from grants.consultations import operations as ops

    now = clock.now()
    values.setdefault("title", "Program współpracy 2027")
    values.setdefault("starts_at", now + timedelta(days=1))
    values.setdefault("ends_at", now + timedelta(days=15))
    obj = ops.create(session, actor, **values)
    session.commit()
    if state in ("open", "closed", "reported"):
        ops.transition(session, obj, "open", actor)
    if state in ("closed", "reported"):
        ops.transition(session, obj, "close_early", actor, {"reason": "koniec zbierania uwag"})
    if state == "reported":
        ops.transition(session, obj, "publish_report", actor, {"report": "Odpowiedzi na uwagi."})
    session.close()  # nothing left open to block the wipe; obj stays readable (detached)
    return obj


@pytest.fixture
def make_consultation(session):
    """make_consultation(officer, state="draft"|"open"|"closed"|"reported", **values)."""
    return lambda actor, state="draft", **values: build_consultation(session, actor, state, **values)


@pytest.fixture
def snapshot():
    """snapshot(id) → (version, state, audit entries of the object), read in a session of its own."""
    from sqlalchemy.orm import Session

    from grants.consultations.models import Consultation
    from grants.core import db

    def _snap(obj_id):
        with Session(db.get_engine()) as s:
            c = s.get(Consultation, int(obj_id))
            n = s.scalar(select(func.count()).select_from(AuditEntry)
                         .where(AuditEntry.object_type == "consultation", AuditEntry.object_id == str(obj_id)))
            return c.version, c.state, n
    return _snap
