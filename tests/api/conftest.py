"""Helpers for the API tests: consultations built through the real operations."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from grants.core import clock
from grants.core.audit import AuditEntry


@pytest.fixture
def make_consultation(session):
    """make_consultation(officer, state="draft"|"open"|"closed"|"reported", **values)."""
    from grants.consultations import operations as ops
    from grants.workflows.base import SYSTEM

    def _make(actor, state: str = "draft", **values):
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
    return _make


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
