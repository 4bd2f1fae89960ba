"""Consultation (DOMAIN.md §4): draft → open → closed → reported. R-CONSULT."""
from __future__ import annotations

from pydantic import BaseModel, Field

from grants.core.i18n import _
from grants.core.permissions import ADMIN, OFFICER, same_grantor

from grants.consultations.models import CONSULTATION_STATES, Consultation
from grants.workflows.registry import bind

from .base import Reason, Workflow, transition

STATES = CONSULTATION_STATES


def same_department(obj, actor) -> bool:
    """Officers act on their department's consultations; admins on all."""
    if ADMIN in actor.role_names:
        return same_grantor(obj, actor)
    return obj.department_id is not None and obj.department_id == getattr(actor, "department_id", None)


def period_set(obj, ctx):
    if not obj.title or not obj.title.strip():
        return Reason(_("Konsultacja musi mieć tytuł."), "R-CONSULT")
    if obj.starts_at is None or obj.ends_at is None:
        return Reason(_("Konsultacja musi mieć opublikowany okres trwania (początek i koniec)."), "R-CONSULT")
    if obj.ends_at <= obj.starts_at:
        return Reason(_("Koniec konsultacji musi następować po jej początku."), "R-CONSULT")
    if obj.ends_at <= ctx.now:
        return Reason(_("Termin zakończenia konsultacji już minął."), "R-CONSULT")
    return None


def stamp_opened(obj, ctx):
    # opening early moves the published start to now, so the period shown is true
    if obj.starts_at > ctx.now:
        ctx.changes["starts_at"] = [obj.starts_at, ctx.now]
        obj.starts_at = ctx.now


def report_written(obj, ctx):
    text = (ctx.payload.get("report") or obj.report or "").strip()
    if not text:
        return Reason(_("Raport z konsultacji jest wymagany: odpowiedz na zgłoszone uwagi i propozycje."),
                      "R-CONSULT")
    return None


def publish_report(obj, ctx):
    if ctx.payload.get("report"):
        ctx.changes["report"] = [obj.report, ctx.payload["report"]]
        obj.report = ctx.payload["report"]
    obj.reported_at = ctx.now


def close_early(obj, ctx):
    ctx.changes["ends_at"] = [obj.ends_at, ctx.now]
    obj.ends_at = ctx.now


class ReportPayload(BaseModel):
    model_config = {"extra": "forbid"}
    report: str | None = Field(default=None, max_length=100_000)


class ReasonPayload(BaseModel):
    model_config = {"extra": "forbid"}
    reason: str = Field(min_length=3, max_length=2000)


STAFF = (OFFICER, ADMIN)

CONSULTATION = Workflow(
    name="consultation", object_type="consultation", states=STATES, initial="draft",
    transitions=[
        transition("open", "draft", "open", _("Otwórz konsultację"), roles=STAFF, relation=same_department,
                   guards=(period_set,), effects=(stamp_opened,), rule="R-CONSULT"),
        transition("close", "open", "closed", _("Zamknij (koniec okresu)"),
                   when=lambda c: c.ends_at),
        transition("close_early", "open", "closed", _("Zamknij przed terminem"), roles=STAFF,
                   relation=same_department, payload=ReasonPayload, effects=(close_early,)),
        transition("publish_report", "closed", "reported", _("Opublikuj raport"), roles=STAFF,
                   relation=same_department, payload=ReportPayload, guards=(report_written,),
                   effects=(publish_report,), rule="R-CONSULT"),
    ],
)

bind(Consultation, CONSULTATION)
