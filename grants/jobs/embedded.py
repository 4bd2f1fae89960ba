"""The embedded default: an in-process dramatiq worker and a scheduler thread."""
from __future__ import annotations

import logging
import threading

from dramatiq import Worker

import grants.jobs.actors  # noqa: F401 - declare actors before the worker starts

from . import broker as _broker
from .scheduler import Scheduler

log = logging.getLogger(__name__)
_started = False
_lock = threading.Lock()


def start(app) -> None:
    global _started
    with _lock:
        if _started:
            return
        _started = True
    worker = Worker(_broker.broker, worker_threads=2, worker_timeout=500)
    worker.start()
    Scheduler(app).start_thread()
    log.info("embedded worker and scheduler started")
