"""The only place that changes cooperation programmes, and that turns accepted directions into
planned contests."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from grants.calltypes import get
from grants.contests.models import Contest
from grants.core import audit, clock
from grants.core.i18n import _
from grants.core.numbers import NumberError, parse_money
from grants.core.permissions import ADMIN, OFFICER, PermissionDenied, actor_grantor, has_role
from grants.registry.dictionaries import FIELDS
from grants.workflows.base import record_change
from grants.workflows.direction import consultation_staff
from grants.workflows.errors import NotEditable

from .models import Programme


class ProgrammeError(ValueError):
    def __init__(self, errors):
        self.errors = errors
        super().__init__("; ".join(e["message"] for e in errors))


def save(session, actor, form) -> Programme:
    """The programme of the actor's authority for the year (issue 22: each authority its own)."""
    if not has_role(actor, OFFICER, ADMIN) or actor_grantor(actor) is None:
        raise PermissionDenied()
    errors = []
    try:
        year = int(form.get("year", ""))
        if not 2000 <= year <= 2100:
            raise ValueError
    except ValueError:
        raise ProgrammeError([{"field": "year", "message": str(_("Podaj rok programu."))}]) from None
    funds = {}
    for code in FIELDS:
        raw = (form.get(f"funds.{code}") or "").strip()
        if raw:
            try:
                funds[code] = f"{parse_money(raw, grammar='typed'):.2f}"
            except NumberError as e:
                errors.append({"field": f"funds.{code}",
                               "message": f"{_('Nieprawidłowa kwota: %(v)s.', v=raw)} {e.message}"})
    adopted = None
    if form.get("adopted_on"):
        try:
            adopted = date.fromisoformat(form["adopted_on"])
        except ValueError:
            errors.append({"field": "adopted_on", "message": str(_("Nieprawidłowa data uchwalenia."))})
    if errors:
        raise ProgrammeError(errors)
    grantor_id = actor_grantor(actor)
    p = session.scalar(select(Programme).where(Programme.year == year, Programme.grantor_id == grantor_id))
    if p is None:
        p = Programme(grantor_id=grantor_id, year=year, created_at=clock.now(), title="", priorities="", planned_funds={}, commission_rules="")
        session.add(p)
    p.title = (form.get("title") or f"Program współpracy na rok {year}").strip()[:255]
    p.priorities = (form.get("priorities") or "").strip()
    p.commission_rules = (form.get("commission_rules") or "").strip()
    p.planned_funds = funds
    p.adopted_on = adopted
    session.flush()
    audit.record(session, "programme", p.id, "save", actor, changes={"year": year, "planned_funds": funds,
                                                                      "adopted_on": adopted})
    return p


def plan_contest_from_direction(session, actor, direction, *, announcement: date, budget: Decimal | None = None):
    """An accepted direction becomes a planned contest of next year's programme (S7)."""
    if not has_role(actor, OFFICER, ADMIN) or not consultation_staff(direction, actor):
        raise PermissionDenied(_("Konkurs planuje urzędnik wydziału, który prowadził konsultację."))
    if direction.state != "accepted":
        raise NotEditable(_("Do programu trafiają tylko przyjęte propozycje."))
    if direction.planned_contest_id:
        raise NotEditable(_("Ta propozycja ma już zaplanowany konkurs."))
    ct = get("standard")
    c = Contest(grantor_id=direction.consultation.grantor_id, department_id=direction.consultation.department_id, call_type="standard",
                call_params={"from_direction": direction.id}, year=announcement.year, title=direction.title,
                task_type=direction.proposed_task[:5000], field=direction.field, form="support",
                budget=budget if budget is not None else direction.estimated_funds, grant_rules="", task_conditions="",
                procedure="", previous_tasks="", planned_announcement=announcement,
                formal_checklist=ct.default_checklist(), criteria=ct.default_criteria("support"),
                eligible_categories=[], ineligible_categories=[], state="planned", version=1,
                created_by_id=actor.id, created_at=clock.now())
    session.add(c)
    session.flush()
    direction.planned_contest_id = c.id
    session.flush()
    audit.record(session, "direction", direction.id, "planned_contest", actor, changes={"contest_id": c.id})
    record_change(session, c, "create", actor, {"from_direction": direction.id})
    return c
