"""Shared set-up for the "before the contest" tests (issue 7): consultations with directions,
programmes and the calendar, art. 12 initiatives, art. 19a small grants."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grants.core import db


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch):
    from argon2 import PasswordHasher

    from grants.accounts import passwords
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def fresh(model, pk):
    """The row as the database has it now (another session, nothing cached)."""
    with Session(db.get_engine(), expire_on_commit=False) as s:
        return s.get(model, pk)


def count(*models) -> tuple[int, ...]:
    from grants.core.audit import AuditEntry
    with Session(db.get_engine()) as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) for m in (*models, AuditEntry))


def rows(model, *where):
    with Session(db.get_engine(), expire_on_commit=False) as s:
        return s.scalars(select(model).where(*where).order_by(model.id)).all()


def outbox(topic: str) -> list[dict]:
    from grants.core.outbox import OutboxEvent
    return [e.data for e in rows(OutboxEvent, OutboxEvent.topic == topic)]


def version_of(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)


def open_consultation(session, officer, *, days: int = 14, fields=("culture",), title="Program współpracy"):
    from grants.consultations import operations as cops
    from grants.core import clock
    now = clock.now()
    c = cops.create(session, officer, title=title, description="Kierunki konkursów na przyszły rok.",
                    fields=list(fields), starts_at=now - timedelta(hours=1), ends_at=now + timedelta(days=days))
    session.commit()
    cops.transition(session, c, "open", officer)
    return c


@pytest.fixture
def officer(make_user):
    return make_user("officer")


@pytest.fixture
def ngo(make_org, make_user):
    org = make_org("Stowarzyszenie Sąsiedzi")
    return make_user("applicant", org=org), org
