"""Issue 21's "done when": killing the worker 10 times (SIGKILL) during the delivery of 100 mails
yields 100 mails with 100 distinct Message-IDs, each delivered once. Real processes: `grants
worker` through Redis against this run's PostgreSQL, a real SMTP server (aiosmtpd) in this process.

The kills are made deterministic by the SMTP server itself: it kills the worker while the worker
waits for its answer to MAIL FROM or RCPT TO (mid-conversation: the server has no message) or to
QUIT (after the server accepted the message: the mail went, the outbox row is not done yet;
before issue 21 this one was sent again). The one window left, a kill between the server's
"250" for the data and the database's record of it, is covered in test_mail_once.py."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from grants.core import db, outbox
from grants.core.config import REPO_ROOT
from grants.core.mail_deliveries import SENT, MailDelivery
from grants.core.outbox import DONE, OutboxEvent

from .conftest import _Collect, free_port

REDIS_URL = "redis://127.0.0.1:6379/13"
MAILS = 100
#: (SMTP command, its n-th occurrence across all connections): the worker dies while waiting for
#: the answer; 10 kills spread over the whole delivery
KILLS = {("MAIL", 10), ("RCPT", 20), ("QUIT", 30), ("MAIL", 40), ("RCPT", 50), ("QUIT", 60),
         ("MAIL", 70), ("RCPT", 80), ("QUIT", 90), ("MAIL", 99)}
TIMEOUT = 300  # seconds; the test normally takes well under a minute


class KillingServer(_Collect):
    def __init__(self):
        super().__init__()
        self.seen = Counter()
        self.kills: list[tuple[str, int]] = []
        self.worker: subprocess.Popen | None = None

    def _maybe_kill(self, command: str) -> None:
        with self.lock:
            self.seen[command] += 1
            key = (command, self.seen[command])
            w = self.worker
            if key in KILLS and w is not None and w.poll() is None:
                os.killpg(w.pid, signal.SIGKILL)
                w.wait()
                self.kills.append(key)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self._maybe_kill("MAIL")
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self._maybe_kill("RCPT")
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_QUIT(self, server, session, envelope):
        self._maybe_kill("QUIT")
        return "221 Bye"


@pytest.fixture
def killing_smtp():
    from aiosmtpd.controller import Controller
    handler = KillingServer()
    handler.port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    yield handler
    controller.stop()


def _start_worker(env, log):
    return subprocess.Popen([sys.executable, "-c", "from grants.cli import main; main()",
                             "worker", "--threads", "1", "--relay-interval", "0.3"],
                            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _done_count() -> int:
    with db.session.session_factory() as s:
        return s.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.status == DONE))


@pytest.mark.postgres(reason="a worker process and this test share one database: SQLite in two processes is not what production runs")
@pytest.mark.redis(reason="the killed worker reads its jobs from Redis, production's broker")
def test_worker_killed_10_times_during_100_mails_delivers_each_once(session, stub_broker, redis_db, killing_smtp,
                                                                    tmp_path):
    from tests.conftest import DATABASE_URL
    events = [outbox.emit_email(session, f"org{i}@example.org", f"Wyniki konkursu {i}", f"Treść {i}")
              for i in range(MAILS)]
    session.commit()
    stub_broker.flush_all()  # written by another process: the worker's relay hands them to Redis
    expected = {ev.data["message_id"] for ev in events}

    env = {k: v for k, v in os.environ.items() if not k.startswith("GRANTS_")}
    env.update({"GRANTS_ENV": "development", "GRANTS_BROKER_URL": REDIS_URL, "GRANTS_DATABASE_URL": DATABASE_URL,
                "GRANTS_INSTANCE_PATH": str(tmp_path / "worker-instance"), "GRANTS_SECRET_KEY": "worker-test",
                "GRANTS_SMTP_URL": f"smtp://127.0.0.1:{killing_smtp.port}",
                "GRANTS_OUTBOX_LEASE_SECONDS": "1"})  # a message lost with a killed worker: re-sent soon
    log = open(tmp_path / "worker.log", "w+")
    starts = 0
    deadline = time.monotonic() + TIMEOUT
    try:
        while time.monotonic() < deadline:
            with killing_smtp.lock:
                w = killing_smtp.worker
                if w is None or w.poll() is not None:
                    killing_smtp.worker = _start_worker(env, log)
                    starts += 1
            if _done_count() == MAILS:
                break
            time.sleep(0.2)
    finally:
        with killing_smtp.lock:
            w, killing_smtp.worker = killing_smtp.worker, None
        if w is not None and w.poll() is None:
            w.send_signal(signal.SIGTERM)
            try:
                w.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(w.pid, signal.SIGKILL)
                w.wait()
        log.seek(0)
        output = log.read()
        log.close()

    assert _done_count() == MAILS, f"not all delivered in {TIMEOUT} s:\n{output[-3000:]}"
    assert sorted(killing_smtp.kills) == sorted(KILLS), killing_smtp.kills
    assert starts == len(KILLS) + 1
    ids = [m["Message-ID"] for m in killing_smtp.messages]
    assert len(ids) == MAILS and set(ids) == expected  # 100 mails, 100 distinct Message-IDs, each once
    by_id = {m["Message-ID"]: m for m in killing_smtp.messages}
    for ev in events:
        assert by_id[ev.data["message_id"]]["To"] == ev.data["to"]
    with db.session.session_factory() as s:
        deliveries = list(s.scalars(select(MailDelivery)))
    assert len(deliveries) == MAILS and {d.state for d in deliveries} == {SENT}
    # each kill mid-conversation left one delivery "sending", found and resolved by the next attempt
    mid_conversation = sum(1 for command, _ in KILLS if command in ("MAIL", "RCPT"))
    assert sum(d.interrupted for d in deliveries) == mid_conversation
