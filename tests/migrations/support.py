"""Fresh databases and Alembic pointed at them, for migration and role tests."""
from __future__ import annotations

import contextlib
import uuid
from pathlib import Path

from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from grants.core.config import REPO_ROOT

PG_SERVER = "postgresql+psycopg://{user}@127.0.0.1:5432/{db}"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(REPO_ROOT) / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def admin_sql(*statements: str, db: str = "postgres") -> None:
    eng = create_engine(PG_SERVER.format(user="postgres", db=db), isolation_level="AUTOCOMMIT")
    try:
        with eng.connect() as c:
            for sql in statements:
                c.execute(text(sql))
    finally:
        eng.dispose()


@contextlib.contextmanager
def fresh_pg_database(prefix: str = "grants_mig", owner: str = "postgres"):
    """An empty PostgreSQL database, dropped afterwards; yields its URL (as `owner`)."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin_sql(f'CREATE DATABASE "{name}" OWNER "{owner}"')
    try:
        yield PG_SERVER.format(user=owner, db=name)
    finally:
        admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def fresh_sqlite_database(tmp_path: Path):
    yield f"sqlite:///{tmp_path / ('mig-' + uuid.uuid4().hex[:8] + '.db')}"


def run_sql(url: str, *statements: str) -> list:
    """The statements in one transaction; a SELECT's rows, any other statement's result."""
    eng = create_engine(url, poolclass=NullPool)
    try:
        with eng.begin() as c:
            return [c.execute(text(s)).all() if s.lstrip().upper().startswith("SELECT") else c.execute(text(s))
                    for s in statements]
    finally:
        eng.dispose()
