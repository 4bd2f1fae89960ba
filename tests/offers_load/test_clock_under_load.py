"""The clock under load: while one thread re-reads the stored offset the others go on with the
last value (a thread holding its session's connection never queues for a second one behind a
full pool), and a failed read keeps the last value instead of jumping back to real time (which
let a submission after a moved deadline through, R-OFF-DEADLINE)."""
from __future__ import annotations

from datetime import timedelta

from grants.core import clock, db


def test_r_off_deadline_clock_uses_the_last_offset_while_another_thread_reads_it(clock_at, monkeypatch, count_queries):
    moved = clock_at(clock.real_now() + timedelta(days=40))
    assert abs(clock.offset_seconds() - timedelta(days=40).total_seconds()) < 5
    monkeypatch.setattr(clock, "_CACHE_TTL", 0.0)  # the cached value is stale at once
    monkeypatch.setattr(clock, "_refreshing", True)  # ... and another thread is reading it
    with count_queries() as n:
        now = clock.now()
    assert n() == 0
    assert now - moved < timedelta(minutes=1) and now > moved - timedelta(seconds=1)


def test_r_off_deadline_clock_keeps_the_last_offset_when_the_read_fails(clock_at, monkeypatch):
    clock_at(clock.real_now() + timedelta(days=40))
    before = clock.offset_seconds()
    assert before > timedelta(days=39).total_seconds()
    monkeypatch.setattr(clock, "_CACHE_TTL", 0.0)

    def down(*a, **kw):
        raise TimeoutError("QueuePool limit reached")
    monkeypatch.setattr(db.get_engine(), "connect", down)
    assert clock.offset_seconds() == before  # not 0.0: business time does not jump back 40 days
    assert clock._refreshing is False
    monkeypatch.undo()
    clock.invalidate_cache()
