"""Two real `grants worker` processes on Redis run the scheduled notification job at the same time,
several times over: each person gets the day's digest exactly once."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from dramatiq.brokers.redis import RedisBroker
from dramatiq.message import Message
from sqlalchemy import func, select

from grants.core import db
from grants.core.config import REPO_ROOT
from grants.core.outbox import DONE, OutboxEvent
from grants.notifications.models import Notification, NotificationRun
from grants.notifications.operations import notify
from tests.jobs.conftest import eml_files, read_eml

REDIS_URL = "redis://127.0.0.1:6379/6"
RUNS = 6  # scheduled-job messages, taken by 2 workers x 2 threads at once
TUESDAY_MORNING = "2027-03-16T08:00"  # after the digest hour, no weekly newsletter


def _digest_mails() -> list[OutboxEvent]:
    with db.session.session_factory() as s:
        rows = list(s.scalars(select(OutboxEvent).where(OutboxEvent.topic == "email.send")))
        for r in rows:
            s.expunge(r)
    return [r for r in rows if r.data["subject"].startswith("Zestawienie powiadomień")]


@pytest.fixture
def two_workers(redis_db, tmp_path, clock_at):
    from tests.conftest import DATABASE_URL
    clock_at(TUESDAY_MORNING)  # before the workers start: the business time they read is this one
    instance = tmp_path / "instance"  # both deliver into the same outbox directory
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRANTS_")}
    env.update({"GRANTS_ENV": "development", "GRANTS_BROKER_URL": REDIS_URL, "GRANTS_DATABASE_URL": DATABASE_URL,
                "GRANTS_INSTANCE_PATH": str(instance), "GRANTS_SECRET_KEY": "digest-workers-test"})
    procs = []
    for k in range(2):
        log = open(tmp_path / f"worker{k}.log", "w+")
        p = subprocess.Popen([sys.executable, "-c", "from grants.cli import main; main()", "worker", "--threads", "2",
                              "--relay-interval", "1"], cwd=REPO_ROOT, env=env, stdout=log,
                             stderr=subprocess.STDOUT, start_new_session=True)
        p.log = log
        procs.append(p)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not all(_output(p).count("worker running") for p in procs):
        assert all(p.poll() is None for p in procs), [_output(p) for p in procs]
        time.sleep(0.2)
    yield instance, procs
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=5)
        p.log.close()


def _output(p) -> str:
    p.log.flush()
    p.log.seek(0)
    return p.log.read()


@pytest.mark.postgres(reason="the worker processes share the test's PostgreSQL database")
@pytest.mark.redis(reason="two worker processes take the scheduled job from Redis, production's broker")
def test_two_worker_processes_on_redis_send_each_digest_once(app, session, make_user, stub_broker, redis_db,
                                                             two_workers):
    instance, procs = two_workers
    users = [make_user("applicant") for _ in range(6)]
    for u in users:
        for k in range(3):  # announcements: the daily digest by default
            notify(session, [u.id], "contest_published", {"title": f"Konkurs {k}"}, "contest", str(k))
    session.commit()

    broker = RedisBroker(url=REDIS_URL)
    try:
        for _ in range(RUNS):
            broker.enqueue(Message(queue_name="grants", actor_name="run_notification_jobs", args=(), kwargs={},
                                   options={}))
    finally:
        broker.client.close()

    deadline = time.monotonic() + 240  # a loaded machine
    while time.monotonic() < deadline:
        assert all(p.poll() is None for p in procs), [_output(p) for p in procs]
        rows = _digest_mails()
        if len(rows) >= len(users) and all(r.status == DONE for r in rows) and len(eml_files(instance)) >= len(users):
            break
        time.sleep(0.5)
    time.sleep(3)  # the remaining runs and relay rounds: still nothing more

    rows = _digest_mails()
    assert Counter(r.data["to"] for r in rows) == Counter(u.email for u in users), [_output(p) for p in procs]
    assert {r.status for r in rows} == {DONE}
    delivered = Counter(str(read_eml(f)["To"]) for f in eml_files(instance))
    assert delivered == Counter(u.email for u in users)  # each digest delivered once
    with db.session.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Notification).where(Notification.emailed_at.is_(None))) == 0
        assert list(s.scalars(select(NotificationRun.name).where(NotificationRun.name.like("digest:%")))) == [
            "digest:2027-03-16"]
