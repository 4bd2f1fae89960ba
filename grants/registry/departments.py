"""Which department handles an art. 12 initiative or an art. 19a small grant, and who may see and
decide it (the same relation as contests: an officer acts in their department, an admin in all).

Routing: at submission, the department whose `fields` (codes of fields of public benefit) contain
the offer's field; where several do, the first by code; without a field (or with one no department
handles), the same for the organisation's fields of activity in their order. Where none matches
the offer stays without a department: only admins see and decide it until an admin assigns it
(the admin's home page lists those). An admin may reassign any time (page and API)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from grants.core.errors import FieldErrors
from grants.core.i18n import _
from grants.core.permissions import ADMIN, OFFICER, PermissionDenied, has_role
from grants.workflows.base import record_change

from .models import Department


class DepartmentError(FieldErrors):
    """Refused input: `errors` lists {field, message} (grants.core.errors)."""


def for_field(session: Session, field: str | None) -> Department | None:
    """The department handling `field`: the first by code whose `fields` list it."""
    if not field:
        return None
    for d in session.scalars(select(Department).order_by(Department.code)):
        if field in (d.fields or []):
            return d
    return None


def for_offer(session: Session, field: str | None, organisation) -> Department | None:
    """At submission: the department of the offer's field; without one (or none handling it), of the
    organisation's fields of activity in their order; else None (the admins' until assigned)."""
    candidates = [f for f in [field, *((organisation.fields or []) if organisation is not None else [])] if f]
    for f in dict.fromkeys(candidates):
        d = for_field(session, f)
        if d is not None:
            return d
    return None


def officer_condition(model, user):
    """For `visible()`: what of `model` (with a department_id) staff see: an admin all, an officer
    their department's; None for everyone else (the caller applies its own conditions)."""
    if has_role(user, ADMIN):
        return True
    if has_role(user, OFFICER):
        dept = getattr(user, "department_id", None)
        return model.department_id == dept if dept is not None else False
    return None


def members_or_staff(model, user) -> list:
    """For `visible()`: the conditions under which `user` sees an object of `model` (with an
    organisation_id and a department_id): a member of its organisation, or staff (officer_condition).
    An empty list: neither."""
    conds = []
    orgs = list(getattr(user, "organisation_ids", ()))
    if orgs:
        conds.append(model.organisation_id.in_(orgs))
    staff = officer_condition(model, user)  # an officer: their department's
    if staff is not None:
        conds.append(staff)
    return conds


def reassign(session: Session, actor, obj, department_id):
    """An admin assigns the object to another department (audited, in the caller's transaction);
    returns the object."""
    if not has_role(actor, ADMIN):
        raise PermissionDenied(_("Wydział przypisuje administrator."))
    dept = None
    if department_id not in (None, ""):
        try:
            dept = session.get(Department, int(department_id))
        except (TypeError, ValueError):
            dept = None
        if dept is None:
            raise DepartmentError([{"field": "department_id", "message": str(_("Nieznany wydział."))}])
    new = dept.id if dept else None
    if new == obj.department_id:
        return obj
    before, obj.department_id = obj.department_id, new
    session.flush()
    record_change(session, obj, "reassign_department", actor, {"department_id": [before, new]})
    return obj


def unassigned(session: Session, model) -> list:
    return list(session.scalars(select(model).where(model.department_id.is_(None)).order_by(model.id)))

