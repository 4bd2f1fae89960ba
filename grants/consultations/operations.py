"""The only place that changes consultations. Transitions go through the workflow engine."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from grants.core.errors import FieldErrors
from grants.core import clock
from grants.core.i18n import _
from grants.core.permissions import (ADMIN, OFFICER, PermissionDenied, actor_grantor, drafts_of_own_department,
                                     has_role)
from grants.registry.dictionaries import FIELDS
from grants.registry.departments import grantor_for
from grants.registry.models import Department
from grants.workflows.base import apply_transition, record_change, update_fields
from grants.workflows.consultation import CONSULTATION, same_department
from grants.workflows.errors import NotEditable, stale

from .models import Consultation

EDITABLE_STATES = ("draft",)
EDITABLE_FIELDS = ("title", "description", "fields", "starts_at", "ends_at")
MIN_YEAR, MAX_YEAR = 2000, 2200  # a period outside is a typing error (and year 1 overflows in UTC)


class ConsultationError(FieldErrors):
    """Refused input: `errors` lists {field, message} (grants.core.errors)."""


def visible(q, user):
    """Drafts: the department's officers and admins; everything else is public."""
    return drafts_of_own_department(q, user, Consultation)


def can_create(user) -> bool:
    return has_role(user, OFFICER, ADMIN)


def can_edit(user, obj: Consultation) -> bool:
    return has_role(user, OFFICER, ADMIN) and same_department(obj, user)


def _check(values: dict) -> None:
    errors = []
    title = values.get("title")
    if title is not None and not title.strip():
        errors.append({"field": "title", "message": str(_("Podaj tytuł."))})
    for name in ("title", "description"):
        if isinstance(values.get(name), str) and "\x00" in values[name]:
            errors.append({"field": name, "message": str(_("Tekst zawiera niedozwolony znak (NUL)."))})
    unknown = [f for f in values.get("fields") or [] if f not in FIELDS]
    if unknown:
        errors.append({"field": "fields", "message": str(_("Nieznane sfery pożytku publicznego: %(f)s.",
                                                            f=", ".join(unknown)))})
    s, e = values.get("starts_at"), values.get("ends_at")
    for name in ("starts_at", "ends_at"):
        v = values.get(name)
        if v is not None and (not isinstance(v, datetime) or v.tzinfo is None):
            errors.append({"field": name, "message": str(_("Podaj datę i godzinę ze strefą czasową."))})
        elif v is not None and not MIN_YEAR <= v.year <= MAX_YEAR:
            errors.append({"field": name, "message": str(_("Podaj datę z lat %(a)s–%(b)s.", a=MIN_YEAR, b=MAX_YEAR))})
    if errors:
        raise ConsultationError(errors)
    if isinstance(s, datetime) and isinstance(e, datetime) and s.tzinfo and e.tzinfo and e <= s:
        errors.append({"field": "ends_at", "message": str(_("Koniec musi następować po początku."))})
    if errors:
        raise ConsultationError(errors)


def create(session: Session, actor, *, title: str, description: str = "", fields: list[str] | None = None,
           starts_at: datetime | None = None, ends_at: datetime | None = None,
           department_id: int | None = None) -> Consultation:
    if not can_create(actor):
        raise PermissionDenied()
    if department_id is None:
        department_id = actor.department_id
    elif department_id != actor.department_id:
        if not has_role(actor, ADMIN):
            raise PermissionDenied(_("Urzędnik tworzy konsultacje tylko w swoim wydziale."))
        if getattr(session.get(Department, department_id), "grantor_id", None) != actor_grantor(actor):
            raise ConsultationError([{"field": "department_id", "message": str(_("Nieznany wydział."))}])
    values = {"title": title, "description": description, "fields": fields or [], "starts_at": starts_at,
              "ends_at": ends_at}
    _check(values)
    grantor_id = grantor_for(session, actor, department_id)  # the authority of the department (issue 22)
    if grantor_id is None:
        raise PermissionDenied()
    obj = Consultation(state=CONSULTATION.initial, version=1, department_id=department_id, grantor_id=grantor_id,
                       created_by_id=actor.id, created_at=clock.now(), report="", **values)
    session.add(obj)
    session.flush()
    record_change(session, obj, "create", actor, {k: [None, v] for k, v in values.items()})
    return obj


def check_editable(actor, obj: Consultation, expected_version: int | None = None) -> None:
    """In the API's order of answers (as for a transition): the state (409), then the caller's
    role and department (403), then the version (409)."""
    if obj.state not in EDITABLE_STATES:
        raise NotEditable(_("Konsultację można edytować tylko w stanie szkicu."))
    if not can_edit(actor, obj):
        raise PermissionDenied(_("Edytować szkic może urzędnik jego wydziału lub administrator."))
    if expected_version is not None and expected_version != obj.version:
        raise stale(obj.version)


def update(session: Session, obj: Consultation, actor, values: dict, expected_version: int | None = None):
    """Edit a draft."""
    check_editable(actor, obj, expected_version)
    values = {k: v for k, v in values.items() if k in EDITABLE_FIELDS}
    required = [k for k in ("title", "description", "fields") if k in values and values[k] is None]
    if required:
        raise ConsultationError([{"field": k, "message": str(_("Pole nie może być puste (null)."))} for k in required])
    merged = {k: getattr(obj, k) for k in EDITABLE_FIELDS} | values
    _check(merged)
    update_fields(session, obj, actor, values)
    return obj


def transition(session: Session, obj: Consultation, name: str, actor, payload=None, expected_version=None):
    return apply_transition(session, obj, name, actor, payload, expected_version)


def open_list(session: Session):
    return session.scalars(select(Consultation).where(Consultation.state == "open")
                           .order_by(Consultation.ends_at)).all()
