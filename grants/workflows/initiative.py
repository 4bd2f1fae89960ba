"""Own-initiative offer, art. 12 UDPP (DOMAIN.md §4): submitted → under_assessment → expedient |
not_expedient; withdrawn. R-ART12-MONTH, R-ART12-OUTCOME, R-ART12-CONFIDENTIAL."""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from grants.core.dates import warsaw_date
from grants.core.i18n import _
from grants.core.permissions import ADMIN, APPLICANT, OFFICER, same_grantor
from grants.initiatives.models import INITIATIVE_STATES, Initiative
from grants.initiatives.outcome import notify_applicant, plan_contest
from grants.workflows.registry import bind

from .base import Reason, Workflow, transition
from .relations import board_of_applicant

STATES = INITIATIVE_STATES
STAFF = (OFFICER, ADMIN)


def officer_of(obj, actor) -> bool:
    """Admins, or an officer of the department the offer is assigned to (one without a department
    is the admins' until one assigns it: grants.registry.departments)."""
    if ADMIN in actor.role_names:
        return same_grantor(obj, actor)
    return obj.department_id is not None and obj.department_id == getattr(actor, "department_id", None)


def announcement_in_future(obj, ctx):
    d = ctx.payload.get("announcement_date")
    if d is None:
        # asking what is available (no payload yet): the payload schema requires the date anyway
        return None
    if d < warsaw_date(ctx.now):  # "today" in Warsaw, not in UTC
        return Reason(_("Data ogłoszenia konkursu nie może być w przeszłości."), "R-ART12-OUTCOME")
    return None


def create_planned_contest(obj, ctx):
    contest = plan_contest(ctx, obj)
    obj.planned_contest_id = contest.id
    obj.decision = ctx.payload.get("justification") or ""
    obj.decided_at = ctx.now
    ctx.changes["planned_contest_id"] = contest.id


def record_refusal(obj, ctx):
    obj.decision = ctx.payload["justification"]
    obj.decided_at = ctx.now
    ctx.changes["decision"] = obj.decision


def notify(obj, ctx):
    notify_applicant(ctx, obj)


def stamp_assessment(obj, ctx):
    obj.assessment_started_at = ctx.now


class ExpedientPayload(BaseModel):
    model_config = {"extra": "forbid"}
    announcement_date: date
    justification: str | None = Field(default=None, max_length=10000)


class JustificationPayload(BaseModel):
    model_config = {"extra": "forbid"}
    justification: str = Field(min_length=3, max_length=10000)


class OptionalReason(BaseModel):
    model_config = {"extra": "forbid"}
    reason: str | None = Field(default=None, max_length=4000)


INITIATIVE = Workflow(
    name="initiative", object_type="initiative", states=STATES, initial="submitted",
    transitions=[
        transition("start_assessment", "submitted", "under_assessment", _("Rozpocznij ocenę celowości"), roles=STAFF,
                   relation=officer_of, effects=(stamp_assessment,), rule="R-ART12-MONTH"),
        transition("deem_expedient", "under_assessment", "expedient", _("Uznaj za celową: ogłoś konkurs"),
                   roles=STAFF, relation=officer_of, payload=ExpedientPayload, guards=(announcement_in_future,),
                   effects=(create_planned_contest, notify), rule="R-ART12-OUTCOME"),
        transition("deem_not_expedient", "under_assessment", "not_expedient", _("Uznaj za niecelową"), roles=STAFF,
                   relation=officer_of, payload=JustificationPayload, effects=(record_refusal, notify),
                   rule="R-ART12-MONTH"),
        transition("withdraw", ("submitted", "under_assessment"), "withdrawn", _("Wycofaj ofertę"),
                   roles=(APPLICANT,), relation=board_of_applicant, payload=OptionalReason),
    ],
)

bind(Initiative, INITIATIVE)
