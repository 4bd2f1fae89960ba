"""/api/v1/consultations on the generic collection endpoints."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, Field
from sqlalchemy.orm import Session

from grants.api.collections import Collection, register
from grants.api.problems import invalid
from grants.api.validation import Id
from grants.core.i18n import _

from . import operations as ops
from .models import Consultation


def _dt(v: datetime | None) -> str | None:
    return v.astimezone(timezone.utc).isoformat().replace("+00:00", "Z") if v else None


def _in_range(v: datetime) -> datetime:
    if not ops.MIN_YEAR <= v.year <= ops.MAX_YEAR:
        raise ValueError(f"must be between the years {ops.MIN_YEAR} and {ops.MAX_YEAR}")
    return v


Moment = Annotated[AwareDatetime, AfterValidator(_in_range)]


def serialize(c: Consultation, user) -> dict:
    return {"id": str(c.id), "state": c.state, "version": c.version, "title": c.title,
            "description": c.description, "fields": list(c.fields or []),
            "department_id": str(c.department_id) if c.department_id else None, "grantor_id": str(c.grantor_id),
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
    grantor_id: str  # the authority (issue 22)
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
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    department_id: Id | None = None


def _no_default(schema: dict) -> None:
    schema.pop("default", None)  # absent means unchanged; null is not a value of these


class ConsultationPatch(BaseModel):
    model_config = {"extra": "forbid"}
    # absent = unchanged; these three cannot be emptied to null (the period can, while a draft)
    title: str = Field(default=None, min_length=1, max_length=255, json_schema_extra=_no_default)  # type: ignore[assignment]
    description: str = Field(default=None, max_length=20000, json_schema_extra=_no_default)  # type: ignore[assignment]
    fields: list[str] = Field(default=None, max_length=30, json_schema_extra=_no_default)  # type: ignore[assignment]
    starts_at: Moment | None = None
    ends_at: Moment | None = None


def _create(session: Session, user, data: ConsultationCreate):
    dept = None
    if data.department_id is not None:
        raw = data.department_id.strip()
        if not (raw.isascii() and raw.isdigit() and len(raw) < 18):
            raise invalid([{"field": "department_id", "message": str(_("Nieznany wydział."))}])
        dept = int(raw)
    return ops.create(session, user, title=data.title, description=data.description, fields=data.fields,
                      starts_at=data.starts_at, ends_at=data.ends_at, department_id=dept)


def _may_create(user):
    return None if ops.can_create(user) else _("Konsultacje tworzą urzędnicy i administratorzy.")


def _patch(session: Session, obj, user, validated, expected_version):
    ops.check_editable(user, obj, expected_version)  # 409 state, 403, 409 version: before the body
    data = validated()
    return ops.update(session, obj, user, data.model_dump(exclude_unset=True), expected_version)


register(Collection(
    name="consultations", model=Consultation, serialize=serialize, visible=ops.visible, public=True,
    item_schema=ConsultationItem, create_schema=ConsultationCreate, create=_create, may_create=_may_create,
    patch_schema=ConsultationPatch, patch=_patch,
    summary="Consultations (draft → open → closed → reported), R-CONSULT",
))
