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
from grants.core.permissions import (ADMIN, OFFICER, OPERATOR, PermissionDenied, actor_grantor, grantor_column_is,
                                     has_role, same_grantor)
from grants.workflows.base import record_change

from .models import Department, Grantor


class DepartmentError(FieldErrors):
    """Refused input: `errors` lists {field, message} (grants.core.errors)."""


def for_field(session: Session, field: str | None, grantor_id: int | None = None) -> Department | None:
    """The department handling `field`: the first by code whose `fields` list it (of the authority
    `grantor_id` when given: an offer goes to a department of the authority it is addressed to)."""
    if not field:
        return None
    q = select(Department).order_by(Department.code)
    if grantor_id is not None:
        q = q.where(Department.grantor_id == grantor_id)
    for d in session.scalars(q):
        if field in (d.fields or []):
            return d
    return None


def for_offer(session: Session, field: str | None, organisation, grantor_id: int | None = None) -> Department | None:
    """At submission: the department of the offer's field; without one (or none handling it), of the
    organisation's fields of activity in their order; else None (the admins' until assigned)."""
    candidates = [f for f in [field, *((organisation.fields or []) if organisation is not None else [])] if f]
    for f in dict.fromkeys(candidates):
        d = for_field(session, f, grantor_id)
        if d is not None:
            return d
    return None


def officer_condition(model, user):
    """For `visible()`: what of `model` (with a department_id) staff see: an admin all, an officer
    their department's; None for everyone else (the caller applies its own conditions)."""
    if has_role(user, ADMIN):
        return grantor_column_is(model.grantor_id, user)  # of their own authority only (issue 22)
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
    if not has_role(actor, ADMIN) or not same_grantor(obj, actor):
        raise PermissionDenied(_("Wydział przypisuje administrator."))
    dept = None
    if department_id not in (None, ""):
        try:
            dept = session.get(Department, int(department_id))
        except (TypeError, ValueError):
            dept = None
        if dept is None or dept.grantor_id != obj.grantor_id:
            raise DepartmentError([{"field": "department_id", "message": str(_("Nieznany wydział."))}])
    new = dept.id if dept else None
    if new == obj.department_id:
        return obj
    before, obj.department_id = obj.department_id, new
    session.flush()
    record_change(session, obj, "reassign_department", actor, {"department_id": [before, new]})
    return obj


def unassigned(session: Session, model, user=None) -> list:
    q = select(model).where(model.department_id.is_(None)).order_by(model.id)
    if user is not None:
        q = q.where(grantor_column_is(model.grantor_id, user))
    return list(session.scalars(q))


def primary_grantor_id(session: Session) -> int | None:
    """The deployment's first authority (the one created first), None before any: where the
    operator's command line names none for a staff account (pages always ask, issue 22)."""
    return session.scalar(select(Grantor.id).order_by(Grantor.id).limit(1))


def default_grantor_id(session: Session) -> int | None:
    """The authority of a deployment serving exactly one: where an applicant or a new staff account
    names none. With several, None: the caller asks which (never silently the first, issue 22)."""
    ids = session.scalars(select(Grantor.id).order_by(Grantor.id).limit(2)).all()
    return ids[0] if len(ids) == 1 else None


def manages_deployment(session: Session, actor) -> bool:
    """Who keeps what every authority shares (the national parameters: interest rates, the art. 19a
    limits, retention; the mail queue of every authority's people): the platform operator, and an
    admin while the deployment serves one authority. With several, one authority's admin would
    change them for all the others (issue 22)."""
    if has_role(actor, OPERATOR):
        return True
    return has_role(actor, ADMIN) and default_grantor_id(session) is not None


def grantor_for(session: Session, actor, department_id=None) -> int | None:
    """The authority a new object of `actor` belongs to: the department's, else the actor's own."""
    if department_id:
        d = session.get(Department, department_id)
        if d is not None:
            return d.grantor_id
    return actor_grantor(actor)



def addressed_grantor(session: Session, code) -> int | None:
    """The authority an applicant addresses an offer to, by its code; without one, the deployment's
    only authority; None for an unknown code or, with several authorities, none named."""
    if not code:
        return default_grantor_id(session)
    return session.scalar(select(Grantor.id).where(Grantor.code == str(code)[:20]))
