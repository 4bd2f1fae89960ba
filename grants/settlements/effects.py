"""What other workflows' effects do to settlements: terminating an agreement or accepting its final
report opens the settlement. Below the declarations (grants.workflows.agreement and .report import
it); the settlement's own changes are in operations.py."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from grants.core import clock
from grants.workflows.base import record_change

from .models import Settlement


def open_settlement(session: Session, agreement) -> Settlement:
    s = session.scalar(select(Settlement).where(Settlement.agreement_id == agreement.id))
    if s is None:
        s = Settlement(agreement_id=agreement.id, agreement=agreement, findings=[], lines=[], obligations=[],
                       state=Settlement.__workflow__.initial, version=1, created_at=clock.now())
        session.add(s)
        session.flush()
        record_change(session, s, "open", None, {"agreement_id": agreement.id})
    return s
