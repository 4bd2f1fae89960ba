"""The dramatiq broker, set explicitly before any actor is declared: with none set, dramatiq
silently falls back to Redis on localhost, which would hide a broken embedded default."""
from __future__ import annotations

import logging
import os
import threading

import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import Middleware
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from grants.core import db
from grants.core.config import ConfigError

log = logging.getLogger(__name__)

_app = None
_app_lock = threading.Lock()


class AppContextMiddleware(Middleware):
    """Each message runs inside an app context of its own, and its database session is removed
    afterwards, whatever happened.

    The pushed context is kept in a thread-local, not in `message.options`: the Retries
    middleware re-enqueues a failed message with a copy of its options, and an AppContext there
    cannot be encoded (the retry would be lost). A worker thread processes one message at a
    time, so one slot per thread is enough."""

    def __init__(self):
        self._local = threading.local()

    def before_process_message(self, broker, message):
        self._cleanup()  # a context left behind by a message that never reached "after"
        app = _app
        if app is not None:
            ctx = app.app_context()
            ctx.push()
            self._local.ctx = ctx

    def after_process_message(self, broker, message, *, result=None, exception=None):
        self._cleanup()

    def after_skip_message(self, broker, message):
        self._cleanup()

    def _cleanup(self) -> None:
        ctx = getattr(self._local, "ctx", None)
        self._local.ctx = None
        try:
            db.session.remove()
        finally:
            if ctx is not None:
                ctx.pop()  # runs teardown_appcontext, which removes the session too


def bind_app(app) -> None:
    global _app
    with _app_lock:
        _app = app


INPROCESS = ("", "inprocess", "stub")


def _make_broker(url: str) -> dramatiq.Broker:
    if url.startswith(("redis://", "rediss://", "unix://")):
        # bounded timeouts: a broker that does not answer must not hang a request's commit
        # (RedisBroker(url=...) ignores extra connection parameters, hence our own client;
        # dramatiq's consumer polls, it sends no blocking commands)
        # One quick retry only (redis-py's defaults differ between its constructors and
        # versions, up to seconds of backoff): with Redis down the outbox row stays pending and
        # the relay re-sends it, so failing fast beats holding the request that committed.
        client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30,
                                      health_check_interval=30,
                                      retry=Retry(ExponentialBackoff(cap=0.2, base=0.05), 1))
        broker = RedisBroker(client=client)
    elif url in INPROCESS:  # the embedded default and unit tests
        broker = StubBroker()
        broker.emit_after("process_boot")
    else:
        # a mistyped production URL must not quietly run jobs inside the web process
        raise ConfigError(f"GRANTS_BROKER_URL must be redis://... or empty (in-process), not {url!r}")
    broker.add_middleware(AppContextMiddleware())
    return broker


BROKER_URL = os.environ.get("GRANTS_BROKER_URL", "").strip() or "inprocess"
broker = _make_broker(BROKER_URL)
dramatiq.set_broker(broker)


def is_inprocess() -> bool:
    return isinstance(broker, StubBroker)


def ping() -> tuple[bool, str]:
    """Is the broker answering? (for /healthz)"""
    if is_inprocess():
        return True, "in-process"
    try:
        broker.client.ping()
        return True, "redis"
    except Exception as e:  # noqa: BLE001 - any failure means down
        return False, f"redis: {type(e).__name__}"
