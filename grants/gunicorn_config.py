"""Settings for gunicorn serving the app: `gunicorn -c python:grants.gunicorn_config 'grants:create_app()'`
(make run, docs/deployment.md, the benchmarks). Flags on the command line still win.

A worker holds some 350,000 objects once the app is loaded (SQLAlchemy's mappers and compiled
statements, the templates, the catalogues); Python's collector walked them all at every full
collection, on a submission about half a millisecond of its CPU (issue 20). Frozen after loading,
they are never scanned again; what requests create is collected as before."""
from __future__ import annotations

import gc


def post_worker_init(worker) -> None:
    """Runs in each worker once it has loaded the app, before it serves."""
    gc.collect()  # what loading left as garbage is freed, not kept for ever
    gc.freeze()
