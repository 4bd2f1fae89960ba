"""Effects receive the validated payload with its types (issue 19): a date field arrives as a date,
a count as an int; the audit entry keeps the JSON form. Checked through the consultation workflow
with a payload model that has a date and a number."""
from __future__ import annotations

import dataclasses
from datetime import date

from pydantic import BaseModel
from sqlalchemy import select

from grants.core.audit import AuditEntry
from grants.workflows.base import apply_transition
from grants.workflows.consultation import CONSULTATION

from .support import new_consultation


class DatedPayload(BaseModel):
    model_config = {"extra": "forbid"}
    on: date
    days: int


def test_effect_receives_dates_as_dates_and_the_audit_keeps_json(session, make_user, monkeypatch):
    officer = make_user("officer")
    c = new_consultation(session, officer)
    seen = {}

    def capture(obj, ctx):
        seen.update(payload=dict(ctx.payload), json=dict(ctx.payload_json))

    t = CONSULTATION.by_name["open"]
    monkeypatch.setitem(CONSULTATION.by_name, "open",
                        dataclasses.replace(t, payload=DatedPayload, effects=t.effects + (capture,)))
    apply_transition(session, c, "open", officer, {"on": "2026-05-04", "days": "14"}, c.version)

    assert seen["payload"] == {"on": date(2026, 5, 4), "days": 14}
    assert isinstance(seen["payload"]["on"], date)
    assert seen["json"] == {"on": "2026-05-04", "days": 14}
    entry = session.scalars(select(AuditEntry).where(AuditEntry.object_type == "consultation",
                                                     AuditEntry.action == "open")).one()
    assert entry.payload_data == {"on": "2026-05-04", "days": 14}


def test_transition_without_payload_model_gets_empty_payloads(session, make_user, monkeypatch):
    officer = make_user("officer")
    c = new_consultation(session, officer)
    seen = {}
    t = CONSULTATION.by_name["open"]
    monkeypatch.setitem(CONSULTATION.by_name, "open", dataclasses.replace(
        t, effects=t.effects + (lambda obj, ctx: seen.update(p=ctx.payload, j=ctx.payload_json),)))
    apply_transition(session, c, "open", officer, None, c.version)
    assert seen == {"p": {}, "j": {}}
