"""/api/v1/parameters: the dated parameters (the art. 19a limits, the tax-arrears interest rates, the
retention periods), read by anyone, set by administrators (issue 15). Changes go through
grants/params/operations.py, as on the parameters page."""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field
from sqlalchemy import select

from grants.api import auth
from grants.api.collections import _json
from grants.api.declare import api_route
from grants.api.problems import invalid
from grants.api.validation import parse_body
from grants.core import clock, db
from grants.core.dates import local

from . import operations, values
from .models import DatedParameter


class ParameterRow(BaseModel):
    valid_from: date
    value: str = Field(description="a decimal number as typed, e.g. \"14.5\" or \"10000.00\"")
    source: str = Field(description="default (the law's value built in) or set (by an administrator)")


class Parameter(BaseModel):
    key: str
    current: str | None = Field(description="the value today (Europe/Warsaw)")
    rows: list[ParameterRow]


class ParametersPage(BaseModel):
    items: list[Parameter]
    total: int


class ParameterIn(BaseModel):
    model_config = {"extra": "forbid"}
    key: str = Field(max_length=80)
    valid_from: date
    value: str = Field(max_length=30, description="a non-negative decimal, at most 4 places (no exponent)")


def _rows(session) -> dict[str, list[dict]]:
    out: dict[str, dict] = {k: {} for k in operations.keys()}
    for key, rows in values.DEFAULTS.items():
        for since, v in rows:
            out[key][since] = {"valid_from": since.isoformat(), "value": v, "source": "default"}
    for r in values.rate_table(None).rows:
        out[values.RATE_KEY][r.since] = {"valid_from": r.since.isoformat(), "value": str(r.percent),
                                         "source": "default"}
    for row in session.scalars(select(DatedParameter)):
        if row.key in out:
            out[row.key][row.valid_from] = {"valid_from": row.valid_from.isoformat(), "value": row.value,
                                            "source": "set"}
    return {k: [v[d] for d in sorted(v)] for k, v in out.items()}


def _item(key: str, rows: list[dict], today: date) -> dict:
    current = [r["value"] for r in rows if r["valid_from"] <= today.isoformat()]
    return {"key": key, "current": current[-1] if current else None, "rows": rows}


@api_route("/parameters", "GET", summary="Dated parameters: the art. 19a limits, the interest rates (R-SET-INTEREST), "
           "retention periods", public=True, who="anyone", response=ParametersPage,
           example={"items": [{"key": "interest.tax_arrears_rate", "current": "14.5", "rows": [
               {"valid_from": "2023-10-05", "value": "14.5", "source": "default"}]}], "total": 1})
def parameters_list():
    auth.current_api_user()
    today = local(clock.now()).date()
    items = [_item(k, rows, today) for k, rows in _rows(db.session()).items()]
    return _json({"items": items, "total": len(items)}, 200)


@api_route("/parameters", "POST", summary="Set a parameter's value from a date (a row of the same date is replaced)",
           who="administrators", body=ParameterIn, response=Parameter, status=201,
           body_example={"key": "interest.tax_arrears_rate", "valid_from": "2027-01-01", "value": "13.5"},
           errors={403: "Administrators only", 422: "Unknown key, or a value that is not a non-negative number"})
def parameters_set():
    user = auth.require_user()
    data = parse_body(ParameterIn)
    s = db.session()
    try:
        operations.set_value(s, user, data.key, data.valid_from, data.value)
    except operations.ParameterError as e:
        s.rollback()
        raise invalid(e.errors) from None
    s.commit()
    return _json(_item(data.key, _rows(s)[data.key], local(clock.now()).date()), 201)
