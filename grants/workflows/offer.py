"""Offer (DOMAIN.md §4). Submission by the deadline (R-OFF-DEADLINE) with a receipt (R-OFF-RECEIPT),
formal review with corrections (R-FORM-CORRECT), withdrawal before the decision."""
from __future__ import annotations

from pydantic import Field

from grants.core.dates import days_after, end_of_day, local, warsaw_date
from grants.core import labels
from grants.core.i18n import _
from grants.core.permissions import ADMIN, APPLICANT, OFFICER
from grants.offers.content import load as load_content
from grants.offers.models import OFFER_STATES, Offer
from grants.offers.revisions import freeze_submission
from grants.offers.update import update_problems
from grants.offers.validation import problems_for
from grants.workflows.registry import bind

from .base import Reason, Workflow, transition
from .payloads import OptionalReason, Payload
from .relations import board_of_applicant, member_of_applicant, officer_of_contest  # noqa: F401 (operations import it here)

STATES = OFFER_STATES
STAFF = (OFFICER, ADMIN)


def received_by_deadline(obj, ctx):
    c = obj.contest
    if c.state not in ("published", "closed") or c.deadline is None:
        return Reason(_("Nabór ofert w tym konkursie nie trwa."), "R-OFF-DEADLINE")
    if ctx.now > c.deadline:
        return Reason(_("Termin składania ofert minął %(d)s (czas warszawski). Oferty złożonej po terminie nie można przyjąć.",
                        d=local(c.deadline).strftime("%Y-%m-%d %H:%M:%S")), "R-OFF-DEADLINE")
    return None


def _content(obj, ctx):
    """The offer's content parsed once per transition: its check and its freeze both read it."""
    kept = ctx.memo.get("content")
    if kept is None or kept[0] is not obj.content:
        kept = ctx.memo["content"] = (obj.content, load_content(obj.content))
    return kept[1]


def content_valid(obj, ctx):
    problems = problems_for(ctx.session, obj, _content(obj, ctx))
    if problems:
        first = problems[0]
        more = len(problems) - 1
        # the message first (it names its section, "III. …"), then the field by its label (never its
        # path: API clients read the paths in the validation endpoint's errors)
        return Reason(_("Oferta ma błędy (%(n)s). Pierwszy: %(msg)s (pole: %(field)s)", n=len(problems), msg=first.text,
                        field=labels.field_label(first.field)) if more
                      else _("Oferta ma błąd: %(msg)s (pole: %(field)s)", msg=first.text,
                             field=labels.field_label(first.field)), first.rule)
    return None


def in_formal_review(obj, ctx):
    if obj.contest.state != "formal_review":
        return Reason(_("Konkurs nie jest na etapie oceny formalnej."), "R-FORM-CORRECT")
    return None


def checklist_passed(obj, ctx):
    checks = obj.formal_checks or {}
    missing = [c["code"] for c in obj.contest.formal_checklist or [] if checks.get(c["code"]) is not True]
    if missing:
        return Reason(_("Nie wszystkie wymogi formalne z listy kontrolnej są potwierdzone (%(n)s brakuje).",
                        n=len(missing)), "R-FORM-CORRECT")
    return None


def before_correction_due(obj, ctx):
    if obj.correction_due_at is not None and ctx.now > obj.correction_due_at:
        return Reason(_("Termin na uzupełnienie braków minął."), "R-FORM-CORRECT")
    return None


def do_submit(obj, ctx):
    freeze_submission(ctx.session, obj, ctx, kind="submission", parsed=_content(obj, ctx))


def do_resubmit(obj, ctx):
    freeze_submission(ctx.session, obj, ctx, kind="correction", parsed=_content(obj, ctx))
    obj.correction_due_at = None


def do_request_correction(obj, ctx):
    due = end_of_day(days_after(warsaw_date(ctx.now), obj.contest.correction_days))
    obj.deficiencies = ctx.payload["deficiencies"]
    obj.correction_due_at = due
    ctx.changes["correction_due_at"] = [None, due]
    ctx.changes["deficiencies"] = obj.deficiencies


def do_reject(obj, ctx):
    obj.rejection_reasons = ctx.payload.get("reasons") or str(_("Nie uzupełniono braków formalnych w terminie."))
    ctx.changes["rejection_reasons"] = obj.rejection_reasons


def do_withdraw(obj, ctx):
    obj.withdraw_reason = ctx.payload.get("reason") or ""


class DeficienciesPayload(Payload):
    deficiencies: list[str] = Field(min_length=1, max_length=50)


class ReasonsPayload(Payload):
    reasons: str = Field(min_length=3, max_length=4000)


def contest_decided(obj, ctx):
    if obj.contest.state != "decided":
        return Reason(_("O wyborze ofert rozstrzyga organ w decyzji konkursowej."), "R-COM-MANDATORY")
    return None


def full_award(obj, ctx):
    if obj.awarded_grant is None or obj.awarded_grant != obj.requested_grant:
        return Reason(_("Przyznana kwota różni się od wnioskowanej: wymagana aktualizacja oferty."), "R-UPDATE")
    return None


def partial_award(obj, ctx):
    if obj.awarded_grant is None or obj.awarded_grant >= (obj.requested_grant or 0):
        return Reason(_("Przyznano pełną kwotę: aktualizacja nie jest potrzebna."), "R-UPDATE")
    return None


def update_matches_award(obj, ctx):
    problems = update_problems(ctx.session, obj)
    if problems:
        return Reason(_("Aktualizacja oferty: %(msg)s", msg=" ".join(problems)), "R-UPDATE")
    return None


def do_submit_update(obj, ctx):
    freeze_submission(ctx.session, obj, ctx, kind="update")


STAFF_DECISION = STAFF

OFFER = Workflow(
    name="offer", object_type="offer", states=STATES, initial="draft",
    transitions=[
        transition("submit", "draft", "submitted", _("Złóż ofertę"), roles=(APPLICANT,), relation=board_of_applicant,
                   guards=(received_by_deadline, content_valid), effects=(do_submit,), rule="R-OFF-DEADLINE"),
        transition("accept_formally", "submitted", "eligible", _("Uznaj za poprawną formalnie"), roles=STAFF,
                   relation=officer_of_contest, guards=(in_formal_review, checklist_passed)),
        transition("request_correction", "submitted", "needs_correction", _("Wezwij do uzupełnienia braków"),
                   roles=STAFF, relation=officer_of_contest, guards=(in_formal_review,),
                   payload=DeficienciesPayload, effects=(do_request_correction,), rule="R-FORM-CORRECT"),
        transition("reject_formally", "submitted", "formally_rejected", _("Odrzuć z przyczyn formalnych"),
                   roles=STAFF, relation=officer_of_contest, guards=(in_formal_review,), payload=ReasonsPayload,
                   effects=(do_reject,)),
        transition("resubmit", "needs_correction", "submitted", _("Złóż poprawioną ofertę"), roles=(APPLICANT,),
                   relation=board_of_applicant, guards=(before_correction_due, content_valid),
                   effects=(do_resubmit,), rule="R-FORM-CORRECT"),
        transition("reject_uncorrected", "needs_correction", "formally_rejected",
                   _("Odrzuć (braki nieuzupełnione w terminie)"), when=lambda o: o.correction_due_at,
                   effects=(do_reject,), rule="R-FORM-CORRECT"),
        transition("select", "eligible", "selected", _("Wybierz (decyzja konkursowa)"), roles=STAFF_DECISION,
                   relation=officer_of_contest, guards=(contest_decided,), rule="R-RESULTS"),
        transition("not_select", "eligible", "not_selected", _("Nie wybieraj (decyzja konkursowa)"),
                   roles=STAFF_DECISION, relation=officer_of_contest, guards=(contest_decided,), rule="R-RESULTS"),
        transition("confirm", "selected", "ready_for_agreement", _("Przekaż do umowy"), roles=STAFF_DECISION,
                   relation=officer_of_contest, guards=(full_award,), rule="R-UPDATE"),
        transition("require_update", "selected", "update_required", _("Wezwij do aktualizacji oferty"),
                   roles=STAFF_DECISION, relation=officer_of_contest, guards=(partial_award,), rule="R-UPDATE"),
        transition("submit_update", "update_required", "ready_for_agreement", _("Złóż aktualizację oferty"),
                   roles=(APPLICANT,), relation=board_of_applicant, guards=(update_matches_award,),
                   effects=(do_submit_update,), rule="R-UPDATE"),
        transition("decline", ("selected", "update_required", "ready_for_agreement"), "declined",
                   _("Zrezygnuj z realizacji zadania"), roles=(APPLICANT,), relation=board_of_applicant,
                   payload=OptionalReason, effects=(do_withdraw,), rule="R-UPDATE"),
        transition("withdraw", ("draft", "submitted", "needs_correction", "eligible"), "withdrawn",
                   _("Wycofaj ofertę"), roles=(APPLICANT,), relation=board_of_applicant, payload=OptionalReason,
                   effects=(do_withdraw,)),
    ],
)

bind(Offer, OFFER)
