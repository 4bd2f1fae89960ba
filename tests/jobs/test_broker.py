"""The broker is set explicitly (never dramatiq's silent Redis/RabbitMQ fallback), and each message
runs in an app context of its own whose database session is removed afterwards."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import dramatiq
import pytest
from dramatiq.brokers.stub import StubBroker

from grants.core import db
from grants.core.config import REPO_ROOT, ConfigError
from grants.jobs import broker

QUEUE = "grants"

_PROBE = r"""
import json, pkgutil, importlib
import dramatiq.brokers.redis as _redis
made = []
_orig = _redis.RedisBroker.__init__
def _spy(self, *a, **kw):
    made.append("RedisBroker")
    _orig(self, *a, **kw)
_redis.RedisBroker.__init__ = _spy

import grants.jobs.actors  # what `grants worker` and the embedded worker import
import grants
# every area's tasks.py must declare its actors on our broker too
for m in pkgutil.walk_packages(grants.__path__, "grants."):
    if m.name.endswith(".tasks"):
        importlib.import_module(m.name)
import dramatiq
from grants.jobs import broker
current = dramatiq.get_broker()
print(json.dumps({
    "type": type(current).__name__,
    "is_ours": current is broker.broker,
    "redis_made": made,
    "actors": sorted(current.actors),
}))
"""


def _probe(env_extra: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "GRANTS_BROKER_URL"}
    env.update(env_extra)
    out = subprocess.run([sys.executable, "-c", _PROBE], env=env, cwd=REPO_ROOT, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_no_broker_url_means_stub_broker_never_a_default_redis():
    got = _probe({})
    assert got["type"] == "StubBroker"
    assert got["is_ours"] is True
    assert got["redis_made"] == []  # dramatiq's fallback would have built one on localhost
    assert {"process_outbox_event", "run_due_transitions"} <= set(got["actors"])


def test_actors_are_declared_on_the_configured_broker():
    # in this process too: every actor known to dramatiq sits on the broker the app configured
    import grants.jobs.actors as actors
    assert dramatiq.get_broker() is broker.broker
    assert isinstance(broker.broker, StubBroker)
    assert actors.process_outbox_event.broker is broker.broker
    assert actors.run_due_transitions.broker is broker.broker


def test_redis_url_gives_redis_broker_with_that_database():
    from dramatiq.brokers.redis import RedisBroker
    b = broker._make_broker("redis://127.0.0.1:6390/7")  # not contacted when built
    assert isinstance(b, RedisBroker)
    assert b.client.connection_pool.connection_kwargs["db"] == 7
    assert any(isinstance(m, broker.AppContextMiddleware) for m in b.middleware)


@pytest.mark.parametrize("url", ["amqp://guest@localhost//", "redis:/typo", "localhost:6379"])
def test_unknown_broker_url_is_refused(url):
    with pytest.raises(ConfigError, match="GRANTS_BROKER_URL"):
        broker._make_broker(url)


def test_unknown_broker_url_stops_the_process():
    out = subprocess.run([sys.executable, "-c", "import grants.jobs.actors"], cwd=REPO_ROOT,
                         env={**os.environ, "GRANTS_BROKER_URL": "amqp://localhost"},
                         capture_output=True, text=True, timeout=60)
    assert out.returncode != 0
    assert "GRANTS_BROKER_URL" in out.stderr


# ---------------------------------------------------------------- app context per message

@pytest.fixture
def probe_actor(stub_broker):
    """An actor that records, per message, the app context and session it ran with."""
    from flask import current_app, g, has_app_context
    from sqlalchemy import text

    seen: list[dict] = []
    lock = threading.Lock()

    def probe(n):
        s = db.session()
        s.execute(text("SELECT 1"))  # leaves a transaction open: the middleware must end it
        with lock:
            seen.append({"n": n, "ctx": has_app_context(), "app": current_app._get_current_object(),
                         "g_had": getattr(g, "marker", None), "session": s,
                         "thread": threading.get_ident()})
        g.marker = n
        if n == "boom":
            raise RuntimeError("probe failed")

    name = "probe_app_context"
    if name in stub_broker.actors:
        act = stub_broker.get_actor(name)
        act.fn = probe
    else:
        act = dramatiq.actor(probe, actor_name=name, queue_name=QUEUE, broker=stub_broker, max_retries=0)
    return act, seen


def test_each_message_runs_in_its_own_app_context_and_session_is_removed(app, stub_broker, probe_actor):
    from dramatiq import Worker
    act, seen = probe_actor
    w = Worker(stub_broker, worker_timeout=100, worker_threads=1)  # one thread: messages share it
    w.start()
    try:
        for n in (1, 2, "boom", 3):
            act.send(n)
        stub_broker.join(QUEUE, fail_fast=False)
    finally:
        w.stop()
        stub_broker.middleware[:] = [m for m in stub_broker.middleware if getattr(m, "worker", None) is not w]
    assert [x["n"] for x in seen] == [1, 2, "boom", 3]
    assert all(x["ctx"] and x["app"] is app for x in seen)
    assert [x["g_had"] for x in seen] == [None] * 4  # g of one message never seen by the next
    assert len({x["thread"] for x in seen}) == 1
    # a fresh session per message, each closed afterwards (also after the failure)
    assert len({id(x["session"]) for x in seen}) == 4
    assert not any(x["session"].in_transaction() for x in seen)
    assert [tuple(m.args) for m in stub_broker.dead_letters] == [("boom",)]


def test_without_bound_app_messages_still_get_their_session_removed(stub_broker, probe_actor, monkeypatch):
    from dramatiq import Worker
    monkeypatch.setattr(broker, "_app", None)
    act, seen = probe_actor
    # the probe reads current_app: without an app it fails, and the session is still cleaned up
    w = Worker(stub_broker, worker_timeout=100, worker_threads=1)
    w.start()
    try:
        act.send(1)
        stub_broker.join(QUEUE, fail_fast=False)
    finally:
        w.stop()
        stub_broker.middleware[:] = [m for m in stub_broker.middleware if getattr(m, "worker", None) is not w]
    assert seen == []
    assert len(stub_broker.dead_letters) == 1
