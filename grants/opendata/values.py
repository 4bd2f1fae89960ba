"""How values are written in the open data: amounts as JSON numbers from Decimal (two places, never
computed in float), dates and times in ISO 8601 with the Europe/Warsaw offset."""
from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from grants.core.dates import WARSAW

CENT = Decimal("0.01")


def amount(value: Decimal | None) -> Decimal | None:
    """An amount as a Decimal with two places; the JSON writer emits it as a number."""
    return None if value is None else Decimal(value).quantize(CENT)


def iso_datetime(value: datetime | None) -> str | None:
    """An aware datetime as ISO 8601 in Warsaw time, e.g. 2025-03-01T10:00:00+01:00."""
    if value is None:
        return None
    return value.astimezone(WARSAW).replace(microsecond=0).isoformat()


def iso_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def day_start(value: date | None) -> datetime | None:
    """The start of a calendar day in Warsaw (for facts known by day only, e.g. a payment date)."""
    return None if value is None else datetime.combine(value, time(0, 0), tzinfo=WARSAW)
