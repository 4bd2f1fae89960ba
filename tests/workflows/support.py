"""Helpers shared by the engine, audit and migration tests: consultations built through the real
operations, and a look at the database from outside the session under test."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from grants.consultations import operations as ops
from grants.consultations.models import Consultation
from grants.core import clock, db


def new_consultation(session, officer, *, starts_in=timedelta(hours=1), lasts=timedelta(days=14),
                     title="Konsultacje programu współpracy 2027", commit=True, **kw) -> Consultation:
    now = clock.now()
    starts = None if starts_in is None else now + starts_in
    ends = None if lasts is None or starts is None else starts + lasts
    kw.setdefault("starts_at", starts)
    kw.setdefault("ends_at", ends)
    c = ops.create(session, officer, title=title, description="Opis", **kw)
    if commit:
        session.commit()
    return c


def snapshot(obj_id: int) -> dict:
    """What the database holds, read on a connection of its own (not through the session under test)."""
    with db.get_engine().connect() as c:
        row = c.execute(text("SELECT state, version, next_check_at, title, starts_at, ends_at, report "
                             "FROM consultations WHERE id = :i"), {"i": obj_id}).mappings().one()
        audit = c.execute(text("SELECT count(*) FROM audit_entries WHERE object_type = 'consultation' "
                               "AND object_id = :i"), {"i": str(obj_id)}).scalar()
        outbox = c.execute(text("SELECT count(*) FROM outbox_events")).scalar()
    return {**dict(row), "audit": audit, "outbox": outbox}


def audit_actions(obj_id: int) -> list[tuple[str, str]]:
    with db.get_engine().connect() as c:
        return [tuple(r) for r in c.execute(text(
            "SELECT action, actor_label FROM audit_entries WHERE object_type = 'consultation' "
            "AND object_id = :i ORDER BY seq"), {"i": str(obj_id)})]


def is_postgres() -> bool:
    return db.get_engine().dialect.name == "postgresql"
