"""The only place that changes reports. The final report exists from signing, due 30 days after the
task ends (R-REP-FINAL with R-DAYS); the officer can demand a partial one, due no sooner than 30 days."""
from __future__ import annotations

from datetime import date, timedelta

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from grants.agreements.models import Agreement
from grants.agreements.operations import visible as agreement_visible
from grants.core.errors import FieldErrors
from grants.core import clock
from grants.core import validation_messages
from grants.core.dates import warsaw_date
from grants.core.i18n import _
from grants.core.permissions import ADMIN, OFFICER, PermissionDenied, has_role
from grants.workflows.agreement import officer_of as agreement_officer
from grants.workflows.base import apply_transition, record_change
from grants.workflows.errors import NotEditable, stale
from grants.workflows.report import REPORT, member

from .content import call_type_of, load
from .effects import open_final  # noqa: F401 - run by the agreement's signing, here for callers
from .models import Report

PARTIAL_MIN_DAYS = 30


class ReportError(FieldErrors):
    """Refused input: `errors` lists {field, message} (grants.core.errors)."""


def visible(q, user):
    return q.where(Report.agreement_id.in_(agreement_visible(select(Agreement.id), user)))


def is_overdue(r: Report, today: date) -> bool:
    """A flag on both sides' homes, not a state."""
    due = r.correction_due if r.state == "needs_correction" and r.correction_due else r.due_on
    return r.state in ("draft", "needs_correction") and today > due


def demand_partial(session: Session, actor, agreement, due_on: date) -> Report:
    """R-REP-FINAL: a partial report is due no sooner than 30 days after the demand."""
    if not has_role(actor, OFFICER, ADMIN):
        raise PermissionDenied()
    if not agreement_officer(agreement, actor):
        raise PermissionDenied()
    if agreement.state not in ("signed", "in_progress", "reporting"):
        raise NotEditable(_("Sprawozdania wymaga się od umowy w realizacji."))
    today = warsaw_date(clock.now())
    earliest = today + timedelta(days=PARTIAL_MIN_DAYS)
    if due_on < earliest:
        raise ReportError([{"field": "due_on", "message": str(_(
            "Termin sprawozdania częściowego to co najmniej 30 dni od wezwania (najwcześniej %(d)s).", d=earliest))}])
    r = Report(agreement_id=agreement.id, kind="partial", due_on=due_on, demanded_on=today, content={},
               state=REPORT.initial, version=1, created_at=clock.now())
    session.add(r)
    session.flush()
    record_change(session, r, "demand", actor, {"due_on": due_on})
    return r


def save(session: Session, actor, r: Report, content: dict, expected_version=None, grammar: str = "json") -> Report:
    if not member(r, actor):
        raise PermissionDenied()
    if r.state not in ("draft", "needs_correction"):
        raise NotEditable(_("Złożonego sprawozdania nie można zmieniać."))
    if expected_version is not None and expected_version != r.version:
        raise stale(r.version)
    merged = {**(r.content or {}), **content}
    try:
        parsed = load(merged, grammar).model_dump(mode="json")
        if "call" in content:  # the call type's section, validated by its own model
            if not isinstance(content["call"], dict):
                raise ReportError([{"field": "call", "message": str(_("Ta część sprawozdania ma postać obiektu."))}])
            ct = call_type_of(r)
            if ct.report_model is None and content["call"]:
                raise ReportError([{"field": "call", "message": str(_("Ten typ naboru nie ma dodatkowej części sprawozdania."))}])
            parsed["call"] = ct.parse_report_section(content["call"], grammar)
    except ValidationError as e:
        prefix = ["call"] if "call" in content and not _statutory_error(merged) else []
        raise ReportError(validation_messages.errors_of(e, prefix)) from None
    if parsed != r.content:
        r.content = parsed
        session.flush()
        record_change(session, r, "save", actor, {"sections": sorted(content)})
    return r


def _statutory_error(merged: dict) -> bool:
    try:
        load(merged)
    except ValidationError:
        return True
    return False


def transition(session: Session, r: Report, name: str, actor, payload=None, expected_version=None):
    return apply_transition(session, r, name, actor, payload, expected_version)
