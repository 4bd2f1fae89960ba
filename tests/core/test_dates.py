"""R-DAYS: "within N days" does not count the starting day; a deadline on a Saturday, Sunday or
Polish public holiday moves to the next working day; "working days" exclude them too. Deadlines
are Europe/Warsaw days, stored as UTC instants."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.core.dates import (
    WARSAW,
    days_after,
    end_of_day,
    is_holiday,
    is_working_day,
    local,
    roll_to_working_day,
    start_of_day,
    warsaw_date,
    working_days_after,
)

UTC = timezone.utc


@pytest.fixture(autouse=True)
def _clean_database():
    """Pure functions, no rows written: skip the conftest's per-test database wipe (speed)."""
    yield


def test_r_days_polish_public_holidays_2026():
    expected = {
        date(2026, 1, 1), date(2026, 1, 6),               # New Year, Epiphany
        date(2026, 4, 5), date(2026, 4, 6),               # Easter Sunday and Monday
        date(2026, 5, 1), date(2026, 5, 3),               # Labour Day, Constitution Day
        date(2026, 5, 24), date(2026, 6, 4),              # Pentecost, Corpus Christi
        date(2026, 8, 15), date(2026, 11, 1), date(2026, 11, 11),
        date(2026, 12, 24),                               # Christmas Eve: a public holiday from 2025
        date(2026, 12, 25), date(2026, 12, 26),
    }
    year = {date(2026, 1, 1) + timedelta(days=i) for i in range(365)}
    assert {d for d in year if is_holiday(d)} == expected


def test_r_days_christmas_eve_is_a_holiday_only_from_2025():
    assert not is_holiday(date(2024, 12, 24))
    assert is_working_day(date(2024, 12, 24))        # a Tuesday
    assert is_holiday(date(2025, 12, 24)) and not is_working_day(date(2025, 12, 24))


def test_r_days_starting_day_not_counted():
    # a request delivered on Monday 2 March 2026, "within 7 days": Monday 9 March, not Sunday 8
    assert days_after(date(2026, 3, 2), 7) == date(2026, 3, 9)
    assert days_after(date(2026, 3, 3), 1) == date(2026, 3, 4)
    assert days_after(date(2026, 3, 3), 0) == date(2026, 3, 3)


def test_r_days_saturday_moves_to_monday():
    # Saturday 14 November 2026
    assert days_after(date(2026, 11, 7), 7) == date(2026, 11, 16)
    assert roll_to_working_day(date(2026, 11, 14)) == date(2026, 11, 16)


def test_r_days_sunday_moves_to_monday():
    assert days_after(date(2026, 11, 8), 7) == date(2026, 11, 16)


@pytest.mark.parametrize("start, n, expected, why", [
    (date(2026, 11, 4), 7, date(2026, 11, 12), "11 Nov 2026 (Wed): Independence Day"),
    (date(2027, 3, 22), 7, date(2027, 3, 30), "29 Mar 2027: Easter Monday"),
    (date(2026, 12, 17), 7, date(2026, 12, 28), "24-26 Dec 2026 holidays, 27 Sunday"),
    (date(2026, 12, 9), 15, date(2026, 12, 28), "24 Dec is a holiday from 2025"),
    (date(2024, 12, 17), 7, date(2024, 12, 24), "24 Dec 2024 was still a working day"),
    (date(2026, 4, 24), 7, date(2026, 5, 4), "1 May Friday, then the weekend"),
    (date(2026, 5, 28), 7, date(2026, 6, 5), "4 Jun 2026: Corpus Christi"),
    (date(2026, 12, 2), 30, date(2027, 1, 4), "1 Jan 2027 (Fri) holiday, 2-3 Jan weekend"),
    (date(2026, 12, 1), 30, date(2026, 12, 31), "31 Dec is a working day"),
])
def test_r_days_holiday_moves(start, n, expected, why):
    assert days_after(start, n) == expected, why


@pytest.mark.parametrize("start, n, expected", [
    (date(2026, 3, 6), 1, date(2026, 3, 9)),         # Friday -> Monday, across the weekend
    (date(2026, 3, 6), 5, date(2026, 3, 13)),
    (date(2026, 3, 7), 1, date(2026, 3, 9)),         # from a Saturday
    (date(2026, 11, 6), 3, date(2026, 11, 12)),      # Mon 9, Tue 10, (Wed 11 holiday), Thu 12
    (date(2026, 12, 22), 3, date(2026, 12, 29)),     # Wed 23, (24-27), Mon 28, Tue 29
    (date(2027, 3, 24), 3, date(2027, 3, 30)),       # Thu 25, Fri 26, (weekend, Easter Mon), Tue 30
    (date(2026, 4, 30), 1, date(2026, 5, 4)),        # (1 May Fri, 2-3 weekend)
    (date(2026, 3, 2), 7, date(2026, 3, 11)),        # R-19A-PUBLISH style: 7 working days
])
def test_r_days_working_days_after_skip_weekends_and_holidays(start, n, expected):
    assert working_days_after(start, n) == expected


def test_r_days_zero_working_days_is_the_day_itself_or_the_next_working_day():
    assert working_days_after(date(2026, 3, 4), 0) == date(2026, 3, 4)
    assert working_days_after(date(2026, 11, 11), 0) == date(2026, 11, 12)
    assert working_days_after(date(2026, 3, 7), 0) == date(2026, 3, 9)


@pytest.mark.parametrize("fn", [days_after, working_days_after])
def test_r_days_negative_counts_are_refused(fn):
    with pytest.raises(ValueError):
        fn(date(2026, 3, 2), -1)


# ---------------------------------------------------------------- Warsaw days as UTC instants

@pytest.mark.parametrize("day, last_instant, first_instant", [
    # winter time, CET = UTC+1
    (date(2026, 1, 15), datetime(2026, 1, 15, 22, 59, 59, 999999, UTC), datetime(2026, 1, 14, 23, 0, tzinfo=UTC)),
    # summer time, CEST = UTC+2
    (date(2026, 7, 15), datetime(2026, 7, 15, 21, 59, 59, 999999, UTC), datetime(2026, 7, 14, 22, 0, tzinfo=UTC)),
    # the spring-forward day (starts in CET, ends in CEST: 23 hours)
    (date(2026, 3, 29), datetime(2026, 3, 29, 21, 59, 59, 999999, UTC), datetime(2026, 3, 28, 23, 0, tzinfo=UTC)),
    # the fall-back day (starts in CEST, ends in CET: 25 hours)
    (date(2026, 10, 25), datetime(2026, 10, 25, 22, 59, 59, 999999, UTC), datetime(2026, 10, 24, 22, 0, tzinfo=UTC)),
])
def test_r_days_end_of_day_is_a_utc_instant_in_winter_and_summer(day, last_instant, first_instant):
    end = end_of_day(day)
    assert end == last_instant
    assert end.utcoffset() == timedelta(0)          # stored in UTC
    assert local(end).date() == day
    assert warsaw_date(end) == day
    assert warsaw_date(end + timedelta(microseconds=1)) == day + timedelta(days=1)
    start = start_of_day(day)
    assert start == first_instant and start.utcoffset() == timedelta(0)
    assert warsaw_date(start) == day and warsaw_date(start - timedelta(microseconds=1)) == day - timedelta(days=1)


def test_r_days_dst_days_are_23_and_25_hours_long():
    def length(d):
        return end_of_day(d) - start_of_day(d) + timedelta(microseconds=1)
    assert length(date(2026, 3, 29)) == timedelta(hours=23)
    assert length(date(2026, 10, 25)) == timedelta(hours=25)
    assert length(date(2026, 6, 1)) == timedelta(hours=24)


def test_local_shows_warsaw_time():
    shown = local(datetime(2026, 7, 1, 10, 0, tzinfo=UTC))
    assert (shown.hour, shown.utcoffset()) == (12, timedelta(hours=2))
    assert shown.tzinfo == WARSAW


# ---------------------------------------------------------------- properties

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
counts = st.integers(min_value=0, max_value=120)


@given(days, counts)
def test_r_days_days_after_is_the_first_working_day_not_before_start_plus_n(start, n):
    result = days_after(start, n)
    assert is_working_day(result)
    assert result >= start + timedelta(days=n)
    # nothing skipped: every day between start+n and the result is a day off
    d = start + timedelta(days=n)
    while d < result:
        assert not is_working_day(d)
        d += timedelta(days=1)
    # longest Polish break: 24-26 Dec (holidays since 2025) falling Wednesday-Friday, then the weekend
    assert result - (start + timedelta(days=n)) <= timedelta(days=5)


@given(days, counts)
def test_r_days_working_days_after_counts_exactly_n_working_days(start, n):
    result = working_days_after(start, n)
    assert is_working_day(result)
    assert result >= start + timedelta(days=n)
    assert result >= days_after(start, n)
    between = [start + timedelta(days=i) for i in range(1, (result - start).days + 1)]
    if n > 0:
        assert sum(is_working_day(d) for d in between) == n


@given(days)
def test_r_days_working_day_means_weekday_and_not_holiday(d):
    assert is_working_day(d) == (d.weekday() < 5 and not is_holiday(d))
    assert is_working_day(roll_to_working_day(d))
    assert roll_to_working_day(d) == d or not is_working_day(d)


@given(days)
def test_r_days_end_of_day_is_the_last_microsecond_of_the_warsaw_day(d):
    end = end_of_day(d)
    assert end.utcoffset() == timedelta(0)
    assert warsaw_date(end) == d
    assert warsaw_date(end + timedelta(microseconds=1)) == d + timedelta(days=1)
    assert start_of_day(d + timedelta(days=1)) == end + timedelta(microseconds=1)
