"""The registry's background job: one import run (grants.registry.imports.run) in a session of its own."""
from __future__ import annotations

import dramatiq

from grants.core import db
from grants.jobs import broker as _broker

from . import imports


@dramatiq.actor(queue_name="grants", max_retries=0, time_limit=2 * 60 * 60 * 1000, broker=_broker.broker)
def run_registry_import(import_id: int) -> None:
    s = db.session()
    try:
        imports.run(s, import_id)
    finally:
        db.session.remove()
