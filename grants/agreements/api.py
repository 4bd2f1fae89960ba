"""/api/v1/agreements and /api/v1/tranches on the generic endpoints."""
from __future__ import annotations

from datetime import date

from flask import request
from pydantic import BaseModel, Field
from sqlalchemy import select

from grants.api.collections import Collection, named, register
from grants.api.problems import ApiProblem
from grants.api.validation import Id
from grants.core import canonical
from grants.core.permissions import PermissionDenied
from grants.offers.models import Offer
from grants.offers.operations import visible
from grants.workflows.agreement import officer_of

from . import operations as ops
from .models import Agreement, Tranche


def _s(v):
    return canonical.jsonable(v) if v is not None else None


def serialize(a: Agreement, user) -> dict:
    return {"id": str(a.id), "state": a.state, "version": a.version, "number": a.number, "title": a.title,
            "offer_id": str(a.offer_id), "contest_id": str(a.contest_id), "organisation_id": str(a.organisation_id),
            "grant": _s(a.grant), "task_start": _s(a.task_start), "task_end": _s(a.task_end),
            "final_report_due": _s(a.final_report_due), "shift_pct": _s(a.shift_pct),
            "own_tolerance_pp": _s(a.own_tolerance_pp), "iban": a.iban,
            "signed_by_organisation_on": _s(a.signed_by_organisation_on),
            "signed_by_grantor_on": _s(a.signed_by_grantor_on), "terminated_reason": a.terminated_reason}


def serialize_full(a: Agreement, user) -> dict:
    body = serialize(a, user)
    body["tranches"] = [{"id": str(t.id), "number": t.number, "amount": _s(t.amount), "due_on": _s(t.due_on),
                         "condition": t.condition, "state": t.state} for t in a.tranches]
    # R-AGR-FROM-OFFER: the cost estimate and sources the agreement took from the (updated) offer; a
    # report's expenditure refers to these cost lines by their index
    c = (a.content or {}).get("content", {})
    body["content"] = {"task": c.get("task"), "costs": c.get("costs", []), "sources": c.get("sources", {})}
    body["revision"] = a.revision
    return body


class AgreementItem(BaseModel):
    id: str
    state: str
    version: int
    number: str
    grant: str


class AgreementCreate(BaseModel):
    model_config = {"extra": "forbid"}
    offer_id: Id
    tranche_pattern: str | None = Field(default=None, max_length=100)
    iban: str = Field(default="", max_length=40)


class AgreementPatch(BaseModel):
    model_config = {"extra": "forbid"}
    iban: str | None = Field(default=None, max_length=40)
    task_start: date | None = None
    task_end: date | None = None


def _create(session, user, data: AgreementCreate):
    offer = named(session, Offer, visible, data.offer_id, "offer_id", user, "unknown offer", "no such offer")
    a = ops.draft_from_offer(session, user, offer, pattern=data.tranche_pattern)
    if data.iban:
        ops.update(session, user, a, {"iban": data.iban})
    return a


def _patch(session, obj, user, validated, expected_version):
    ops.check_editable(user, obj, expected_version)
    data = validated()
    return ops.update(session, user, obj, data.model_dump(exclude_unset=True), expected_version)


register(Collection(
    name="agreements", model=Agreement, serialize=serialize, serialize_full=serialize_full, visible=ops.visible,
    item_schema=AgreementItem, create_schema=AgreementCreate, create=_create, patch_schema=AgreementPatch,
    patch=_patch, summary="Agreements drafted from offers (R-AGR-FROM-OFFER), signed, terminated",
))


def serialize_tranche(t: Tranche, user) -> dict:
    return {"id": str(t.id), "state": t.state, "version": t.version, "agreement_id": str(t.agreement_id),
            "number": t.number, "amount": _s(t.amount), "due_on": _s(t.due_on), "condition": t.condition,
            "paid_on": _s(t.paid_on), "paid_amount": _s(t.paid_amount), "transfer_ref": t.transfer_ref,
            "withheld_reason": t.withheld_reason}


class TrancheItem(BaseModel):
    id: str
    state: str
    version: int
    agreement_id: str
    number: int
    amount: str


register(Collection(
    name="tranches", model=Tranche, serialize=serialize_tranche, visible=ops.visible_tranches,
    item_schema=TrancheItem, summary="Tranches: due by date or released, paid once, withheld (R-AGR-TRANCHES)",
))


# ---- annexes as a part of the agreement

from grants.api import auth  # noqa: E402
from grants.api.declare import api_route  # noqa: E402
from grants.api.collections import REGISTRY, _json, _object  # noqa: E402
from grants.api.validation import raw_json, validate  # noqa: E402
from grants.core import db  # noqa: E402

from . import annexes  # noqa: E402
from .models import Annex  # noqa: E402


def _annex(x: Annex) -> dict:
    return {"number": x.number, "status": x.status, "reason": x.reason, "changes": x.changes, "before": x.before,
            "after": x.after, "proposed_at": _s(x.proposed_at), "decided_at": _s(x.decided_at),
            "decision_note": x.decision_note}


class AnnexIn(BaseModel):
    model_config = {"extra": "forbid"}
    reason: str = Field(min_length=3, max_length=4000)
    changes: annexes.Changes


class AnnexDecisionIn(BaseModel):
    model_config = {"extra": "forbid"}
    approve: bool
    note: str = Field(default="", max_length=4000)


class AnnexOut(BaseModel):
    number: int
    status: str
    reason: str
    changes: dict
    before: dict | None
    after: dict | None
    proposed_at: str | None
    decided_at: str | None
    decision_note: str | None


class AnnexPage(BaseModel):
    items: list[AnnexOut]
    total: int


@api_route("/agreements/<aid>/annexes", "GET", summary="The agreement's annexes (R-AGR-ANNEX)", response=AnnexPage,
           who="those who see the agreement: its department's officers, finance, the organisation's members")
@api_route("/agreements/<aid>/annexes", "POST", summary="Propose an annex to the agreement (R-AGR-ANNEX)",
           body=AnnexIn, response=AnnexOut, status=201,
           who="the organisation's members or the agreement's officer",
           errors={403: "Neither a member of the organisation nor the agreement's officer",
                   422: "Invalid input, or a rule refuses (R-AGR-ANNEX)"})
def agreement_annexes(aid):
    user = auth.require_user()
    a = _object(REGISTRY["agreements"], aid, user)
    if request.method == "POST":
        data = validate(AnnexIn, raw_json())
        x = annexes.propose(db.session(), user, a, data.changes.model_dump(mode="json", exclude_none=True), data.reason)
        db.session.commit()
        return _json(_annex(x), 201)
    rows = db.session.scalars(select(Annex).where(Annex.agreement_id == a.id).order_by(Annex.number)).all()
    return _json({"items": [_annex(x) for x in rows], "total": len(rows)}, 200, a)


@api_route("/agreements/<aid>/annexes/<int(max=2147483647):number>/decision", "POST", summary="Approve or refuse a proposed annex",
           body=AnnexDecisionIn, response=AnnexOut, who="the agreement's officer (officer or administrator role)",
           errors={403: "Not the agreement's officer", 422: "Invalid input, or the annex was already decided"})
def decide_annex(aid, number):
    user = auth.require_user()
    a = _object(REGISTRY["agreements"], aid, user)
    x = db.session.scalar(select(Annex).where(Annex.agreement_id == a.id, Annex.number == number))
    if x is None:
        raise ApiProblem(404, "No such annex.")
    if not officer_of(a, user) or "officer" not in user.role_names and "admin" not in user.role_names:
        raise PermissionDenied()
    data = validate(AnnexDecisionIn, raw_json())
    annexes.decide(db.session(), user, a, x, data.approve, data.note)
    db.session.commit()
    return _json(_annex(x), 200, a)
