"""Report (DOMAIN.md §4): draft → submitted → under_review → accepted | rejected, with
needs_correction ↔ submitted. R-REP-FINAL, R-REP-CONTENT; "overdue" is a flag, not a state."""
from __future__ import annotations

from datetime import date

from pydantic import Field

from grants.core.dates import warsaw_date
from grants.core.i18n import _
from grants.core.permissions import ADMIN, APPLICANT, OFFICER
from grants.reports.content import problems
from grants.reports.effects import final_report_accepted
from grants.reports.models import REPORT_STATES, Report
from grants.workflows.registry import bind

from .base import Reason, Workflow, transition
from .payloads import Payload
from .relations import officer_of_department

STATES = REPORT_STATES
STAFF = (OFFICER, ADMIN)


def member(obj, actor) -> bool:
    return obj.agreement.organisation_id in getattr(actor, "organisation_ids", frozenset())


def officer_of(obj, actor) -> bool:
    return officer_of_department(obj, obj.agreement.department_id, actor)


def content_valid(obj, ctx):
    found = problems(obj)
    if found:
        return Reason(_("Sprawozdanie ma błędy (%(n)s). Pierwszy: %(m)s", n=len(found), m=found[0]["message"]),
                      "R-REP-CONTENT")
    return None


def agreement_running(obj, ctx):
    if obj.agreement.state not in ("signed", "in_progress", "reporting"):
        return Reason(_("Sprawozdanie składa się z umowy w realizacji."), "R-REP-FINAL")
    return None


def stamp_submitted(obj, ctx):
    obj.submitted_at = ctx.now
    obj.correction_due = None


def record_correction(obj, ctx):
    obj.review_note = ctx.payload["note"]
    obj.correction_due = ctx.payload["due_on"]  # validated: a date
    ctx.changes["correction"] = {"note": obj.review_note, "due_on": str(obj.correction_due)}


def correction_due_in_future(obj, ctx):
    d = ctx.payload.get("due_on")
    if d is None or d <= warsaw_date(ctx.now):  # Warsaw's today, not UTC's
        return Reason(_("Termin poprawy musi przypadać w przyszłości."), "R-REP-CONTENT")
    return None


def record_acceptance(obj, ctx):
    obj.review_note = ctx.payload.get("note") or obj.review_note
    if obj.kind == "final":
        final_report_accepted(ctx, obj)


def record_rejection(obj, ctx):
    obj.review_note = ctx.payload["note"]
    ctx.changes["rejection"] = obj.review_note


class CorrectionPayload(Payload):
    note: str = Field(min_length=3, max_length=10000)
    due_on: date


class NotePayload(Payload):
    note: str = Field(min_length=3, max_length=10000)


class OptionalNote(Payload):
    note: str | None = Field(default=None, max_length=10000)


REPORT = Workflow(
    name="report", object_type="report", states=STATES, initial="draft",
    transitions=[
        transition("submit", "draft", "submitted", _("Złóż sprawozdanie"), roles=(APPLICANT,), relation=member,
                   guards=(agreement_running, content_valid), effects=(stamp_submitted,), rule="R-REP-CONTENT"),
        transition("start_review", "submitted", "under_review", _("Rozpocznij ocenę"), roles=STAFF,
                   relation=officer_of),
        transition("request_correction", "under_review", "needs_correction", _("Wezwij do poprawy"), roles=STAFF,
                   relation=officer_of, payload=CorrectionPayload, guards=(correction_due_in_future,),
                   effects=(record_correction,)),
        transition("resubmit", "needs_correction", "submitted", _("Złóż poprawione sprawozdanie"),
                   roles=(APPLICANT,), relation=member, guards=(content_valid,), effects=(stamp_submitted,),
                   rule="R-REP-CONTENT"),
        transition("accept", "under_review", "accepted", _("Przyjmij sprawozdanie"), roles=STAFF,
                   relation=officer_of, payload=OptionalNote, effects=(record_acceptance,)),
        transition("reject", "under_review", "rejected", _("Odrzuć sprawozdanie"), roles=STAFF, relation=officer_of,
                   payload=NotePayload, effects=(record_rejection,)),
    ],
)

bind(Report, REPORT)
