"""/api/v1/settlements; returns booked as a part: POST /api/v1/settlements/{id}/returns."""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from budgets.returns import ReturnError
from grants.api import auth
from grants.api.declare import api_route
from grants.api.collections import Collection, _json, _object, full, register
from grants.api.problems import invalid
from grants.api.validation import raw_json, validate
from grants.core import canonical, clock, db
from grants.core.numbers import money_type
from grants.core.permissions import FINANCE, PermissionDenied, has_role

from . import calculation
from . import operations as ops
from .models import Settlement


def _s(v):
    return canonical.jsonable(v) if v is not None else None


def serialize(s: Settlement, user) -> dict:
    return {"id": str(s.id), "state": s.state, "version": s.version, "agreement_id": str(s.agreement_id),
            "total_to_return": _s(s.total_to_return), "calculated_at": _s(s.calculated_at)}


def serialize_full(s: Settlement, user) -> dict:
    body = serialize(s, user)
    body.update({"findings": s.findings, "lines": s.lines, "obligations": s.obligations,
                 "payments": [{"paid_on": _s(p.paid_on), "amount": _s(p.amount), "reference": p.reference}
                              for p in s.payments],
                 "outstanding_today": _s(calculation.outstanding(s, clock.today())),
                 "explanation": canonical.jsonable(calculation.explanation(s))})
    return body


class SettlementItem(BaseModel):
    id: str
    state: str
    version: int
    agreement_id: str


COLLECTION = register(Collection(
    name="settlements", model=Settlement, serialize=serialize, serialize_full=serialize_full, visible=ops.visible,
    item_schema=SettlementItem,
    summary="Settlements: calculation, returns with interest (R-SET-RETURN, R-SET-MISUSE, R-SET-INTEREST, R-SET-PARTIAL)",
))


class ReturnIn(BaseModel):
    model_config = {"extra": "forbid"}
    paid_on: date
    amount: money_type(allow_zero=False)
    reference: str = Field(default="", max_length=100)


@api_route("/settlements/<sid>/returns", "POST", summary="Book a return payment with its interest (R-SET-RETURN, "
           "R-SET-INTEREST)", who="finance staff who see the settlement", body=ReturnIn,
           response="collection:settlements", status=201,
           body_example={"paid_on": "2027-02-10", "amount": "1200.00", "reference": "PRZELEW/2027/02/10"},
           errors={403: "Finance staff only", 422: "Invalid input, or the amount refused"})
def record_return(sid):
    user = auth.require_user()
    s = _object(COLLECTION, sid, user)
    if not has_role(user, FINANCE):
        raise PermissionDenied()
    data = validate(ReturnIn, raw_json())
    try:
        calculation.book_payment(db.session(), user, s, data.paid_on, data.amount, data.reference)
    except ReturnError as e:
        raise invalid([{"field": "amount", "message": str(e.message if hasattr(e, "message") else e)}]) from None
    db.session.commit()
    return _json(full(COLLECTION, s, user), 201, s)
