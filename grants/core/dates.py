"""Europe/Warsaw deadlines and Polish working days (R-DAYS)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

WARSAW = ZoneInfo("Europe/Warsaw")


@lru_cache(maxsize=64)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("PL", years=year)


def is_holiday(d: date) -> bool:
    return d in _holidays(d.year)


def is_working_day(d: date) -> bool:
    """R-DAYS: working days exclude Saturdays, Sundays and Polish public holidays."""
    return d.weekday() < 5 and not is_holiday(d)


def roll_to_working_day(d: date) -> date:
    """R-DAYS: a deadline on a Saturday, Sunday or holiday moves to the next working day."""
    while not is_working_day(d):
        d += timedelta(days=1)
    return d


def days_after(start: date, n: int) -> date:
    """R-DAYS: "within n days" of `start`: the starting day is not counted, and a deadline
    falling on a non-working day moves to the next working day."""
    if n < 0:
        raise ValueError("n must not be negative")
    return roll_to_working_day(start + timedelta(days=n))


def working_days_after(start: date, n: int) -> date:
    """R-DAYS: the n-th working day after `start` (the starting day not counted). For n == 0
    the result is `start` itself when it is a working day, else the next working day (as
    `days_after(start, 0)`), so the result is always a working day."""
    if n < 0:
        raise ValueError("n must not be negative")
    if n == 0:
        return roll_to_working_day(start)
    d = start
    while n > 0:
        d += timedelta(days=1)
        if is_working_day(d):
            n -= 1
    return d


def end_of_day(d: date) -> datetime:
    """The last instant of a Warsaw calendar day, as aware UTC (a deadline 'on day d')."""
    local = datetime.combine(d, time(23, 59, 59, 999999), tzinfo=WARSAW)
    return local.astimezone(timezone.utc)


def start_of_day(d: date) -> datetime:
    return datetime.combine(d, time(0, 0), tzinfo=WARSAW).astimezone(timezone.utc)


def local(dt: datetime) -> datetime:
    """An aware datetime shown in Warsaw time."""
    return dt.astimezone(WARSAW)


def warsaw_date(dt: datetime) -> date:
    return dt.astimezone(WARSAW).date()
