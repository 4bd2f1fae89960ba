"""grants.accounts.throttle without the web: the delay curve and who is slowed when."""
from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from grants.accounts import throttle
from grants.core import clock


@given(st.integers(min_value=0, max_value=10_000))
def test_delay_grows_with_failures_and_never_exceeds_the_ceiling(n):
    d, nxt = throttle.delay_after(n), throttle.delay_after(n + 1)
    assert timedelta(0) <= d <= nxt <= throttle.MAX_DELAY
    if n < throttle.FREE_FAILURES:
        assert d == timedelta(0)
    else:
        assert d >= throttle.BASE_DELAY


def test_delay_doubles_after_the_free_failures():
    f, base = throttle.FREE_FAILURES, throttle.BASE_DELAY
    assert [throttle.delay_after(f + i) for i in range(4)] == [base, base * 2, base * 4, base * 8]


def _fail(session, email, ip, n, at):
    for _ in range(n):
        throttle.record(session, email, ip, False, at)
    session.commit()


def test_a_pair_waits_from_its_last_failure(session):
    now = clock.real_now()
    _fail(session, "a@example.org", "1.1.1.1", throttle.FREE_FAILURES, now - timedelta(seconds=1))
    v = throttle.check(session, "a@example.org", "1.1.1.1", now)
    assert not v.allowed and v.wait_seconds == throttle.BASE_DELAY.total_seconds() - 1
    later = now + throttle.BASE_DELAY - timedelta(seconds=1)
    assert throttle.check(session, "a@example.org", "1.1.1.1", later).allowed
    assert throttle.check(session, "a@example.org", "2.2.2.2", now).allowed  # another pair
    assert throttle.check(session, "b@example.org", "1.1.1.1", now).allowed  # another account


def test_a_success_of_the_pair_starts_it_afresh(session):
    now = clock.real_now()
    _fail(session, "a@example.org", "1.1.1.1", throttle.FREE_FAILURES, now - timedelta(seconds=3))
    throttle.record(session, "a@example.org", "1.1.1.1", True, now - timedelta(seconds=2))
    session.commit()
    v = throttle.check(session, "a@example.org", "1.1.1.1", now)
    assert v.allowed and v.pair_failures == 0


def test_failures_older_than_the_window_are_forgotten(session):
    now = clock.real_now()
    _fail(session, "a@example.org", "1.1.1.1", 10, now - throttle.WINDOW - timedelta(seconds=1))
    v = throttle.check(session, "a@example.org", "1.1.1.1", now)
    assert v.allowed and v.pair_failures == 0 and v.account_failures == 0


def test_the_account_ceiling_slows_unknown_addresses_only_and_never_their_first_try(session):
    now = clock.real_now()
    email = "a@example.org"
    throttle.record(session, email, "9.9.9.9", True, now - timedelta(days=3))  # the owner's usual address
    for i in range(throttle.ACCOUNT_CEILING):
        throttle.record(session, email, f"10.0.0.{i}", False, now - timedelta(minutes=1))
    session.commit()
    fresh = throttle.check(session, email, "7.7.7.7", now)
    assert fresh.allowed and fresh.slowed  # a new address: its first try goes ahead
    _fail(session, email, "7.7.7.7", 1, now)
    assert not throttle.check(session, email, "7.7.7.7", now).allowed  # after one failure it waits
    known = throttle.check(session, email, "9.9.9.9", now)
    assert known.allowed and not known.slowed  # the owner's address keeps its free failures
    _fail(session, email, "9.9.9.9", throttle.FREE_FAILURES - 1, now)
    assert throttle.check(session, email, "9.9.9.9", now).allowed


def test_purge_removes_only_attempts_older_than_kept(session):
    now = clock.real_now()
    _fail(session, "a@example.org", "1.1.1.1", 2, now - throttle.KEEP - timedelta(days=1))
    _fail(session, "a@example.org", "1.1.1.1", 1, now)
    assert throttle.purge(session, now) == 2
    session.commit()
    assert throttle.check(session, "a@example.org", "1.1.1.1", now).pair_failures == 1
