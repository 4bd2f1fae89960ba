"""The only place that changes agreements and tranches. Drafted from an offer ready for an agreement
(R-AGR-FROM-OFFER); the tranche schedule sums exactly to the grant (R-AGR-TRANCHES)."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from grants.contests.models import grantor_contests
from grants.core.errors import FieldErrors
from budgets import tranches as tr
from grants.core import clock
from grants.core.dates import days_after
from grants.core.i18n import _
from grants.core.permissions import ADMIN, FINANCE, OFFICER, PermissionDenied, has_role
from grants.registry.identifiers import IdentifierError, normalise_iban
from grants.workflows.agreement import AGREEMENT, officer_of
from grants.workflows.base import apply_transition, record_change
from grants.workflows.contest import same_department
from grants.workflows.errors import NotEditable, stale
from grants.workflows.tranche import TRANCHE

from .models import Agreement, Tranche

FINAL_REPORT_DAYS = 30  # R-REP-FINAL


class AgreementError(FieldErrors):
    """Refused input: `errors` lists {field, message} (grants.core.errors)."""


def visible(q, user):
    """Officers of the department and admins, finance staff, and the organisation's own members."""
    if user is None:
        return q.where(False)
    if has_role(user, ADMIN, FINANCE):  # of their own authority (issue 22)
        return q.where(Agreement.contest_id.in_(grantor_contests(user)))
    conds = []
    if has_role(user, OFFICER) and user.department_id is not None:
        conds.append(Agreement.department_id == user.department_id)
    orgs = list(getattr(user, "organisation_ids", ()))
    if orgs:
        conds.append((Agreement.organisation_id.in_(orgs)) & (Agreement.state != "draft"))
    return q.where(or_(*conds)) if conds else q.where(False)


def visible_tranches(q, user):
    return q.where(Tranche.agreement_id.in_(visible(select(Agreement.id), user)))


def draft_from_offer(session: Session, actor, offer, *, pattern: str | None = None, iban: str = "") -> Agreement:
    """R-AGR-FROM-OFFER: the agreement follows the (updated) offer: its last revision's cost estimate and sources."""
    if not has_role(actor, OFFICER, ADMIN):
        raise PermissionDenied()
    contest = offer.contest
    if not same_department(contest, actor):
        raise PermissionDenied()
    if offer.state != "ready_for_agreement":
        raise NotEditable(_("Umowę przygotowuje się dla oferty gotowej do umowy."))
    if session.scalar(select(Agreement.id).where(Agreement.offer_id == offer.id)) is not None:
        raise NotEditable(_("Ta oferta ma już umowę."))
    rev = offer.revisions[-1] if offer.revisions else None
    content = rev.content if rev else {"content": offer.content}
    task = content["content"].get("task", {})
    start = date.fromisoformat(task["start_date"]) if task.get("start_date") else contest.task_start
    end = date.fromisoformat(task["end_date"]) if task.get("end_date") else contest.task_end
    grant = offer.awarded_grant or offer.requested_grant
    a = Agreement(offer_id=offer.id, contest_id=contest.id, organisation_id=offer.organisation_id,
                  department_id=contest.department_id, number=f"U/{contest.year}/{offer.id:05d}",
                  title=offer.title or contest.title, grant=grant, task_start=start, task_end=end,
                  shift_pct=contest.shift_pct, own_tolerance_pp=contest.own_tolerance_pp, iban=iban,
                  final_report_due=days_after(end, FINAL_REPORT_DAYS), content=content, revision=1,
                  state=AGREEMENT.initial, version=1, created_at=clock.now())
    session.add(a)
    session.flush()
    pattern = pattern or contest.tranche_pattern or "100"
    record_change(session, a, "create", actor, {"offer_id": offer.id, "grant": grant, "pattern": pattern})
    try:
        schedule = tr.schedule(grant, pattern, dates=_default_dates(start, end, pattern))
    except tr.TrancheError as e:
        raise AgreementError([{"field": "pattern", "message": str(e.message)}]) from None
    set_schedule(session, actor, a, schedule)
    return a


def _default_dates(start: date, end: date, pattern: str) -> list[date]:
    """The first tranche at the start, the others spread to the middle of the task."""
    n = len(tr.parse_pattern(pattern))
    if n == 1:
        return [start]
    span = (end - start).days
    return [start] + [start + timedelta(days=span * k // (2 * (n - 1))) for k in range(1, n)]


def check_editable(actor, a: Agreement, expected_version: int | None = None) -> None:
    if not has_role(actor, OFFICER, ADMIN) or not officer_of(a, actor):
        raise PermissionDenied()
    if a.state != "draft":
        raise NotEditable(_("Po podpisaniu umowę zmienia się aneksem."))
    if expected_version is not None and expected_version != a.version:
        raise stale(a.version)


def update(session: Session, actor, a: Agreement, values: dict, expected_version=None) -> Agreement:
    check_editable(actor, a, expected_version)
    errors, changes = [], {}
    if "iban" in values:
        try:
            values["iban"] = normalise_iban(values["iban"])
        except IdentifierError as e:
            errors.append({"field": "iban", "message": str(e.message)})
    for k in ("task_start", "task_end"):
        if k in values and not isinstance(values[k], date):
            errors.append({"field": k, "message": str(_("Podaj datę."))})
    if errors:
        raise AgreementError(errors)
    for k in ("iban", "task_start", "task_end"):
        if k in values and getattr(a, k) != values[k]:
            changes[k] = [getattr(a, k), values[k]]
            setattr(a, k, values[k])
    if a.task_end < a.task_start:
        raise AgreementError([{"field": "task_end", "message": str(_("Koniec realizacji nie może poprzedzać początku."))}])
    a.final_report_due = days_after(a.task_end, FINAL_REPORT_DAYS)
    if changes:
        session.flush()
        record_change(session, a, "update", actor, changes)
    return a


def set_schedule(session: Session, actor, a: Agreement, schedule: list[tr.Tranche], expected_version=None) -> Agreement:
    """R-AGR-TRANCHES: amounts with dates or conditions, summing exactly to the grant."""
    check_editable(actor, a, expected_version)
    problems = tr.check_schedule(a.grant, schedule)
    if problems:
        raise AgreementError([{"field": p.field, "message": str(p.message)} for p in problems])
    a.tranches = [Tranche(number=i + 1, amount=t.amount, due_on=t.due_on, condition=t.condition,
                          state=TRANCHE.initial, version=1) for i, t in enumerate(schedule)]
    session.flush()
    record_change(session, a, "schedule", actor, {"tranches": [[str(t.amount), str(t.due_on), t.condition]
                                                                for t in schedule]})
    return a


def transition(session: Session, obj, name: str, actor, payload=None, expected_version=None):
    return apply_transition(session, obj, name, actor, payload, expected_version)
