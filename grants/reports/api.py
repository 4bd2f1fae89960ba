"""/api/v1/reports on the generic endpoints; PATCH saves the content while the report is editable."""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from grants.agreements.models import Agreement
from grants.agreements.operations import visible
from grants.api.collections import Collection, named, register
from grants.api.validation import Id
from grants.core import canonical
from grants.core.permissions import PermissionDenied
from grants.workflows.report import member

from . import content as rc
from . import operations as ops
from .models import Report


def _s(v):
    return canonical.jsonable(v) if v is not None else None


def serialize(r: Report, user) -> dict:
    return {"id": str(r.id), "state": r.state, "version": r.version, "agreement_id": str(r.agreement_id),
            "kind": r.kind, "due_on": _s(r.due_on), "submitted_at": _s(r.submitted_at),
            "correction_due": _s(r.correction_due), "review_note": r.review_note}


def serialize_full(r: Report, user) -> dict:
    body = serialize(r, user)
    body["content"] = r.content
    body["problems"] = rc.problems(r) if r.state in ("draft", "needs_correction") else []
    try:
        res = rc.shift_result(r)
        body["shift"] = {"ineligible_excess": str(res.excess),
                         "lines": [{"line": x.key, "planned": str(x.planned), "actual": str(x.actual),
                                    "limit": str(x.limit), "excess": str(x.excess)} for x in res.lines]}
    except Exception:  # noqa: BLE001 - incomplete content: no shift figures yet
        body["shift"] = None
    return body


class ReportItem(BaseModel):
    id: str
    state: str
    version: int
    agreement_id: str
    kind: str
    due_on: str


class ReportPatch(BaseModel):
    model_config = {"extra": "forbid"}
    narrative: str | None = Field(default=None, max_length=20000)
    results: list[rc.ResultAchieved] | None = Field(default=None, max_length=50)
    expenditure: list[rc.Expenditure] | None = Field(default=None, max_length=300)
    sources: rc.Sources | None = None
    income: str | None = Field(default=None, max_length=20)
    bank_interest: str | None = Field(default=None, max_length=20)
    call: dict | None = None  # the call type's own section, checked by its report_model (reports.operations.save)


class ReportCreate(BaseModel):
    model_config = {"extra": "forbid"}
    agreement_id: Id
    due_on: date


def _create(session, user, data: ReportCreate):
    a = named(session, Agreement, visible, data.agreement_id, "agreement_id", user, "unknown agreement",
              "no such agreement")
    return ops.demand_partial(session, user, a, data.due_on)


def _patch(session, obj, user, validated, expected_version):
    if not member(obj, user):
        raise PermissionDenied()
    data = validated()
    return ops.save(session, user, obj, data.model_dump(mode="json", exclude_unset=True), expected_version)


register(Collection(
    name="reports", model=Report, serialize=serialize, serialize_full=serialize_full, visible=ops.visible,
    item_schema=ReportItem, create_schema=ReportCreate, create=_create, patch_schema=ReportPatch, patch=_patch,
    summary="Partial and final reports (R-REP-FINAL, R-REP-CONTENT, R-AGR-SHIFT)",
))
