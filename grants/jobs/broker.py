"""The dramatiq broker, set explicitly before any actor is declared: with none set, dramatiq
silently falls back to Redis on localhost, which would hide a broken embedded default."""
from __future__ import annotations

import os
import threading

import dramatiq
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import Middleware

_app = None
_app_lock = threading.Lock()


class AppContextMiddleware(Middleware):
    """Each message runs inside an app context with its own database session."""

    def before_process_message(self, broker, message):
        if _app is not None:
            ctx = _app.app_context()
            ctx.push()
            message.options["_grants_ctx"] = ctx

    def after_process_message(self, broker, message, *, result=None, exception=None):
        from grants.core import db
        db.session.remove()
        ctx = message.options.pop("_grants_ctx", None)
        if ctx is not None:
            ctx.pop()

    after_skip_message = after_process_message


def bind_app(app) -> None:
    global _app
    with _app_lock:
        _app = app


def _make_broker(url: str) -> dramatiq.Broker:
    if url.startswith("redis://") or url.startswith("rediss://"):
        from dramatiq.brokers.redis import RedisBroker
        broker = RedisBroker(url=url)
    else:  # "inprocess" (embedded default) and unit tests
        broker = StubBroker()
        broker.emit_after("process_boot")
    broker.add_middleware(AppContextMiddleware())
    return broker


BROKER_URL = os.environ.get("GRANTS_BROKER_URL", "") or "inprocess"
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
