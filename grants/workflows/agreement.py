"""Agreement (DOMAIN.md §4): draft → signed → in_progress → reporting → settling → closed; terminated
from any state before closed. R-AGR-FROM-OFFER, R-AGR-TRANCHES."""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field
from sqlalchemy import select

from grants.agreements.checks import schedule_tranches, sign_problems
from grants.agreements.models import AGREEMENT_STATES, Agreement
from grants.contests.conclusion import maybe_conclude
from grants.core.dates import end_of_day, start_of_day
from grants.core.i18n import _
from grants.core.permissions import ADMIN, FINANCE, OFFICER, same_grantor
from grants.reports.effects import open_final
from grants.reports.models import Report
from grants.settlements.effects import open_settlement
from grants.settlements.models import Settlement
from grants.workflows.registry import bind

from .base import Reason, Workflow, transition

STATES = AGREEMENT_STATES
STAFF = (OFFICER, ADMIN)


def officer_of(obj, actor) -> bool:
    if ADMIN in actor.role_names:
        return same_grantor(obj, actor)
    return obj.department_id is not None and obj.department_id == getattr(actor, "department_id", None)


def ready_to_sign(obj, ctx):
    problems = sign_problems(obj)
    if problems:
        return Reason(" ".join(str(p) for p in problems), "R-AGR-TRANCHES")
    return None


def record_signatures(obj, ctx):
    obj.signed_by_organisation_on = ctx.payload["signed_by_organisation_on"]  # validated: dates as dates
    obj.signed_by_grantor_on = ctx.payload["signed_by_grantor_on"]
    ctx.changes["signed"] = [str(obj.signed_by_organisation_on), str(obj.signed_by_grantor_on)]
    schedule_tranches(ctx, obj)
    open_final(ctx.session, obj)  # R-REP-FINAL: the final report exists, due 30 days after the task ends


def final_report_accepted(obj, ctx):

    state = ctx.session.scalar(select(Report.state).where(Report.agreement_id == obj.id, Report.kind == "final"))
    if state != "accepted":
        return Reason(_("Rozliczenie otwiera przyjęcie sprawozdania końcowego."), "R-REP-FINAL")
    return None


def record_termination(obj, ctx):
    obj.terminated_reason = ctx.payload["reason"]
    ctx.changes["terminated_reason"] = obj.terminated_reason
    open_settlement(ctx.session, obj)  # termination opens the settlement


def settlement_closed(obj, ctx):

    state = ctx.session.scalar(select(Settlement.state).where(Settlement.agreement_id == obj.id))
    if state != "closed":
        return Reason(_("Umowę zamyka zamknięcie jej rozliczenia."), "R-SET-RETURN")
    return None


def conclude_contest(obj, ctx):
    """The last agreement closed concludes its contest (DOMAIN.md §4), also when the agreement is closed
    after its settlement (a final report accepted before the task ended)."""
    maybe_conclude(ctx, obj.contest_id)


class SignPayload(BaseModel):
    model_config = {"extra": "forbid"}
    signed_by_organisation_on: date
    signed_by_grantor_on: date


class ReasonPayload(BaseModel):
    model_config = {"extra": "forbid"}
    reason: str = Field(min_length=3, max_length=4000)


def _start(a):
    return start_of_day(a.task_start) if a.task_start else None


def _end(a):
    return end_of_day(a.task_end) if a.task_end else None


AGREEMENT = Workflow(
    name="agreement", object_type="agreement", states=STATES, initial="draft",
    transitions=[
        transition("sign", "draft", "signed", _("Zarejestruj podpisanie umowy"), roles=STAFF, relation=officer_of,
                   payload=SignPayload, guards=(ready_to_sign,), effects=(record_signatures,), rule="R-AGR-TRANCHES"),
        transition("start", "signed", "in_progress", _("Rozpoczęcie realizacji (termin)"), when=_start),
        transition("finish", "in_progress", "reporting", _("Zakończenie realizacji (termin)"), when=_end),
        transition("begin_settlement", "reporting", "settling", _("Przekaż do rozliczenia"), roles=STAFF,
                   relation=officer_of, guards=(final_report_accepted,), rule="R-REP-FINAL"),
        transition("close", "settling", "closed", _("Zamknij umowę (rozliczona)"), roles=(FINANCE, ADMIN),
                   guards=(settlement_closed,), effects=(conclude_contest,)),
        transition("terminate", ("draft", "signed", "in_progress", "reporting", "settling"), "terminated",
                   _("Rozwiąż umowę"), roles=STAFF, relation=officer_of, payload=ReasonPayload,
                   effects=(record_termination,)),
    ],
)

bind(Agreement, AGREEMENT)
