"""Contest (DOMAIN.md §4): planned → draft → published → closed → formal_review → evaluation →
decided → concluded; cancelled from any state before decided. R-ANN-*, R-CANCEL."""
from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, Field
from sqlalchemy import func, select

from grants.calltypes import get
from grants.contests.announcement import freeze
from grants.contests.conclusion import unsettled
from grants.contests.decision import decide
from grants.contests.models import CONTEST_STATES, Contest
from grants.contests.rules import content_problems, days21_problem, param_problems
from grants.core.i18n import _
from grants.core.permissions import ADMIN, OFFICER, same_grantor
from grants.core.types import Money
from grants.offers.models import Offer
from grants.offers.queries import count_in_states
from grants.workflows.registry import bind
from reviewers.models import Commission

from .base import Reason, Workflow, transition

STATES = CONTEST_STATES
STAFF = (OFFICER, ADMIN)
BEFORE_DECISION = ("planned", "draft", "published", "closed", "formal_review", "evaluation")


def same_department(obj, actor) -> bool:
    if ADMIN in actor.role_names:
        return same_grantor(obj, actor)
    return obj.department_id is not None and obj.department_id == getattr(actor, "department_id", None)


def announcement_complete(obj, ctx):
    problems = content_problems(obj) + param_problems(obj)
    problems += [(p.field, p.message) for p in get(obj.call_type).extra_publish_problems(obj)]
    if problems:
        return Reason(_("Ogłoszenie jest niekompletne: %(list)s",
                        list=" ".join(str(m) for _f, m in problems)), "R-ANN-CONTENT")
    return None


def deadline_21_days(obj, ctx):
    problem = days21_problem(obj, ctx.now)
    return Reason(problem, "R-ANN-21DAYS") if problem else None


def freeze_announcement(obj, ctx):
    freeze(obj, ctx.now)
    ctx.changes["published_at"] = [None, ctx.now]


def all_offers_decided_formally(obj, ctx):
    ct = get(obj.call_type)
    if not ct.takes_offers:  # e.g. a concept call: the type says when it is ready
        return ct.ready_for_evaluation(ctx.session, obj)
    pending = count_in_states(ctx.session, obj.id, ("submitted", "needs_correction"))
    if pending:
        return Reason(_("Ocena formalna trwa: %(n)s ofert czeka na decyzję lub uzupełnienie.", n=pending),
                      "R-FORM-CORRECT")
    if not count_in_states(ctx.session, obj.id, ("eligible",)):
        return Reason(_("Żadna oferta nie spełnia wymogów formalnych: konkurs należy unieważnić."), "R-CANCEL")
    return None


def record_cancellation(obj, ctx):
    obj.cancel_reason = ctx.payload["reason"]
    obj.cancelled_at = ctx.now
    ctx.changes["cancel_reason"] = [None, obj.cancel_reason]


def commission_approved(obj, ctx):

    c = ctx.session.scalar(select(Commission).where(Commission.contest_id == obj.id))
    if c is None or c.state != "approved":
        return Reason(_("Decyzję podejmuje się po zaopiniowaniu ofert przez komisję: protokół musi być zatwierdzony."),
                      "R-COM-MANDATORY")
    return None


def within_budget(obj, ctx):
    """R-ALLOC: the amounts the decision will award (the proposals of the offers still eligible, as
    `decide` reads them) sum to no more than the budget. Money is whole grosze in a BIGINT: the
    SUM keeps the column's Money type, so it comes back as exact PLN (None when nothing to sum),
    read here under the contest's row lock (apply_transition), which set_amounts takes too."""


    total = ctx.session.scalar(select(func.sum(Offer.proposed_grant, type_=Money()))
                               .where(Offer.contest_id == obj.id, Offer.state == "eligible"))
    total = Decimal("0.00") if total is None else total
    if obj.budget is not None and total > obj.budget:
        return Reason(_("Suma proponowanych dotacji (%(t)s zł) przekracza budżet konkursu (%(b)s zł).",
                        t=total, b=obj.budget), "R-ALLOC")
    return None


def apply_decision(obj, ctx):
    ct = get(obj.call_type)
    if not ct.takes_offers:
        ct.decide(ctx, obj)
        return
    decide(ctx, obj)


def all_settled(obj, ctx):
    n = unsettled(ctx.session, obj.id)
    if n is None or n > 0:
        return Reason(_("Konkurs kończy się, gdy każda umowa jest zamknięta albo rozwiązana z zamkniętym rozliczeniem."),
                      "R-SET-RETURN")
    return None


class ReasonPayload(BaseModel):
    model_config = {"extra": "forbid"}
    reason: str = Field(min_length=3, max_length=4000)


CONTEST = Workflow(
    name="contest", object_type="contest", states=STATES, initial="draft",
    transitions=[
        transition("prepare", "planned", "draft", _("Rozpocznij przygotowanie"), roles=STAFF, relation=same_department),
        transition("publish", "draft", "published", _("Opublikuj ogłoszenie"), roles=STAFF, relation=same_department,
                   guards=(announcement_complete, deadline_21_days), effects=(freeze_announcement,),
                   rule="R-ANN-21DAYS"),
        transition("close", "published", "closed", _("Zamknij nabór (termin składania ofert)"),
                   when=lambda c: c.deadline),
        transition("start_formal_review", "closed", "formal_review", _("Rozpocznij ocenę formalną"), roles=STAFF,
                   relation=same_department),
        transition("start_evaluation", "formal_review", "evaluation", _("Przekaż do oceny merytorycznej"),
                   roles=STAFF, relation=same_department, guards=(all_offers_decided_formally,)),
        transition("decide", "evaluation", "decided", _("Rozstrzygnij konkurs i opublikuj wyniki"), roles=STAFF,
                   relation=same_department, guards=(commission_approved, within_budget), effects=(apply_decision,),
                   rule="R-RESULTS"),
        transition("conclude", "decided", "concluded", _("Zakończ (wszystkie umowy rozliczone)"), roles=STAFF,
                   relation=same_department, guards=(all_settled,)),
        transition("cancel", BEFORE_DECISION, "cancelled", _("Unieważnij konkurs"), roles=STAFF,
                   relation=same_department, payload=ReasonPayload, effects=(record_cancellation,), rule="R-CANCEL"),
    ],
)

bind(Contest, CONTEST)
