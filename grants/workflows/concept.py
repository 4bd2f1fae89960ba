"""Concept, stage 1 of an innovation pilot (DOMAIN.md §4, S9): draft → submitted → shortlisted |
not_shortlisted; withdrawn by its organisation before the shortlist. The concept call's decision
shortlists or not (grants.calltypes.innovation.shortlist); no money is awarded at this stage."""
from __future__ import annotations

from pydantic import BaseModel, Field

from grants.calltypes.innovation.concepts import number_for, problems
from grants.calltypes.innovation.models import CONCEPT_STATES, Concept
from grants.core.i18n import _
from grants.core.permissions import ADMIN, APPLICANT, OFFICER, same_grantor
from grants.workflows.registry import bind

from .base import Reason, Workflow, transition
from .relations import board_of_applicant

STATES = CONCEPT_STATES


def member(obj, actor) -> bool:
    return obj.organisation_id in getattr(actor, "organisation_ids", frozenset())


def call_open(obj, ctx):
    c = obj.contest
    at = ctx.now  # the request's arrival for submissions (apply_transition's received_at)
    if c.state != "published" or c.deadline is None or at > c.deadline:
        return Reason(_("Nabór koncepcji jest zamknięty."), "R-OFF-DEADLINE")
    return None


def complete(obj, ctx):
    found = problems(obj)
    if found:
        return Reason(_("Koncepcja jest niekompletna: %(list)s", list=" ".join(p["message"] for p in found)))
    return None


def record_submission(obj, ctx):
    if obj.number is None:
        obj.number = number_for(ctx.session, obj)
    obj.submitted_at = ctx.now
    ctx.changes["submitted_at"] = [None, obj.submitted_at]


def officer_of_call(obj, actor) -> bool:
    if ADMIN in actor.role_names:
        return same_grantor(obj, actor)
    d = obj.contest.department_id
    return d is not None and d == getattr(actor, "department_id", None)


def call_decided(obj, ctx):
    if obj.contest.state != "decided":
        return Reason(_("O kwalifikacji do etapu II rozstrzyga decyzja kończąca nabór koncepcji."), "R-RESULTS")
    return None


def before_shortlist(obj, ctx):
    if obj.contest.state in ("decided", "concluded", "cancelled"):
        return Reason(_("Po rozstrzygnięciu naboru koncepcji nie można wycofać."))
    return None


def record_withdrawal(obj, ctx):
    obj.withdraw_reason = (ctx.payload or {}).get("reason") or ""


class WithdrawPayload(BaseModel):
    model_config = {"extra": "forbid"}
    reason: str = Field(default="", max_length=2000)


CONCEPT = Workflow(
    name="concept", object_type="concept", states=STATES, initial="draft",
    transitions=[
        transition("submit", "draft", "submitted", _("Złóż koncepcję"), roles=(APPLICANT,), relation=board_of_applicant,
                   guards=(call_open, complete), effects=(record_submission,), rule="R-OFF-DEADLINE"),
        transition("withdraw", ("draft", "submitted"), "withdrawn", _("Wycofaj koncepcję"), roles=(APPLICANT,),
                   relation=board_of_applicant, payload=WithdrawPayload, guards=(before_shortlist,), effects=(record_withdrawal,)),
        # performed by the concept call's decision (the commission's ranking decides), not one by one
        transition("shortlist", "submitted", "shortlisted", _("Zakwalifikuj do etapu II"), roles=(OFFICER, ADMIN),
                   relation=officer_of_call, guards=(call_decided,), rule="R-RESULTS"),
        transition("not_shortlist", "submitted", "not_shortlisted", _("Nie kwalifikuj"), roles=(OFFICER, ADMIN),
                   relation=officer_of_call, guards=(call_decided,), rule="R-RESULTS"),
    ],
)

bind(Concept, CONCEPT)
