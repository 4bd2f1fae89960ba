"""grants.gunicorn_config: gunicorn accepts it, and each worker freezes what loading the app left
(issue 20: the collector no longer walks the app's ~350,000 objects at every full collection)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_worker_freezes_the_loaded_app_before_it_serves(tmp_path):
    code = ("import gc, grants\n"
            "app = grants.create_app({'TESTING': True})\n"
            "from grants.gunicorn_config import post_worker_init\n"
            "assert gc.get_freeze_count() == 0\n"
            "post_worker_init(None)\n"
            "print(gc.get_freeze_count())\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env=_env(tmp_path))
    assert out.returncode == 0, out.stderr
    assert int(out.stdout.split()[-1]) > 50_000  # the app's mappers, statements, templates


def test_gunicorn_reads_the_config(tmp_path):
    gunicorn = Path(sys.executable).with_name("gunicorn")
    out = subprocess.run([str(gunicorn), "--check-config", "-c", "python:grants.gunicorn_config", "grants:create_app()"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120, env=_env(tmp_path))
    assert out.returncode == 0, out.stdout + out.stderr


def _env(tmp_path) -> dict:
    return {**os.environ, "GRANTS_DATABASE_URL": f"sqlite:///{tmp_path / 'g.db'}", "GRANTS_INSTANCE_PATH": str(tmp_path),
            "GRANTS_BACKGROUND_THREADS": "0", "GRANTS_ENV": "development", "GRANTS_SECRET_KEY": "t" * 48}
