"""Issue 20: two schedulers and two dramatiq workers as real processes (`grants scheduler`,
`grants worker` on Redis) against this run's PostgreSQL. Exactly one scheduler acts (it holds the
advisory lock; the other never ticks); killing it (SIGKILL) hands the lock to the other, and every
due transition (contests closing at their deadline) and every reminder (three days before it) still
happens, each exactly once: before the kill for the first batch of contests, after it for the second."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from grants.contests.models import Contest
from grants.core import audit, clock, db
from grants.core.config import REPO_ROOT
from grants.jobs import leader
from grants.notifications.models import Notification
from grants.offers import operations as offer_ops
from tests.factories import make_contest, make_org, make_user

REDIS_URL = "redis://127.0.0.1:6379/7"
PER_BATCH = 3
TIMEOUT = 180  # seconds for each wait; each step normally takes a few


def _start(env, log, *args):
    return subprocess.Popen([sys.executable, "-c", "from grants.cli import main; main()", *args],
                            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _wait(what, condition, logs):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    tails = "\n".join(f"--- {p}:\n{p.read_text()[-2000:]}" for p in logs)
    pytest.fail(f"{what}: not within {TIMEOUT} s\n{tails}")


def _holder() -> str | None:
    with db.get_engine().connect() as conn:
        return leader.holder(conn)


def _closed(ids) -> int:
    with db.session.session_factory() as s:
        return s.scalar(select(func.count()).select_from(Contest).where(Contest.id.in_(ids), Contest.state == "closed"))


def _reminders(offer_ids) -> list[str]:
    with db.session.session_factory() as s:
        return list(s.scalars(select(Notification.key).where(Notification.kind == "reminder_offer_deadline",
                                                              Notification.object_id.in_([str(i) for i in offer_ids]))))


def _stop(p) -> None:
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


@pytest.mark.postgres(reason="the scheduler lock is a PostgreSQL advisory lock; SQLite runs one process")
@pytest.mark.redis(reason="the schedulers' jobs reach the two workers through Redis, production's broker")
def test_two_schedulers_one_acts_and_the_other_takes_over_when_it_dies(session, stub_broker, redis_db, tmp_path):
    from tests.conftest import DATABASE_URL
    officer = make_user(session, "officer")
    org = make_org(session)
    member = make_user(session, "applicant", org=org)
    start = clock.now()
    batches = []
    for days in (30, 40):  # the first batch comes due before the kill, the second after it
        contests = [make_contest(session, officer, title=f"Konkurs {days} dni nr {i}", deadline=start + timedelta(days=days))
                    for i in range(PER_BATCH)]
        offers = [offer_ops.create(session, member, c, org.id) for c in contests]
        session.commit()
        batches.append((start + timedelta(days=days), [c.id for c in contests], [o.id for o in offers]))
    stub_broker.flush_all()  # what this process enqueued: the workers' relays take the pending rows

    env = {k: v for k, v in os.environ.items() if not k.startswith("GRANTS_")}
    env.update({"GRANTS_ENV": "development", "GRANTS_BROKER_URL": REDIS_URL, "GRANTS_DATABASE_URL": DATABASE_URL,
                "GRANTS_INSTANCE_PATH": str(tmp_path / "instance"), "GRANTS_SECRET_KEY": "takeover-test",
                "GRANTS_OUTBOX_LEASE_SECONDS": "1"})
    logs = [tmp_path / f"{name}.log" for name in ("scheduler-1", "scheduler-2", "worker-1", "worker-2")]
    files = [open(p, "w") for p in logs]
    schedulers = [_start(env, files[i], "scheduler", "--interval", "0.5", "--notify-every", "1") for i in (0, 1)]
    workers = [_start(env, files[i], "worker", "--threads", "2", "--relay-interval", "0.5") for i in (2, 3)]
    names = {f"{p.pid}": p for p in schedulers}
    try:
        _wait("a scheduler holds the lock", lambda: _holder() is not None, logs)
        first = names[_holder().split()[-1]]
        standby = next(p for p in schedulers if p is not first)

        # batch 1: the reminder three days before, then the deadline passes
        deadline, contests, offers = batches[0]
        clock.set_clock(deadline - timedelta(days=2))
        _wait("batch 1 reminders", lambda: len(_reminders(offers)) == PER_BATCH, logs)
        clock.set_clock(deadline + timedelta(minutes=1))
        _wait("batch 1 closed", lambda: _closed(contests) == PER_BATCH, logs)
        assert "acting" not in logs[schedulers.index(standby)].read_text()  # the standby never ticked
        assert _holder().split()[-1] == str(first.pid)

        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
        _wait("the standby takes the lock", lambda: (_holder() or "").split()[-1:] == [str(standby.pid)], logs)

        # batch 2: due only now, done by the scheduler that took over
        deadline, contests, offers = batches[1]
        clock.set_clock(deadline - timedelta(days=2))
        _wait("batch 2 reminders", lambda: len(_reminders(offers)) == PER_BATCH, logs)
        clock.set_clock(deadline + timedelta(minutes=1))
        _wait("batch 2 closed", lambda: _closed(contests) == PER_BATCH, logs)
        time.sleep(3)  # a few more ticks of both workers: nothing may be done twice
        assert "acting" in logs[schedulers.index(standby)].read_text()
    finally:
        for p in (*schedulers, *workers):
            _stop(p)
        for f in files:
            f.close()
        clock.reset_clock()

    every_contest = [cid for _, ids, _ in batches for cid in ids]
    every_offer = [oid for _, _, oids in batches for oid in oids]
    with db.session.session_factory() as s:
        closes = Counter(s.scalars(select(audit.AuditEntry.object_id).where(
            audit.AuditEntry.object_type == "contest", audit.AuditEntry.action == "close")))
    assert closes == Counter({str(cid): 1 for cid in every_contest})  # each transition exactly once
    keys = _reminders(every_offer)
    assert sorted(keys) == sorted(f"offer_deadline:{oid}:3" for oid in every_offer)  # each reminder once


def test_one_leadership_at_a_time_and_handed_over_on_release(app):
    """In one process, two would-be schedulers: the second stands by until the first lets go. On
    SQLite (one process by design) both may act."""
    a, b = leader.Leadership(), leader.Leadership()
    try:
        assert a.held()
        if not leader.Leadership.needed():
            assert b.held()
            return
        assert not b.held() and a.held()  # asked again each tick: still the first's
        assert _holder() == leader.application_name()
        a.release()
        assert b.held() and not a.held()
    finally:
        a.release()
        b.release()
