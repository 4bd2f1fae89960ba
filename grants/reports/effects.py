"""What workflows' effects do to reports, below the declarations (grants.workflows.agreement and
.report import it): signing an agreement opens its final report (R-REP-FINAL); accepting the final
report moves the agreement on to its settlement."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from grants.core import clock
from grants.settlements.effects import open_settlement
from grants.workflows.base import apply_transition

from .models import Report


def open_final(session: Session, agreement) -> Report:
    r = session.scalar(select(Report).where(Report.agreement_id == agreement.id, Report.kind == "final"))
    if r is None:
        r = Report(agreement_id=agreement.id, kind="final", due_on=agreement.final_report_due, content={},
                   state=Report.__workflow__.initial, version=1, created_at=clock.now())
        session.add(r)
        session.flush()
    return r


def final_report_accepted(ctx, report) -> None:
    a = report.agreement
    if a.state == "reporting":
        ctx.session.flush()  # the engine re-reads the agreement under lock: the report's state first
        apply_transition(ctx.session, a, "begin_settlement", ctx.actor, commit=False, received_at=ctx.now)
    open_settlement(ctx.session, a)
