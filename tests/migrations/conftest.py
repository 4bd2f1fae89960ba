"""The migration tests' database: a fresh, empty one on each backend (PostgreSQL, production's
database, and SQLite, the embedded default), dropped afterwards."""
from __future__ import annotations

import pytest

from .support import fresh_pg_database, fresh_sqlite_database


@pytest.fixture(params=[pytest.param("postgresql", marks=pytest.mark.postgres(reason="migrations run on both databases")),
                        "sqlite"])
def fresh_url(request, tmp_path):
    if request.param == "postgresql":
        with fresh_pg_database() as url:
            yield url
    else:
        with fresh_sqlite_database(tmp_path) as url:
            yield url
