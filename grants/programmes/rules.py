"""R-PROG: adopted by 30 November of the year before; its report due by 31 May of the year after."""
from __future__ import annotations

from datetime import date
from decimal import Decimal


def adoption_deadline(year: int) -> date:
    return date(year - 1, 11, 30)


def report_due(year: int) -> date:
    return date(year + 1, 5, 31)


def adoption_late(year: int, adopted_on: date | None, today: date) -> bool:
    """Flag (not a state): not adopted by the deadline, or adopted after it."""
    deadline = adoption_deadline(year)
    if adopted_on is None:
        return today > deadline
    return adopted_on > deadline


def planned_total(planned_funds: dict) -> Decimal:
    return sum((Decimal(str(v)) for v in (planned_funds or {}).values()), Decimal("0.00"))
