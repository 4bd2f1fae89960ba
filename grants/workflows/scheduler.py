"""Time-driven transitions (after Prozorro's chronograph): each object stores next_check_at;
`run_due` performs every automatic transition that has come due by the one clock.
Idempotent: a second run, or a concurrent one, finds nothing left to do."""
from __future__ import annotations

import logging

from sqlalchemy import select

from grants.core import clock, db

from .base import SYSTEM, apply_transition
from .errors import WorkflowError
from .registry import models

log = logging.getLogger(__name__)


def _due_transition(obj, now):
    for t in obj.__workflow__.transitions:
        if t.automatic and obj.state in t.source:
            moment = t.when(obj)
            if moment is not None and moment <= now:
                return t
    return None


def run_due(limit: int = 1000) -> int:
    """Returns how many transitions were performed."""
    done = 0
    s = db.session()
    try:
        postgres = s.bind.dialect.name == "postgresql"
        for model in models().values():
            now = clock.now()
            ids = list(s.scalars(select(model.id).where(model.next_check_at <= now)
                                 .order_by(model.next_check_at).limit(limit)))
            s.rollback()
            for obj_id in ids:
                q = select(model).where(model.id == obj_id)
                if postgres:
                    # another scheduler holding this row does the work; skip it
                    q = q.with_for_update(skip_locked=True)
                obj = s.scalar(q.execution_options(populate_existing=True))
                if obj is None:
                    s.rollback()
                    continue
                t = _due_transition(obj, clock.now())
                if t is None:
                    # nothing due any more (already done elsewhere): refresh the check moment
                    nxt = obj.__workflow__.next_check(obj)
                    if nxt != obj.next_check_at:
                        obj.next_check_at = nxt
                        s.commit()
                    else:
                        s.rollback()
                    continue
                try:
                    apply_transition(s, obj, t.name, SYSTEM)
                    done += 1
                except WorkflowError as e:
                    log.info("scheduled %s on %s %s skipped: %s", t.name, model.__name__, obj_id, e)
                except Exception:  # noqa: BLE001 - one broken object must not block every later one
                    log.exception("scheduled %s on %s %s failed", t.name, model.__name__, obj_id)
    finally:
        db.session.remove()
    return done
