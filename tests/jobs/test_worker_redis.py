"""End to end through Redis: `grants worker` in its own process relays a row left pending by
another process (this one, whose broker is the StubBroker) and delivers it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest

from grants.core import clock, outbox
from grants.core.config import REPO_ROOT
from grants.core.outbox import DONE

from .conftest import eml_files, read_eml

REDIS_DB = 14
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"


@pytest.fixture
def worker_process(redis_db, tmp_path):
    from tests.conftest import DATABASE_URL

    instance = tmp_path / "worker-instance"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRANTS_")}
    env.update({
        "GRANTS_ENV": "development",
        "GRANTS_BROKER_URL": REDIS_URL,
        "GRANTS_DATABASE_URL": DATABASE_URL,
        "GRANTS_INSTANCE_PATH": str(instance),
        "GRANTS_SECRET_KEY": "worker-test",
    })
    log = open(tmp_path / "worker.log", "w+")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from grants.cli import main; main()",
         "worker", "--threads", "2", "--relay-interval", "1"],
        cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    proc.instance = instance
    proc.log = log
    yield proc
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=8)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
    log.close()


def _worker_output(proc) -> str:
    proc.log.flush()
    proc.log.seek(0)
    return proc.log.read()


@pytest.mark.redis(reason="a worker process reads its jobs from Redis, production's broker")
def test_grants_worker_relays_pending_row_through_redis_and_delivers(session, stub_broker, worker_process,
                                                                    redis_db):
    ev = outbox.emit(session, "email.send", {"to": "rada@example.org", "subject": "Posiedzenie komisji",
                                             "body": "Zapraszamy."})
    # left pending by a process that exited (its own broker is the StubBroker: never reaches Redis)
    ev.created_at = clock.real_now() - timedelta(minutes=10)  # its lease (5 min by default) has run out
    session.commit()
    stub_broker.flush_all()

    deadline = time.monotonic() + 15
    files = []
    while time.monotonic() < deadline and not files:
        assert worker_process.poll() is None, _worker_output(worker_process)
        files = eml_files(worker_process.instance)
        time.sleep(0.2)
    assert files, "no e-mail delivered by the worker:\n" + _worker_output(worker_process)

    from grants.core import db
    from grants.core.outbox import OutboxEvent
    deadline = time.monotonic() + 5
    while True:
        with db.session.session_factory() as s:
            stored = s.get(OutboxEvent, ev.id)
        if stored.status == DONE or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert stored.status == DONE and stored.attempts == 1

    # a few more relay rounds: still one e-mail (done rows are not re-sent)
    time.sleep(2.2)
    files = eml_files(worker_process.instance)
    assert len(files) == 1
    msg = read_eml(files[0])
    assert (msg["To"], msg["Subject"]) == ("rada@example.org", "Posiedzenie komisji")
    assert msg["Message-ID"] == f"<{ev.id}@grants.local>"
    assert any(k.startswith(b"dramatiq") for k in redis_db.keys())  # it really went through Redis

    worker_process.send_signal(signal.SIGTERM)
    assert worker_process.wait(timeout=10) == 0, _worker_output(worker_process)
