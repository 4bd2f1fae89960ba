"""The only place that changes contests."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from grants.core.errors import FieldErrors
from grants.calltypes import get as get_call_type
from grants.calltypes import registry as call_types
from grants.core import clock
from grants.core.i18n import _
from grants.core.permissions import ADMIN, OFFICER, PermissionDenied, actor_grantor, has_role
from grants.offers.queries import counts_outside_states
from grants.core.permissions import drafts_of_own_department
from grants.registry.dictionaries import FIELDS
from grants.registry.departments import grantor_for
from grants.registry.models import Department
from grants.workflows.base import apply_transition, record_change, update_fields
from grants.workflows.contest import CONTEST, same_department
from grants.workflows.errors import NotEditable, stale

from .models import Contest
from .rules import FORMS, param_problems

EDITABLE_STATES = ("planned", "draft")
FIELDS_EDITABLE = (
    "title", "year", "call_type", "call_params", "task_type", "field", "form", "budget", "grant_rules",
    "task_conditions", "procedure", "previous_tasks", "deadline", "decision_by", "planned_announcement",
    "min_grant", "max_grant", "min_own_total_pct", "min_own_financial_pct", "min_own_nonfinancial_pct",
    "own_tolerance_pp", "max_admin_pct", "shift_pct", "eligible_categories", "ineligible_categories",
    "task_start", "task_end", "formal_checklist", "criteria", "pass_threshold", "half_points", "correction_days",
    "tranche_pattern", "attachments_allowed")


class ContestError(FieldErrors):
    """Refused input: `errors` lists {field, message} (grants.core.errors)."""


def visible(q, user):
    """Drafts: the department's officers and admins; planned and later: everyone."""
    return drafts_of_own_department(q, user, Contest)


def can_edit(user, c: Contest) -> bool:
    return has_role(user, OFFICER, ADMIN) and same_department(c, user)


def _validate(values: dict, c: Contest) -> None:
    errors = []
    required = {col.name for col in Contest.__table__.columns if not col.nullable}
    for name, v in values.items():
        if v is None and name in required:
            errors.append({"field": name, "message": str(_("To pole nie może być puste."))})
    if "title" in values and not (values["title"] or "").strip():
        errors.append({"field": "title", "message": str(_("Podaj tytuł konkursu."))})
    if values.get("call_type") is not None and values["call_type"] not in call_types():
        errors.append({"field": "call_type", "message": str(_("Nieznany typ naboru."))})
    elif "call_params" in values or ("call_type" in values and values["call_type"] != c.call_type):
        # the call type's own parameters; a changed type starts from its defaults
        ct = get_call_type(values.get("call_type") or c.call_type or "standard")
        same_type = values.get("call_type", c.call_type) == c.call_type
        params = values["call_params"] if "call_params" in values else (c.call_params if same_type else None)
        problems = ct.params_problems(params)
        errors += [{"field": p.field, "message": str(p.message)} for p in problems]
        if not problems:
            values["call_params"] = ct.clean_params(params)
    if values.get("field") and values["field"] not in FIELDS:
        errors.append({"field": "field", "message": str(_("Nieznana sfera pożytku publicznego."))})
    if values.get("form") is not None and values["form"] not in FORMS:
        errors.append({"field": "form", "message": str(_("Forma realizacji zadania to wspieranie albo powierzanie."))})
    for name in ("deadline",):
        v = values.get(name)
        if v is not None and (not isinstance(v, datetime) or v.tzinfo is None):
            errors.append({"field": name, "message": str(_("Podaj datę i godzinę ze strefą czasową."))})
    for name in ("budget", "min_grant", "max_grant"):
        v = values.get(name)
        if v is not None and Decimal(v) < 0:
            errors.append({"field": name, "message": str(_("Kwota nie może być ujemna."))})
    crit = values.get("criteria")
    if crit is not None:
        for i, x in enumerate(crit):
            try:
                pts = Decimal(str(x.get("max_points")))
                ok = pts > 0 and bool(str(x.get("code", "")).strip()) and bool(str(x.get("label", "")).strip())
            except Exception:  # noqa: BLE001
                ok = False
            if not ok:
                errors.append({"field": f"criteria.{i}", "message": str(_("Kryterium wymaga kodu, nazwy i dodatniej liczby punktów."))})
    if errors:
        raise ContestError(errors)
    # the parameters must hang together on the merged result
    probe = Contest(**{k: getattr(c, k) for k in FIELDS_EDITABLE})
    for k, v in values.items():
        setattr(probe, k, v)
    problems = param_problems(probe)
    if problems:
        raise ContestError([{"field": f, "message": str(m)} for f, m in problems])


def _department(session: Session, actor, department_id) -> int | None:
    """The department a new contest belongs to: an admin's choice (an existing department), else the
    actor's own. An officer naming another department is refused, never silently overridden."""
    if department_id is None:
        return actor.department_id
    if not isinstance(department_id, int) or isinstance(department_id, bool) or not 0 < department_id < 2**31 \
            or getattr(session.get(Department, department_id), "grantor_id", None) != actor_grantor(actor):
        raise ContestError([{"field": "department_id", "message": str(_("Nie ma takiego wydziału."))}])
    if not has_role(actor, ADMIN) and department_id != actor.department_id:
        raise ContestError([{"field": "department_id", "message": str(
            _("Urzędnik ogłasza konkursy tylko w swoim wydziale; pomiń to pole albo podaj swój wydział."))}])
    return department_id


def create(session: Session, actor, values: dict, *, planned: bool = False, at: datetime | None = None) -> Contest:
    """A new announcement (draft, or planned); `at` is when it was made (the clock by default)."""
    if not has_role(actor, OFFICER, ADMIN):
        raise PermissionDenied()
    values = {k: v for k, v in values.items() if k in FIELDS_EDITABLE or k == "department_id"}
    department_id = _department(session, actor, values.pop("department_id", None))
    if values.get("call_type") is not None and values["call_type"] not in call_types():
        raise ContestError([{"field": "call_type", "message": str(_("Nieznany typ naboru."))}])
    grantor_id = grantor_for(session, actor, department_id)  # the authority of the department (issue 22)
    if grantor_id is None:
        raise ContestError([{"field": "grantor", "message": str(_("Brak organu dotującego w systemie."))}])
    ct = get_call_type(values.get("call_type") or "standard")
    form = values.get("form") or "support"
    base = Contest(grantor_id=grantor_id, department_id=department_id, call_type=ct.code,
                   call_params=ct.default_params(),  # the announcement shows the type's defaults
                   year=values.get("year") or clock.today().year + (0 if planned else 0), title="",
                   task_type="", form=form, grant_rules="", task_conditions="", procedure="", previous_tasks="",
                   min_own_total_pct=Decimal(0), min_own_financial_pct=Decimal(0), min_own_nonfinancial_pct=Decimal(0),
                   own_tolerance_pp=Decimal(5), shift_pct=Decimal(10), eligible_categories=[], ineligible_categories=[],
                   formal_checklist=ct.default_checklist(), criteria=ct.default_criteria(form), half_points=False,
                   correction_days=7, tranche_pattern="", attachments_allowed=True)
    _validate(values, base)
    for k, v in values.items():
        setattr(base, k, v)
    base.state = "planned" if planned else CONTEST.initial
    base.version = 1
    base.created_by_id = actor.id
    base.created_at = at or clock.now()
    session.add(base)
    session.flush()
    record_change(session, base, "create", actor, {k: [None, v] for k, v in values.items()}, at=at)
    return base


def check_editable(actor, c: Contest, expected_version: int | None = None) -> None:
    if not can_edit(actor, c):
        raise PermissionDenied()
    if c.state not in EDITABLE_STATES:
        raise NotEditable(_("Ogłoszenie można zmieniać tylko przed publikacją."))
    if expected_version is not None and expected_version != c.version:
        raise stale(c.version)


def update(session: Session, c: Contest, actor, values: dict, expected_version: int | None = None) -> Contest:
    check_editable(actor, c, expected_version)
    values = {k: v for k, v in values.items() if k in FIELDS_EDITABLE}
    _validate(values, c)
    update_fields(session, c, actor, values)
    return c


def _shift(d, years: int):
    if d is None:
        return None
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def clone(session: Session, source: Contest, actor) -> Contest:
    """Next year's edition: the same parameters, dates a year later, a fresh draft."""
    if not has_role(actor, OFFICER, ADMIN) or not same_department(source, actor):
        raise PermissionDenied()
    values = {k: getattr(source, k) for k in FIELDS_EDITABLE}
    values["year"] = source.year + 1
    for k in ("deadline", "decision_by", "task_start", "task_end", "planned_announcement"):
        values[k] = _shift(values[k], 1)
    values["title"] = source.title.replace(str(source.year), str(source.year + 1)) if str(source.year) in source.title \
        else f"{source.title} ({source.year + 1})"
    values["department_id"] = source.department_id
    c = create(session, actor, values)
    c.cloned_from_id = source.id
    return c


def transition(session: Session, c: Contest, name: str, actor, payload=None, expected_version=None,
               received_at=None):
    return apply_transition(session, c, name, actor, payload, expected_version, received_at=received_at)


MANDATORY_CHECKED = ("closed", "formal_review", "evaluation")
NOT_COUNTING = ("draft", "withdrawn", "formally_rejected")  # offers that do not keep a contest alive


def cancellation_mandatory(session: Session, c: Contest) -> bool:
    """R-CANCEL: closed with no offer, or none meets the requirements (a flag, not a state)."""
    return c.id in cancellation_mandatory_ids(session, [c])


def cancellation_mandatory_ids(session: Session, contests) -> set[int]:
    """The ids of those of `contests` whose cancellation is mandatory (R-CANCEL), in one query
    for a whole list."""
    ids = [c.id for c in contests if c.state in MANDATORY_CHECKED]
    if not ids:
        return set()
    alive = counts_outside_states(session, ids, NOT_COUNTING)
    return {i for i in ids if not alive.get(i)}


def public_list(session: Session, states=("published",), limit: int | None = None):
    """Contests in `states`, nearest deadline first; `limit`: only that many (through the deadline's index)."""
    return session.scalars(select(Contest).where(Contest.state.in_(states)).order_by(Contest.deadline, Contest.id)
                           .limit(limit)).all()
