"""Proposed contest direction (DOMAIN.md §4): draft → submitted → under_review → accepted | rejected;
merged into another; withdrawn by its author. S1, S7, R-CONSULT."""
from __future__ import annotations

from pydantic import Field

from grants.core.i18n import _
from grants.core.numbers import Id
from grants.core.permissions import ADMIN, APPLICANT, OFFICER, PARTICIPANT
from grants.directions.models import DIRECTION_STATES, Direction
from grants.workflows.registry import bind

from .base import Reason, Workflow, transition
from .payloads import OptionalReason, Payload
from .relations import officer_of_department

STATES = DIRECTION_STATES
STAFF = (OFFICER, ADMIN)
PROPOSERS = (APPLICANT, PARTICIPANT, OFFICER, ADMIN)


def is_author(obj, actor) -> bool:
    return obj.author_id == actor.id


def consultation_staff(obj, actor) -> bool:
    return officer_of_department(obj, obj.consultation.department_id, actor)


def consultation_open(obj, ctx):
    if obj.consultation.state != "open":
        return Reason(_("Propozycje przyjmuje się tylko w czasie trwania konsultacji."), "R-CONSULT")
    if obj.consultation.ends_at is not None and ctx.now > obj.consultation.ends_at:
        return Reason(_("Okres konsultacji minął."), "R-CONSULT")
    return None


def complete(obj, ctx):
    missing = [n for n in ("title", "problem", "proposed_task") if not (getattr(obj, n) or "").strip()]
    if missing:
        return Reason(_("Uzupełnij propozycję: tytuł, problem i proponowane zadanie."), "R-CONSULT")
    return None


def stamp_submitted(obj, ctx):
    obj.submitted_at = ctx.now


def record_answer(obj, ctx):
    obj.answer = ctx.payload["answer"]
    obj.answered_at = ctx.now
    ctx.changes["answer"] = obj.answer


def record_merge(obj, ctx):
    target = ctx.session.get(Direction, int(ctx.payload["into_id"]))
    obj.merged_into_id = target.id
    obj.answer = ctx.payload.get("answer") or str(_("Połączono z propozycją „%(t)s”.", t=target.title))
    obj.answered_at = ctx.now
    ctx.changes["merged_into_id"] = target.id


def merge_target_valid(obj, ctx):
    if "into_id" not in ctx.payload:
        return None  # asking what is available (no payload yet): the payload schema requires into_id
    try:
        target = ctx.session.get(Direction, int(ctx.payload.get("into_id", 0)))
    except (TypeError, ValueError):
        target = None
    if target is None or target.id == obj.id or target.consultation_id != obj.consultation_id \
            or target.state in ("merged", "withdrawn", "draft"):
        return Reason(_("Wskaż inną, zachowaną propozycję z tej samej konsultacji."), "R-CONSULT")
    return None


class AnswerPayload(Payload):
    answer: str = Field(min_length=3, max_length=10000)


class MergePayload(Payload):
    into_id: Id
    answer: str | None = Field(default=None, max_length=10000)


DIRECTION = Workflow(
    name="direction", object_type="direction", states=STATES, initial="draft",
    transitions=[
        transition("submit", "draft", "submitted", _("Zgłoś propozycję"), roles=PROPOSERS, relation=is_author,
                   guards=(consultation_open, complete), effects=(stamp_submitted,), rule="R-CONSULT"),
        transition("start_review", "submitted", "under_review", _("Rozpatrz"), roles=STAFF, relation=consultation_staff),
        transition("accept", "under_review", "accepted", _("Przyjmij (z uzasadnieniem)"), roles=STAFF,
                   relation=consultation_staff, payload=AnswerPayload, effects=(record_answer,), rule="R-CONSULT"),
        transition("reject", "under_review", "rejected", _("Odrzuć (z uzasadnieniem)"), roles=STAFF,
                   relation=consultation_staff, payload=AnswerPayload, effects=(record_answer,), rule="R-CONSULT"),
        transition("merge", ("submitted", "under_review"), "merged", _("Połącz z inną propozycją"), roles=STAFF,
                   relation=consultation_staff, payload=MergePayload, guards=(merge_target_valid,),
                   effects=(record_merge,), rule="R-CONSULT"),
        transition("withdraw", ("draft", "submitted"), "withdrawn", _("Wycofaj propozycję"), roles=PROPOSERS,
                   relation=is_author, payload=OptionalReason),
    ],
)

bind(Direction, DIRECTION)
