"""What accepting the final report does: the agreement moves on to its settlement."""
from __future__ import annotations


def final_report_accepted(ctx, report) -> None:
    from grants.workflows.base import apply_transition
    a = report.agreement
    if a.state == "reporting":
        ctx.session.flush()  # the engine re-reads the agreement under lock: the report's state first
        apply_transition(ctx.session, a, "begin_settlement", ctx.actor, commit=False, received_at=ctx.now)
    from grants.settlements.operations import open_settlement
    open_settlement(ctx.session, a)
