"""The only place that changes a pilot agreement's milestones (S9).

The officer of the agreement's department plans milestones (number, title, success criteria, a
checkpoint date within the task period) while the agreement is a draft, signed or in progress; the
organisation reports its progress up to the checkpoint day; the officer decides go or no-go, with a
note, on or after the checkpoint date (the one business clock). Milestones are decided in their order;
a decision is final. After a no-go the pilot has stopped: the later milestones cannot be decided (the
officer ends the agreement through its own terminate transition if needed; the agreement workflow is
not changed here). Every change is audited on the agreement's chain (record_change) and each
milestone carries a version for optimistic locking."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from grants.agreements.models import Agreement
from grants.core import audit, clock
from grants.core.errors import FieldErrors
from grants.core.i18n import _
from grants.core.permissions import ADMIN, OFFICER, PermissionDenied, has_role
from grants.workflows.agreement import officer_of
from grants.workflows.base import record_change
from grants.workflows.errors import NotEditable, stale

from .models import Milestone

CALL_TYPE = "innovation_pilot"
PLANNING_STATES = ("draft", "signed", "in_progress")
PROGRESS_STATES = ("signed", "in_progress")
DECISION_STATES = ("signed", "in_progress", "reporting")
DECISIONS = {"go": _("kontynuować (go)"), "no_go": _("zatrzymać (no-go)")}
DECISION_LABELS = {"pending": _("oczekuje"), **DECISIONS}


class MilestoneError(FieldErrors):
    """Input or a rule refuses the change (422); `errors` as [{"field", "message"}]."""


def _err(field: str, message) -> MilestoneError:
    return MilestoneError([{"field": field, "message": str(message)}])


# ---------------------------------------------------------------- reading

def is_pilot(agreement) -> bool:
    return agreement is not None and agreement.contest is not None and agreement.contest.call_type == CALL_TYPE


def milestones(session: Session, agreement) -> list[Milestone]:
    return list(session.scalars(select(Milestone).where(Milestone.agreement_id == agreement.id)
                                .order_by(Milestone.number)))


def get(session: Session, agreement, number: int) -> Milestone | None:
    return session.scalar(select(Milestone).where(Milestone.agreement_id == agreement.id, Milestone.number == number))


def stopped_at(rows: list[Milestone]) -> Milestone | None:
    """The milestone whose no-go stopped the pilot, if any."""
    return next((m for m in rows if m.decision == "no_go"), None)


def is_member(agreement, actor) -> bool:
    return agreement.organisation_id in getattr(actor, "organisation_ids", frozenset())


def is_officer(agreement, actor) -> bool:
    return has_role(actor, OFFICER, ADMIN) and officer_of(agreement, actor)


def _today() -> date:
    return clock.today()


def _lock(session: Session, agreement) -> None:
    """Milestone changes of one agreement are serialised by its row (PostgreSQL); the audit entries
    they append go to the agreement's chain."""
    audit.lock_object(session, Agreement, agreement.id)


def _check_version(m: Milestone, expected_version) -> None:
    if expected_version is not None and expected_version != m.version:
        raise stale(m.version)


def _flush(session: Session, m: Milestone) -> None:
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        current = session.scalar(select(Milestone.version).where(Milestone.id == m.id))
        raise stale(current or 0) from None


# ---------------------------------------------------------------- planning

def check_plan(actor, agreement, rows: list[Milestone] | None = None) -> None:
    """403 when the actor is not the agreement's officer, 409 when its state allows no planning."""
    if not is_officer(agreement, actor):
        raise PermissionDenied(_("Kamienie milowe planuje urzędnik wydziału prowadzącego umowę."))
    if not is_pilot(agreement):
        raise NotEditable(_("Kamienie milowe mają tylko umowy pilotaży innowacji."))
    if agreement.state not in PLANNING_STATES:
        raise NotEditable(_("Kamienie milowe planuje się, zanim umowa wejdzie w sprawozdawczość "
                            "(projekt, podpisana lub w realizacji)."))
    stop = stopped_at(rows or [])
    if stop is not None:
        raise NotEditable(_("Pilotaż zatrzymano decyzją no-go przy kamieniu milowym nr %(n)s.", n=stop.number))


def _parse_date(value, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise _err(field, _("Podaj datę w postaci RRRR-MM-DD.")) from None


def _plan_values(agreement, values: dict, rows: list[Milestone], current: Milestone | None) -> dict:
    errors = []
    out: dict = {}
    raw_number = values.get("number")
    if current is not None:
        out["number"] = current.number
    elif raw_number in (None, ""):
        out["number"] = max((m.number for m in rows), default=0) + 1
    else:
        try:
            n = int(str(raw_number).strip())
            if not 1 <= n <= 999:
                raise ValueError
            out["number"] = n
        except ValueError:
            errors.append({"field": "number", "message": str(_("Numer kamienia milowego to liczba od 1 do 999."))})
        else:
            if any(m.number == n for m in rows):
                errors.append({"field": "number", "message": str(_("Kamień milowy nr %(n)s już jest w planie.", n=n))})
    for k, limit, msg in (("title", 500, _("Podaj nazwę kamienia milowego.")),
                          ("success_criteria", 4000, _("Podaj kryteria sukcesu: po czym urzędnik oceni, "
                                                       "czy kontynuować pilotaż."))):
        v = values.get(k, getattr(current, k, None) if current is not None else None)
        v = v.strip() if isinstance(v, str) else ""
        if not v:
            errors.append({"field": k, "message": str(msg)})
        elif len(v) > limit:
            errors.append({"field": k, "message": str(_("Najwyżej %(n)s znaków.", n=limit))})
        out[k] = v
    raw_date = values.get("checkpoint_on", current.checkpoint_on if current is not None else None)
    try:
        d = _parse_date(raw_date, "checkpoint_on")
    except MilestoneError as e:
        errors += e.errors
        d = None
    if d is not None:
        if not agreement.task_start <= d <= agreement.task_end:
            errors.append({"field": "checkpoint_on", "message": str(_(
                "Punkt kontrolny musi przypadać w okresie realizacji zadania (%(a)s – %(b)s).",
                a=agreement.task_start, b=agreement.task_end))})
        elif d < _today() and (current is None or d != current.checkpoint_on):
            errors.append({"field": "checkpoint_on", "message": str(_("Punkt kontrolny nie może przypadać w przeszłości."))})
        elif "number" in out:
            n = out["number"]
            before = [m for m in rows if m.number < n and m.checkpoint_on > d and m is not current]
            after = [m for m in rows if m.number > n and m.checkpoint_on < d and m is not current]
            if before or after:
                other = (before or after)[0]
                errors.append({"field": "checkpoint_on", "message": str(_(
                    "Kamienie milowe następują po sobie: punkt kontrolny nr %(n)s przypada %(d)s.",
                    n=other.number, d=other.checkpoint_on))})
        out["checkpoint_on"] = d
    if errors:
        raise MilestoneError(errors)
    return out


def plan(session: Session, actor, agreement, values: dict) -> Milestone:
    """Adds a milestone to a pilot agreement's plan (the next number when none is given)."""
    _lock(session, agreement)
    rows = milestones(session, agreement)
    check_plan(actor, agreement, rows)
    data = _plan_values(agreement, values, rows, None)
    m = Milestone(agreement_id=agreement.id, decision="pending", version=1, **data)
    session.add(m)
    try:
        session.flush()
    except IntegrityError:  # a concurrent plan took the number (SQLite has no row lock)
        session.rollback()
        raise _err("number", _("Kamień milowy nr %(n)s już jest w planie.", n=data["number"])) from None
    record_change(session, agreement, "milestone_plan", actor,
                  {"milestone": m.number, "title": m.title, "success_criteria": m.success_criteria,
                   "checkpoint_on": m.checkpoint_on})
    return m


def check_replan(actor, agreement, m: Milestone, rows: list[Milestone], expected_version=None) -> None:
    check_plan(actor, agreement, rows)
    _check_version(m, expected_version)
    if m.decision != "pending":
        raise NotEditable(_("O kamieniu milowym nr %(n)s już zdecydowano; decyzja jest ostateczna.", n=m.number))


def replan(session: Session, actor, agreement, m: Milestone, values: dict, expected_version=None) -> Milestone:
    """Changes a milestone not yet decided (title, success criteria, checkpoint)."""
    _lock(session, agreement)
    rows = milestones(session, agreement)
    check_replan(actor, agreement, m, rows, expected_version)
    data = _plan_values(agreement, values, rows, m)
    changes = {k: [getattr(m, k), v] for k, v in data.items() if k != "number" and getattr(m, k) != v}
    for k, v in data.items():
        setattr(m, k, v)
    if changes:
        _flush(session, m)
        record_change(session, agreement, "milestone_replan", actor, {"milestone": m.number, **changes})
    return m


# ---------------------------------------------------------------- progress

def progress_reason(agreement, m: Milestone, rows: list[Milestone], today: date | None = None):
    """Why the organisation cannot report progress on `m` now (None when it can)."""
    today = today or _today()
    if agreement.state not in PROGRESS_STATES:
        return _("Postęp zgłasza się w czasie realizacji umowy.")
    stop = stopped_at(rows)
    if stop is not None:
        return _("Pilotaż zatrzymano decyzją no-go przy kamieniu milowym nr %(n)s.", n=stop.number)
    if m.decision != "pending":
        return _("O tym kamieniu milowym już zdecydowano.")
    if today > m.checkpoint_on:
        return _("Postęp zgłasza się do dnia punktu kontrolnego (%(d)s).", d=m.checkpoint_on)
    return None


def check_progress(actor, agreement, m: Milestone, rows: list[Milestone], expected_version=None) -> None:
    _check_step(agreement, m, rows, expected_version, may=is_member(agreement, actor),
                denied=_("Postęp zgłasza organizacja realizująca pilotaż."), states=PROGRESS_STATES,
                reason=progress_reason)


def _check_step(agreement, m: Milestone, rows: list[Milestone], expected_version, *, may: bool, denied, states,
                reason) -> None:
    """A step on a milestone (progress, decision): 403 with `denied` unless the actor `may`; then 409
    for a stale version, or when no step may change it (the agreement's state outside `states`, a
    stopped pilot, a final decision), in `reason`'s words. Timing (the checkpoint day) is `reason`'s
    422, checked with the body."""
    if not may:
        raise PermissionDenied(denied)
    _check_version(m, expected_version)
    if agreement.state not in states or stopped_at(rows) is not None or m.decision != "pending":
        raise NotEditable(reason(agreement, m, rows))


def report_progress(session: Session, actor, agreement, m: Milestone, text, expected_version=None) -> Milestone:
    """The organisation's account of its progress, up to the checkpoint day; it may be rewritten
    until then (each version audited)."""
    _lock(session, agreement)
    rows = milestones(session, agreement)
    check_progress(actor, agreement, m, rows, expected_version)
    text = text.strip() if isinstance(text, str) else ""
    if not text:
        raise _err("progress", _("Opisz postęp prac przed punktem kontrolnym."))
    if len(text) > 10000:
        raise _err("progress", _("Najwyżej %(n)s znaków.", n=10000))
    reason = progress_reason(agreement, m, rows)
    if reason is not None:
        raise _err("progress", reason)
    before = m.progress
    m.progress = text
    m.progress_at = clock.now()
    _flush(session, m)
    record_change(session, agreement, "milestone_progress", actor,
                  {"milestone": m.number, "progress": [before, text]})
    return m


# ---------------------------------------------------------------- decision

def decision_reason(agreement, m: Milestone, rows: list[Milestone], today: date | None = None):
    """Why `m` cannot be decided now (None when it can); the officer's permission aside."""
    today = today or _today()
    if m.decision != "pending":
        return _("O kamieniu milowym nr %(n)s już zdecydowano; decyzja jest ostateczna.", n=m.number)
    if agreement.state not in DECISION_STATES:
        return _("O kamieniach milowych decyduje się w czasie realizacji umowy.")
    stop = stopped_at(rows)
    if stop is not None:
        return _("Pilotaż zatrzymano decyzją no-go przy kamieniu milowym nr %(n)s.", n=stop.number)
    earlier = next((x for x in rows if x.number < m.number and x.decision == "pending"), None)
    if earlier is not None:
        return _("Najpierw zdecyduj o kamieniu milowym nr %(n)s.", n=earlier.number)
    if today < m.checkpoint_on:
        return _("O kamieniu milowym decyduje się w dniu punktu kontrolnego (%(d)s) lub później.", d=m.checkpoint_on)
    return None


def check_decide(actor, agreement, m: Milestone, rows: list[Milestone], expected_version=None) -> None:
    """403, then 409 (stale version; a final decision, the agreement's state, a stopped pilot)."""
    _check_step(agreement, m, rows, expected_version, may=is_officer(agreement, actor),
                denied=_("O kontynuacji pilotażu decyduje urzędnik wydziału prowadzącego umowę."),
                states=DECISION_STATES, reason=decision_reason)


def decide(session: Session, actor, agreement, m: Milestone, decision, note, expected_version=None) -> Milestone:
    """Go or no-go at the checkpoint, with a note; final. A no-go stops the pilot: it is an outcome
    of the experiment, not a misuse of the grant."""
    _lock(session, agreement)
    rows = milestones(session, agreement)
    check_decide(actor, agreement, m, rows, expected_version)
    errors = []
    if decision not in DECISIONS:
        errors.append({"field": "decision", "message": str(_("Wybierz decyzję: go (kontynuować) albo no_go (zatrzymać)."))})
    note = note.strip() if isinstance(note, str) else ""
    if len(note) < 3:
        errors.append({"field": "note", "message": str(_("Uzasadnij decyzję (co najmniej 3 znaki)."))})
    elif len(note) > 10000:
        errors.append({"field": "note", "message": str(_("Najwyżej %(n)s znaków.", n=10000))})
    if errors:
        raise MilestoneError(errors)
    reason = decision_reason(agreement, m, rows)
    if reason is not None:
        raise _err("decision", reason)
    m.decision = decision
    m.decision_note = note
    m.decided_by_id = actor.id
    m.decided_at = clock.now()
    _flush(session, m)
    record_change(session, agreement, "milestone_decision", actor,
                  {"milestone": m.number, "decision": ["pending", decision], "note": note})
    return m


def summary(session: Session, agreement) -> dict:
    """Counts for pages: planned, decided go, stopped at."""
    rows = milestones(session, agreement)
    stop = stopped_at(rows)
    return {"planned": len(rows), "go": sum(1 for m in rows if m.decision == "go"),
            "stopped_at": stop.number if stop else None}

