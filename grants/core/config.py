"""Configuration from the environment (ARCHITECTURE.md "Configuration"). Flask-free so that the
CLI, workers and the scheduler read the same values as the web app."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_INSTANCE = REPO_ROOT / "instance"


class ConfigError(RuntimeError):
    """The environment asks for something the app refuses to run with."""


@dataclass(frozen=True)
class Settings:
    env: str
    database_url: str
    broker_url: str
    smtp_url: str
    secret_key: str
    port: int
    instance_path: Path

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def outbox_dir(self) -> Path:
        return self.instance_path / "outbox"


def _secret_key(instance: Path) -> str:
    given = os.environ.get("GRANTS_SECRET_KEY")
    if given:
        return given
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # written once, readable by the owner only
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


def load(validate: bool = True) -> Settings:
    instance = Path(os.environ.get("GRANTS_INSTANCE_PATH") or DEFAULT_INSTANCE)
    env = os.environ.get("GRANTS_ENV", "development").strip() or "development"
    db = os.environ.get("GRANTS_DATABASE_URL") or f"sqlite:///{instance / 'grants.db'}"
    if db.startswith("postgresql://") or db.startswith("postgres://"):
        # psycopg 3 is the driver we ship
        db = "postgresql+psycopg://" + db.split("://", 1)[1]
    settings = Settings(
        env=env,
        database_url=db,
        broker_url=os.environ.get("GRANTS_BROKER_URL", "") or "inprocess",
        smtp_url=os.environ.get("GRANTS_SMTP_URL", ""),
        secret_key=_secret_key(instance) if env != "production" else os.environ.get("GRANTS_SECRET_KEY", ""),
        port=int(os.environ.get("GRANTS_PORT", "5000")),
        instance_path=instance,
    )
    if validate and settings.production:
        if not settings.secret_key:
            raise ConfigError("GRANTS_ENV=production requires GRANTS_SECRET_KEY to be set explicitly")
        if settings.sqlite and os.environ.get("GRANTS_ALLOW_SQLITE") != "1":
            raise ConfigError("GRANTS_ENV=production requires a PostgreSQL GRANTS_DATABASE_URL "
                              "(set GRANTS_ALLOW_SQLITE=1 to run on SQLite anyway)")
    if settings.sqlite:
        instance.mkdir(parents=True, exist_ok=True)
    return settings
