"""Background jobs: the broker, the outbox relay, the actors and the scheduler.

Importing anything of this package sets the dramatiq broker first (see broker.py): an area's
tasks.py that declares actors imports `grants.jobs` (e.g. `from grants.jobs import broker`)
before `@dramatiq.actor`, or passes `broker=grants.jobs.broker.broker`."""
from . import broker  # noqa: F401 - before any actor anywhere is declared
