"""grants: grant contests for public tasks (UDPP), from the first idea to the last złoty settled."""
from __future__ import annotations


def create_app(test_config: dict | None = None):
    # inner-import: the package root stays light (importing grants.core must not load the whole app)
    from .app import create_app as _create
    return _create(test_config)
