"""The scheduler loop: one process (`grants scheduler`) or a thread in the embedded default.
Every tick enqueues the idempotent "run due transitions" job and re-sends pending outbox rows;
every few minutes it seals the audit trail."""
from __future__ import annotations

import logging
import threading
import time

from grants.core import audit, db

log = logging.getLogger(__name__)


class Scheduler:
    def __init__(self, app, interval: float = 15.0, seal_every: float = 300.0):
        self.app, self.interval, self.seal_every = app, interval, seal_every
        self._stop = threading.Event()
        self._last_seal = 0.0

    def tick(self) -> None:
        from . import actors, relay
        with self.app.app_context():
            try:
                actors.run_due_transitions.send()
                relay.relay_pending()
                if time.monotonic() - self._last_seal >= self.seal_every:
                    s = db.session()
                    audit.checkpoint(s)
                    s.commit()
                    self._last_seal = time.monotonic()
            except Exception:  # keep ticking: a broker or database hiccup must not stop the clock
                log.exception("scheduler tick failed")
            finally:
                db.session.remove()

    def run_forever(self) -> None:
        while not self._stop.is_set():
            self.tick()
            self._stop.wait(self.interval)

    def start_thread(self) -> threading.Thread:
        th = threading.Thread(target=self.run_forever, name="grants-scheduler", daemon=True)
        th.start()
        return th

    def stop(self) -> None:
        self._stop.set()
