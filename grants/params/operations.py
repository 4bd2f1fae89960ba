"""The one place that changes dated parameters: an administrator sets a value from a date (the
parameters page and POST /api/v1/parameters)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from grants.core import audit
from grants.core.i18n import _
from grants.core.numbers import parse_decimal
from grants.core.permissions import PermissionDenied
from grants.registry.departments import manages_deployment

from . import values
from .models import DatedParameter

MAXIMUM = Decimal("100000000")


class ParameterError(Exception):
    def __init__(self, errors: list[dict]):
        self.errors = errors
        super().__init__("; ".join(e["message"] for e in errors))


def keys() -> list[str]:
    return sorted({*values.DEFAULTS, values.RATE_KEY})


def set_value(session: Session, actor, key: str, since: date, raw: str) -> DatedParameter:
    """Whoever manages the deployment (the parameters are every authority's); the value in the one
    grammar of numbers (rates to the ten-thousandth), stored as typed ("14.5", "10000"); a row of
    the same key and date is replaced. Audited; not committed."""
    if not manages_deployment(session, actor):
        raise PermissionDenied(_("Parametry wspólne dla wszystkich urzędów ustawia operator platformy."))
    errors = []
    if key not in keys():
        errors.append({"field": "key", "message": str(_("Nieznany parametr."))})
    try:
        v = parse_decimal(raw, places=4, maximum=MAXIMUM, grammar="typed")
    except ValueError:
        errors.append({"field": "value", "message": str(_("Podaj nieujemną liczbę (najwyżej 4 miejsca po przecinku)."))})
    if errors:
        raise ParameterError(errors)
    v = Decimal(format(v.normalize(), "f"))
    row = session.scalar(select(DatedParameter).where(DatedParameter.key == key, DatedParameter.valid_from == since))
    if row is None:
        row = DatedParameter(key=key, valid_from=since, value=str(v))
        session.add(row)
    else:
        row.value = str(v)
    session.flush()
    audit.record(session, "parameter", f"{key}@{since}", "set", actor, changes={"value": str(v)})
    return row
