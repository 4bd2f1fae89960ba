"""Small grant, art. 19a UDPP (DOMAIN.md §4): submitted → published → comments_closed → awarded |
refused; withdrawn. R-19A-LIMITS, R-19A-PUBLISH."""
from __future__ import annotations

from pydantic import BaseModel, Field

from grants.core.dates import days_after, end_of_day, warsaw_date
from grants.core.i18n import _
from grants.core.permissions import ADMIN, APPLICANT, OFFICER, same_grantor
from grants.small_grants.limits import award_problems
from grants.small_grants.models import SMALL_GRANT_STATES, SmallGrant
from grants.workflows.registry import bind

from .base import Reason, Workflow, transition
from .errors import GuardRefused
from .relations import board_of_applicant

STATES = SMALL_GRANT_STATES
STAFF = (OFFICER, ADMIN)


def officer_of(obj, actor) -> bool:
    """Admins, or an officer of the department the offer is assigned to (one without a department
    is the admins' until one assigns it: grants.registry.departments)."""
    if ADMIN in actor.role_names:
        return same_grantor(obj, actor)
    return obj.department_id is not None and obj.department_id == getattr(actor, "department_id", None)


def open_for_comments(obj, ctx):
    obj.published_at = ctx.now
    obj.comments_close_at = end_of_day(days_after(warsaw_date(ctx.now), 7))
    ctx.changes["comments_close_at"] = obj.comments_close_at


def yearly_caps(obj, ctx):
    problems = award_problems(ctx.session, obj, ctx.now)
    if problems:
        return Reason(" ".join(str(p) for p in problems), "R-19A-LIMITS")
    return None


def record_award(obj, ctx):
    # checked again under the year's lock: two awards racing for the last of the cap never both pass
    problems = award_problems(ctx.session, obj, ctx.now, lock=True)
    if problems:
        raise GuardRefused(Reason(" ".join(str(p) for p in problems), "R-19A-LIMITS"))
    obj.decided_at = ctx.now
    obj.decision = ctx.payload.get("justification") or ""


def record_refusal(obj, ctx):
    obj.decided_at = ctx.now
    obj.decision = ctx.payload["justification"]
    ctx.changes["decision"] = obj.decision


class JustificationPayload(BaseModel):
    model_config = {"extra": "forbid"}
    justification: str = Field(min_length=3, max_length=10000)


class OptionalJustification(BaseModel):
    model_config = {"extra": "forbid"}
    justification: str | None = Field(default=None, max_length=10000)


class OptionalReason(BaseModel):
    model_config = {"extra": "forbid"}
    reason: str | None = Field(default=None, max_length=4000)


SMALL_GRANT = Workflow(
    name="small_grant", object_type="small_grant", states=STATES, initial="submitted",
    transitions=[
        transition("publish", "submitted", "published", _("Opublikuj na 7 dni (uwagi)"), roles=STAFF,
                   relation=officer_of, effects=(open_for_comments,), rule="R-19A-PUBLISH"),
        transition("close_comments", "published", "comments_closed", _("Zamknij zbieranie uwag"),
                   when=lambda o: o.comments_close_at, rule="R-19A-PUBLISH"),
        transition("award", "comments_closed", "awarded", _("Przyznaj dotację"), roles=STAFF, relation=officer_of,
                   payload=OptionalJustification, guards=(yearly_caps,), effects=(record_award,), rule="R-19A-LIMITS"),
        transition("refuse", "comments_closed", "refused", _("Odmów (z uzasadnieniem)"), roles=STAFF,
                   relation=officer_of, payload=JustificationPayload, effects=(record_refusal,)),
        transition("withdraw", ("submitted", "published"), "withdrawn", _("Wycofaj ofertę"), roles=(APPLICANT,),
                   relation=board_of_applicant, payload=OptionalReason),
    ],
)

bind(SmallGrant, SMALL_GRANT)
