"""The only place that changes directions, their supports and comments."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from grants.consultations.models import Consultation
from grants.core.errors import FieldErrors
from grants.core import audit, clock, outbox
from grants.core.i18n import _
from grants.core.permissions import (
    ADMIN,
    APPLICANT,
    OFFICER,
    PARTICIPANT,
    PermissionDenied,
    grantor_column_is,
    has_role,
)
from grants.registry.dictionaries import DISTRICTS, FIELDS
from grants.workflows.base import apply_transition, record_change
from grants.workflows.direction import DIRECTION, consultation_staff
from grants.workflows.errors import NotEditable, stale

from .models import Direction, DirectionComment, DirectionSupport

EDITABLE = ("title", "problem", "target_group", "proposed_task", "estimated_funds", "field", "district")
PUBLIC_STATES = ("submitted", "under_review", "accepted", "rejected", "merged")


class DirectionError(FieldErrors):
    """Refused input: `errors` lists {field, message} (grants.core.errors)."""


def visible(q, user):
    """Submitted proposals of non-draft consultations are public (hidden ones to staff only);
    drafts only to their authors."""
    public = (Direction.state.in_(PUBLIC_STATES)) & Direction.hidden_reason.is_(None)
    conds = [public]
    if user is not None:
        conds.append(Direction.author_id == user.id)
        if has_role(user, ADMIN):
            conds.append((Direction.state != "draft") & Direction.consultation_id.in_(
                select(Consultation.id).where(grantor_column_is(Consultation.grantor_id, user))))
        elif has_role(user, OFFICER) and user.department_id is not None:
            conds.append((Direction.state != "draft") & Direction.consultation_id.in_(
                select(Consultation.id).where(Consultation.department_id == user.department_id)))
    return q.where(or_(*conds))


def _stakeholder(actor, organisation_id):
    if organisation_id is not None:
        if organisation_id not in getattr(actor, "organisation_ids", ()):
            raise PermissionDenied(_("Możesz działać tylko w imieniu swojej organizacji."))
        return "ngo"
    if has_role(actor, OFFICER, ADMIN):
        return "city_unit"
    return getattr(actor, "stakeholder_type", None) or "resident"


def _clean(values: dict) -> dict:
    errors = []
    out = {k: values[k] for k in EDITABLE if k in values}
    for k in ("title", "problem", "target_group", "proposed_task"):
        if k in out:
            out[k] = (out[k] or "").strip()
    if "title" in out and not out["title"]:
        errors.append({"field": "title", "message": str(_("Podaj tytuł propozycji."))})
    if out.get("field") and out["field"] not in FIELDS:
        errors.append({"field": "field", "message": str(_("Nieznana sfera pożytku publicznego."))})
    if out.get("district") and out["district"] not in DISTRICTS:
        errors.append({"field": "district", "message": str(_("Nieznana dzielnica."))})
    f = out.get("estimated_funds")
    if f is not None and Decimal(f) < 0:
        errors.append({"field": "estimated_funds", "message": str(_("Kwota nie może być ujemna."))})
    if errors:
        raise DirectionError(errors)
    return out


def create(session: Session, actor, consultation, values: dict, organisation_id: int | None = None) -> Direction:
    if not has_role(actor, APPLICANT, PARTICIPANT, OFFICER, ADMIN):
        raise PermissionDenied()
    if consultation.state != "open" or (consultation.ends_at and clock.now() > consultation.ends_at):
        raise NotEditable(_("Propozycje przyjmuje się tylko w czasie trwania konsultacji."))
    data = _clean(values)
    d = Direction(consultation_id=consultation.id, author_id=actor.id, organisation_id=organisation_id,
                  stakeholder_type=_stakeholder(actor, organisation_id), state=DIRECTION.initial, version=1,
                  created_at=clock.now(), title=data.pop("title", ""), **data)
    session.add(d)
    session.flush()
    record_change(session, d, "create", actor, {k: [None, getattr(d, k)] for k in EDITABLE})
    return d


def update(session: Session, d: Direction, actor, values: dict, expected_version=None) -> Direction:
    if d.author_id != actor.id:
        raise PermissionDenied()
    if d.state != "draft":
        raise NotEditable(_("Zgłoszonej propozycji nie można zmieniać."))
    if expected_version is not None and expected_version != d.version:
        raise stale(d.version)
    data = _clean(values)
    changes = {k: [getattr(d, k), v] for k, v in data.items() if getattr(d, k) != v}
    for k, v in data.items():
        setattr(d, k, v)
    if changes:
        session.flush()
        record_change(session, d, "update", actor, changes)
    return d


def support(session: Session, d: Direction, actor) -> DirectionSupport:
    """One support per person (S7); not your own, and only while the consultation is open."""
    c = d.consultation
    if d.state not in ("submitted", "under_review") or c.state != "open" or (c.ends_at and clock.now() > c.ends_at):
        raise NotEditable(_("Propozycję można poprzeć tylko w czasie trwania konsultacji."))
    if d.author_id == actor.id:
        raise NotEditable(_("Nie można poprzeć własnej propozycji."))
    if session.scalar(select(DirectionSupport.id).where(DirectionSupport.direction_id == d.id,
                                                        DirectionSupport.user_id == actor.id)) is not None:
        raise NotEditable(_("Ta propozycja ma już Twoje poparcie."))
    s = DirectionSupport(direction_id=d.id, user_id=actor.id, created_at=clock.now())
    session.add(s)
    try:
        session.flush()
    except IntegrityError:  # a concurrent double click
        session.rollback()
        raise NotEditable(_("Ta propozycja ma już Twoje poparcie.")) from None
    audit.lock_object(session, Direction, d.id)
    audit.record(session, "direction", d.id, "support", actor, changes={"user_id": actor.id})
    return s


def supports_count(session: Session, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = session.execute(select(DirectionSupport.direction_id, func.count()).where(
        DirectionSupport.direction_id.in_(ids)).group_by(DirectionSupport.direction_id))
    return {i: n for i, n in rows}


def comment(session: Session, d: Direction, actor, body: str) -> DirectionComment:
    body = (body or "").strip()
    if not body or len(body) > 4000:
        raise DirectionError([{"field": "body", "message": str(_("Komentarz: od 1 do 4000 znaków."))}])
    if d.consultation.state != "open" or (d.consultation.ends_at and clock.now() > d.consultation.ends_at):
        raise NotEditable(_("Komentarze przyjmuje się tylko w czasie trwania konsultacji."))
    if d.state not in ("submitted", "under_review"):
        raise NotEditable(_("Tej propozycji nie można już komentować."))
    c = DirectionComment(direction_id=d.id, user_id=actor.id, body=body, flagged=False, created_at=clock.now())
    session.add(c)
    session.flush()
    audit.lock_object(session, Direction, d.id)
    audit.record(session, "direction", d.id, "comment", actor, changes={"comment_id": c.id})
    # the proposal's author and the discussion's earlier voices are told by a worker (grants.notifications)
    outbox.emit(session, "direction.comment", {"object_type": "direction", "id": d.id, "actor_id": actor.id,
                                               "comment_id": c.id})
    return c


def flag(session: Session, c: DirectionComment, actor) -> None:
    c.flagged = True
    session.flush()
    audit.lock_object(session, Direction, c.direction_id)
    audit.record(session, "direction", c.direction_id, "flag_comment", actor, changes={"comment_id": c.id})


def hide(session: Session, actor, d: Direction, reason: str, comment_obj: DirectionComment | None = None) -> None:
    """Moderation: an officer hides a comment or a proposal, with a reason (kept in the audit trail)."""
    if not has_role(actor, OFFICER, ADMIN) or not consultation_staff(d, actor):
        raise PermissionDenied()
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise DirectionError([{"field": "reason", "message": str(_("Podaj powód ukrycia."))}])
    if comment_obj is not None:
        comment_obj.hidden_reason = reason
        target = {"comment_id": comment_obj.id}
    else:
        d.hidden_reason = reason
        target = {"direction_id": d.id}
    session.flush()
    audit.lock_object(session, Direction, d.id)
    audit.record(session, "direction", d.id, "hide", actor, changes={**target, "reason": reason})


def transition(session: Session, d: Direction, name: str, actor, payload=None, expected_version=None):
    return apply_transition(session, d, name, actor, payload, expected_version)
