"""/api/v1/initiatives (art. 12): confidential (R-ART12-CONFIDENTIAL), token required."""
from __future__ import annotations


from pydantic import Field

from grants.api.areas import RequestItem, TitledBody, for_organisation
from grants.api.collections import Collection, register
from grants.core import canonical
from grants.registry.api import DepartmentPatch, patch_department
from grants.core.numbers import Money

from . import operations as ops
from .models import Initiative


def _s(v):
    return canonical.jsonable(v) if v is not None else None


def serialize(o: Initiative, user) -> dict:
    return {"id": str(o.id), "state": o.state, "version": o.version, "organisation_id": str(o.organisation_id),
            "department_id": str(o.department_id) if o.department_id else None, "grantor_id": str(o.grantor_id),
            "title": o.title, "description": o.description, "field": o.field,
            "estimated_cost": _s(o.estimated_cost), "submitted_at": _s(o.submitted_at),
            "assessment_due": _s(o.assessment_due), "decision": o.decision,
            "planned_contest_id": str(o.planned_contest_id) if o.planned_contest_id else None}


class InitiativeItem(RequestItem):
    assessment_due: str


class InitiativeCreate(TitledBody):
    description: str = Field(min_length=1, max_length=20000)
    field: str | None = Field(default=None, max_length=40)
    estimated_cost: Money | None = None
    # the code of the authority addressed (issue 22); without it the deployment's first
    grantor: str | None = Field(default=None, max_length=20)


register(Collection(
    name="initiatives", model=Initiative, serialize=serialize, visible=ops.visible, public=False,
    item_schema=InitiativeItem, create_schema=InitiativeCreate, create=for_organisation(ops.submit),
    patch_schema=DepartmentPatch, patch=patch_department(ops.reassign_department),
    summary="Own-initiative offers, art. 12 (R-ART12-MONTH, R-ART12-OUTCOME, R-ART12-CONFIDENTIAL)",
))
