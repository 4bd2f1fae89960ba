"""The only place that changes own-initiative offers (art. 12)."""
from __future__ import annotations

from dateutil.relativedelta import relativedelta
from sqlalchemy import or_
from sqlalchemy.orm import Session

from grants.core.errors import FieldErrors, text_field
from grants.core import clock
from grants.core.dates import roll_to_working_day, warsaw_date
from grants.core.i18n import _
from grants.params import values as params
from grants.registry import departments
from grants.registry.dictionaries import FIELDS
from grants.registry.models import Organisation
from grants.workflows.base import apply_transition, record_change
from grants.workflows.initiative import INITIATIVE
from grants.workflows.relations import require_board

from .models import Initiative


class InitiativeError(FieldErrors):
    """Refused input: `errors` lists {field, message} (grants.core.errors)."""


def visible(q, user):
    """R-ART12-CONFIDENTIAL: until the decision only the applicant's members, officers and admins see it;
    after a decision too (the idea stays the applicant's: nothing is published)."""
    conds = departments.members_or_staff(Initiative, user) if user is not None else []
    return q.where(or_(*conds)) if conds else q.where(False)


def assessment_due(session, submitted_at):
    """R-ART12-MONTH with R-DAYS: one month from receipt, moved to the next working day."""
    on = warsaw_date(submitted_at)
    months = params.integer(session, "art12.assessment_months", on)
    return roll_to_working_day(on + relativedelta(months=months))


def is_late(obj: Initiative, today) -> bool:
    return obj.state in ("submitted", "under_assessment") and today > obj.assessment_due


def submit(session: Session, actor, organisation_id: int, values: dict) -> Initiative:
    require_board(actor, organisation_id)
    errors = []
    title = text_field(values, "title", errors, _("Podaj tytuł zadania."))
    description = text_field(values, "description", errors, _("Opisz zadanie (co najmniej 20 znaków)."), 20)
    if values.get("field") and values["field"] not in FIELDS:
        errors.append({"field": "field", "message": str(_("Nieznana sfera pożytku publicznego."))})
    cost = values.get("estimated_cost")
    if cost is not None and cost <= 0:
        errors.append({"field": "estimated_cost", "message": str(_("Szacowany koszt musi być większy od zera."))})
    if errors:
        raise InitiativeError(errors)
    now = clock.now()
    grantor_id = departments.addressed_grantor(session, values.get("grantor"))  # the authority addressed (issue 22)
    if grantor_id is None:
        raise InitiativeError([{"field": "grantor", "message": str(
            _("Wybierz organ dotujący, do którego składasz ofertę.") if not values.get("grantor")
            else _("Nieznany organ dotujący."))}])
    dept = departments.for_offer(session, values.get("field") or None, session.get(Organisation, organisation_id),
                                 grantor_id)
    obj = Initiative(organisation_id=organisation_id, author_id=actor.id, title=title[:255], description=description,
                     field=values.get("field") or None, estimated_cost=cost, submitted_at=now,
                     assessment_due=assessment_due(session, now), state=INITIATIVE.initial, version=1,
                     department_id=dept.id if dept else None, grantor_id=grantor_id)
    session.add(obj)
    session.flush()
    record_change(session, obj, "submit", actor, {"title": title, "organisation_id": organisation_id,
                                                  "department_id": obj.department_id})
    return obj


transition = apply_transition  # (session, obj, name, actor, payload, expected_version)
reassign_department = departments.reassign  # an admin moves the offer: (session, actor, obj, department_id)
