"""Benchmark (issue 12): a contest published with 5,000 newsletter subscribers (immediate) and
500 organisations' applicant accounts; how long the publishing web request takes, and how long
the outbox takes to drain with 2 worker processes (Redis broker, PostgreSQL, a real SMTP sink).

    .venv/bin/python -m bench.notify_drain [--subscribers 5000] [--orgs 500] [--threads 4]
        [--redis redis://127.0.0.1:6379/3] [--smtp-port 0]

A fresh PostgreSQL database is created and migrated, seeded, and dropped at the end; the Redis
database given (3 by default) is the broker (emptied before and after). The publishing request goes through the
API (POST /api/v1/contests/<id>/transitions/publish) in this process: it writes the contest's
change, the in-app notifications of the applicant accounts (announcements wait for their daily
digest) and ONE outbox event for the subscribers; a worker fans that out to one mail per matching
subscriber, and both workers deliver them to an aiosmtpd sink on a local port.
Printed: request time; time until every mail was written (fan-out) and accepted by SMTP (drained).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from bench.server import admin, free_port

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PG = "postgresql+psycopg://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/3"


class Sink:
    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return "250 OK"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--subscribers", type=int, default=5000)
    ap.add_argument("--orgs", type=int, default=500)
    ap.add_argument("--threads", type=int, default=4, help="threads per worker process")
    ap.add_argument("--redis", default=REDIS, help="the broker's Redis database (emptied before and after)")
    ap.add_argument("--smtp-port", type=int, default=0, help="the SMTP sink's port (0: any free one)")
    args = ap.parse_args()

    dbname = f"grants_bench_notify_{uuid.uuid4().hex[:8]}"
    url = f"{PG}/{dbname}"
    tmp = Path(tempfile.mkdtemp(prefix="grants-notify-bench-"))
    smtp_port = args.smtp_port or free_port()
    env = {**os.environ, "GRANTS_DATABASE_URL": url, "GRANTS_BROKER_URL": args.redis, "GRANTS_ENV": "development",
           "GRANTS_INSTANCE_PATH": str(tmp / "instance"), "GRANTS_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
           "GRANTS_BACKGROUND_THREADS": "0", "GRANTS_PUBLIC_URL": "https://granty.example.org",
           "GRANTS_SECRET_KEY": "bench-" + uuid.uuid4().hex}
    os.environ.update(env)
    admin(PG, f'CREATE DATABASE "{dbname}"')
    workers: list[subprocess.Popen] = []
    controller = None
    import redis
    r = redis.Redis.from_url(args.redis)
    r.flushdb()
    try:
        subprocess.run([str(VENV_BIN / "grants"), "db", "upgrade"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        sys.path.insert(0, str(ROOT))
        from aiosmtpd.controller import Controller
        from sqlalchemy import func, insert, select

        from grants import create_app
        from grants.accounts import tokens
        from grants.core import clock, db
        from grants.core.outbox import DONE, OutboxEvent
        from grants.notifications.models import Notification, Subscription
        from tests.factories import make_contest, make_user
        from tests.offers_load import bulk

        app = create_app({"TESTING": True})
        sink = Sink()
        controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        with app.app_context():
            s = db.session()
            officer = make_user(s, "officer")
            contest = make_contest(s, officer, publish=False)
            secret, _row = tokens.issue(s, officer, name="bench", days=1)
            bulk.applicants(s, bulk.organisations(s, args.orgs))
            now = clock.real_now()
            s.execute(insert(Subscription), [
                {"email": f"sub{i}@example.org", "token": uuid.uuid4().hex, "locale": "pl" if i % 5 else "en",
                 "topics": ["contests"], "fields": [], "districts": [], "departments": [], "call_types": [],
                 "frequency": "immediate", "created_at": now, "confirmed_at": now, "active": True}
                for i in range(args.subscribers)])
            s.commit()
            cid = contest.id
            db.session.remove()
        for _ in range(2):
            workers.append(subprocess.Popen([str(VENV_BIN / "grants"), "worker", "--threads", str(args.threads),
                                             "--relay-interval", "5"], cwd=ROOT, env=env,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(4)  # the workers connect to Redis and PostgreSQL
        client = app.test_client()
        t0 = time.perf_counter()
        resp = client.post(f"/api/v1/contests/{cid}/transitions/publish", json={},
                           headers={"Authorization": f"Bearer {secret}"})
        request_s = time.perf_counter() - t0
        assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
        with app.app_context(), db.session.session_factory() as s2:
            at_response = s2.scalar(select(func.count()).select_from(OutboxEvent)
                                    .where(OutboxEvent.topic == "email.send")) or 0
        fanned = drained = None
        expected = args.subscribers
        with app.app_context():
            while time.perf_counter() - t0 < 1800:
                with db.session.session_factory() as s2:
                    written = s2.scalar(select(func.count()).select_from(OutboxEvent)
                                        .where(OutboxEvent.topic == "email.send")) or 0
                    done = s2.scalar(select(func.count()).select_from(OutboxEvent)
                                     .where(OutboxEvent.topic == "email.send", OutboxEvent.status == DONE)) or 0
                    inapp = s2.scalar(select(func.count()).select_from(Notification)) or 0
                if fanned is None and written >= expected:
                    fanned = time.perf_counter() - t0
                if written >= expected and done >= written:
                    drained = time.perf_counter() - t0
                    break
                time.sleep(0.5)
        print(f"subscribers (immediate): {args.subscribers}; applicant accounts told in-app: {inapp}")
        print(f"publishing request: {request_s * 1000:.0f} ms (status {resp.status_code}); "
              f"mails in the outbox when it answered: {at_response} (the subscribers' mails are a worker's job)")
        print(f"fan-out (all {expected} mails in the outbox): {fanned:.1f} s" if fanned else "fan-out: not finished")
        print(f"drained with 2 workers x {args.threads} threads (every mail accepted by SMTP): "
              f"{drained:.1f} s, {expected / drained:.0f} mails/s" if drained else "not drained in 30 min")
        print(f"SMTP sink received: {sink.count} messages")
    finally:
        for p in workers:
            p.terminate()
        for p in workers:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        if controller is not None:
            controller.stop()
        try:
            from grants.core import db as _db
            if _db.get_engine() is not None:
                _db.session.remove()
                _db.get_engine().dispose()
        except Exception:  # noqa: BLE001
            pass
        r.flushdb()
        admin(PG, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


if __name__ == "__main__":
    main()
