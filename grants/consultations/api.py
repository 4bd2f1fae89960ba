"""/api/v1/consultations on the generic collection endpoints."""
from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, Field
from sqlalchemy.orm import Session

from grants.api.collections import Collection, register
from grants.api.problems import invalid

from . import operations as ops
from .models import Consultation


def _dt(v: datetime | None) -> str | None:
    return v.isoformat().replace("+00:00", "Z") if v else None


def serialize(c: Consultation, user) -> dict:
    return {"id": str(c.id), "state": c.state, "version": c.version, "title": c.title,
            "description": c.description, "fields": list(c.fields or []),
            "department_id": str(c.department_id) if c.department_id else None,
            "starts_at": _dt(c.starts_at), "ends_at": _dt(c.ends_at),
            "report": c.report if c.state == "reported" else None, "reported_at": _dt(c.reported_at),
            "next_check_at": _dt(c.next_check_at)}


class ConsultationItem(BaseModel):
    id: str
    state: str
    version: int
    title: str
    description: str
    fields: list[str]
    department_id: str | None
    starts_at: str | None
    ends_at: str | None
    report: str | None
    reported_at: str | None
    next_check_at: str | None


class ConsultationCreate(BaseModel):
    model_config = {"extra": "forbid"}
    title: str = Field(min_length=1, max_length=255)
    description: str = Field(default="", max_length=20000)
    fields: list[str] = Field(default_factory=list, max_length=30)
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    department_id: str | None = None


class ConsultationPatch(BaseModel):
    model_config = {"extra": "forbid"}
    title: str | None = Field(default=None, min_length=1, max_length=255)
    description: str | None = Field(default=None, max_length=20000)
    fields: list[str] | None = Field(default=None, max_length=30)
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None


def _create(session: Session, user, data: ConsultationCreate):
    dept = None
    if data.department_id is not None:
        try:
            dept = int(data.department_id)
        except ValueError:
            raise invalid([{"field": "department_id", "message": "unknown department"}]) from None
    try:
        return ops.create(session, user, title=data.title, description=data.description, fields=data.fields,
                          starts_at=data.starts_at, ends_at=data.ends_at, department_id=dept)
    except ops.ConsultationError as e:
        raise invalid(e.errors) from None


def _patch(session: Session, obj, user, validated, expected_version):
    ops.check_editable(user, obj, expected_version)
    data = validated()
    try:
        return ops.update(session, obj, user, data.model_dump(exclude_unset=True), expected_version)
    except ops.ConsultationError as e:
        raise invalid(e.errors) from None


register(Collection(
    name="consultations", model=Consultation, serialize=serialize, visible=ops.visible, public=True,
    item_schema=ConsultationItem, create_schema=ConsultationCreate, create=_create,
    patch_schema=ConsultationPatch, patch=_patch,
    summary="Consultations (draft → open → closed → reported), R-CONSULT",
))
