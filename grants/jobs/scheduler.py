"""The scheduler loop: one process (`grants scheduler`) or a thread in the embedded default.
Several may run (one per machine, for availability): on PostgreSQL exactly one acts at a time, the
holder of an advisory lock (grants.jobs.leader); the others stand by and take over when it dies.
Every tick enqueues the idempotent "run due transitions" job and re-sends pending outbox rows;
every minute it registers newly published open-data releases (grants.opendata.publications, what the
changes feed reads); every few minutes it seals the audit trail; once a day it purges what is past its
retention period (R-RODO, grants.privacy.operations.purge)."""
from __future__ import annotations

import logging
import threading
import time

from grants.core import audit, db
from grants.opendata import publications, settings as opendata_settings
from grants.privacy import operations as privacy

from . import actors, relay
from .leader import Leadership

log = logging.getLogger(__name__)


class Scheduler:
    def __init__(self, app=None, interval: float = 15.0, seal_every: float = 300.0, purge_every: float = 86400.0):
        # `app` is kept for callers; the jobs themselves run in the worker's app context
        self.app, self.interval, self.seal_every, self.purge_every = app, interval, seal_every, purge_every
        self._stop = threading.Event()
        self._last_seal: float | None = None
        self._last_purge: float | None = None
        self._last_notifications: float | None = None
        self._last_opendata: float | None = None
        self.notify_every = 60.0
        self.opendata_every = 60.0
        self.leadership = Leadership()

    def tick(self) -> dict:
        """One round; each step on its own, so a broker hiccup does not stop the seals and a
        database hiccup does not stop the clock. Returns what each step did (or its error).
        Every step uses a session of its own: the calling thread's scoped session (a request's,
        a test's) is left alone."""
        done: dict = {}
        for name, step in (("due", lambda: actors.run_due_transitions.send() is not None),
                           ("notifications", lambda: self._notifications(actors)),
                           ("relayed", relay.relay_pending),
                           ("published", self._opendata),
                           ("sealed", self._seal),
                           ("purged", self._purge)):
            try:
                done[name] = step()
            except Exception as e:  # noqa: BLE001 - keep ticking
                log.exception("scheduler step %s failed", name)
                done[name] = e
        return done

    def _notifications(self, actors) -> bool:
        """Reminders, digests and newsletters: enqueued once a minute at most (each run is idempotent)."""
        now = time.monotonic()
        if self._last_notifications is not None and now - self._last_notifications < self.notify_every:
            return False
        actors.run_notification_jobs.send()
        self._last_notifications = now
        return True

    def _opendata(self) -> int | bool:
        """Open-data releases published since the last run, registered for the changes feed."""
        now = time.monotonic()
        if self._last_opendata is not None and now - self._last_opendata < self.opendata_every:
            return False
        with db.session.session_factory() as s:
            done = publications.sync(s, opendata_settings.load())
        self._last_opendata = now
        return done

    def _seal(self) -> bool:
        now = time.monotonic()
        if self._last_seal is not None and now - self._last_seal < self.seal_every:
            return False
        with db.session.session_factory() as s:
            try:
                seal = audit.checkpoint(s)
            except audit.AuditBroken:
                self._last_seal = now  # a tampered trail is reported once a seal period, not every tick
                raise
            s.commit()
        self._last_seal = now
        return seal is not None

    def _purge(self) -> dict | bool:
        now = time.monotonic()
        if self._last_purge is not None and now - self._last_purge < self.purge_every:
            return False
        with db.session.session_factory() as s:
            done = privacy.purge(s)
            s.commit()
        self._last_purge = now
        return done

    def run_forever(self) -> None:
        try:
            while not self._stop.is_set():
                if self.leadership.held():  # a standby only asks for the lock
                    self.tick()
                self._stop.wait(self.interval)
        finally:
            self.leadership.release()

    def start_thread(self) -> threading.Thread:
        th = threading.Thread(target=self.run_forever, name="grants-scheduler", daemon=True)
        th.start()
        return th

    def stop(self) -> None:
        self._stop.set()
