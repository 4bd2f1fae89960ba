"""The value of a dated parameter on a day: the latest row from on or before it (database rows
first, the defaults below otherwise)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

# key -> [(valid from, value)], the current legal values (DOMAIN.md R-19A-LIMITS)
DEFAULTS: dict[str, list[tuple[date, str]]] = {
    "art19a.max_amount": [(date(2010, 1, 1), "10000.00")],
    "art19a.max_days": [(date(2010, 1, 1), "90")],
    "art19a.max_per_organisation_year": [(date(2010, 1, 1), "20000.00")],
    "art19a.max_share_of_planned_pct": [(date(2010, 1, 1), "20")],
    "art12.assessment_months": [(date(2010, 1, 1), "1")],
}


def value(session, key: str, on: date) -> str:
    from .models import DatedParameter
    row = None
    if session is not None:
        row = session.scalar(select(DatedParameter.value).where(DatedParameter.key == key, DatedParameter.valid_from <= on)
                             .order_by(DatedParameter.valid_from.desc()).limit(1))
    if row is not None:
        return row
    rows = [v for d, v in sorted(DEFAULTS[key]) if d <= on]
    if not rows:
        raise KeyError(f"no value of {key} on {on}")
    return rows[-1]


def decimal(session, key: str, on: date) -> Decimal:
    return Decimal(value(session, key, on))


def integer(session, key: str, on: date) -> int:
    return int(value(session, key, on))


RATE_KEY = "interest.tax_arrears_rate"


def rate_table(session):
    """R-SET-INTEREST: the tax-arrears rates DOMAIN.md lists, plus the rows an admin added (a row of the
    same date replaces the default one)."""
    from budgets.interest import DEFAULT_RATE_ROWS, Rate, RateTable

    from .models import DatedParameter
    rows = {r.since: r.percent for r in DEFAULT_RATE_ROWS}
    if session is not None:
        for since, v in session.execute(select(DatedParameter.valid_from, DatedParameter.value)
                                        .where(DatedParameter.key == RATE_KEY)):
            rows[since] = Decimal(v)
    return RateTable([Rate(d, p) for d, p in sorted(rows.items())])
