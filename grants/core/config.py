"""Configuration from the environment (ARCHITECTURE.md "Configuration"). Flask-free so that the
CLI, workers and the scheduler read the same values as the web app."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_INSTANCE = REPO_ROOT / "instance"
ENVIRONMENTS = ("development", "production")
DEFAULT_DPO_CONTACT = "Inspektor Ochrony Danych Urzędu Miasta Krakowa, iod@um.krakow.pl"


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
    trusted_proxies: int = 0  # reverse proxies in front of the app whose X-Forwarded-For/-Proto count
    ratelimit_storage_url: str = "memory://"  # Flask-Limiter's counters
    public_url: str = ""  # the public address put in e-mailed links (empty: from the request)
    # R-RODO art. 13(1)(b): how to reach the controller's data protection officer (privacy notice)
    dpo_contact: str = ""
    api_max_json_depth: int = 64  # GRANTS_API_MAX_JSON_DEPTH: nesting of a JSON body (400 beyond)
    api_max_body_bytes: int = 1024 * 1024  # GRANTS_API_MAX_BODY_BYTES: size of a JSON body (413 beyond)
    # GRANTS_REPLICA_URL: a read-only replica the visitors' public pages read from (empty: the primary)
    replica_url: str = ""
    # GRANTS_AUTHORITY_HOSTS="granty.wieliczka.pl=WIELICZKA,…": a host name serving one authority's
    # portal at / (issue 22); a grantor's own `host` column does the same without a restart
    authority_hosts: tuple[tuple[str, str], ...] = ()

    @property
    def production(self) -> bool:
        return self.env != "development"  # an unknown GRANTS_ENV is treated as production

    @property
    def sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def outbox_dir(self) -> Path:
        return self.instance_path / "outbox"


def env_name() -> str:
    """GRANTS_ENV as given, trimmed and lower-cased ("Production " is production too)."""
    return (os.environ.get("GRANTS_ENV") or "").strip().lower() or "development"


def is_production() -> bool:
    """Read from the environment on each call, so the clock and config always agree. An unknown
    value (e.g. a typo such as "prod") counts as production here: the safe side."""
    return env_name() != "development"


def _secret_key(instance: Path) -> str:
    given = os.environ.get("GRANTS_SECRET_KEY", "").strip()
    if given:
        return given
    path = instance / "secret_key"
    if path.exists():
        key = path.read_text().strip()
        if key:
            return key
        path.unlink()  # an empty file (e.g. a crash while writing) is no key: make a new one
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # written once, readable by the owner only; written aside and linked into place, so a
    # process starting at the same moment never reads a half-written file, and the first wins
    tmp = instance / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(key)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return path.read_text().strip()
    finally:
        tmp.unlink(missing_ok=True)
    return key


def _positive_int(name: str, default: int, low: int, high: int) -> int:
    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
        raise ConfigError(f"{name} must be a whole number from {low} to {high}, not {raw!r}")
    return int(raw)


def _driver(url: str) -> str:
    if url.startswith(("postgresql://", "postgres://")):
        # psycopg 3 is the driver we ship
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url
def authority_hosts(raw: str) -> tuple[tuple[str, str], ...]:
    """"host=CODE,host=CODE" as ((host, CODE), …): hosts lower-cased, codes upper-cased."""
    pairs = []
    for item in (raw or "").split(","):
        if not item.strip():
            continue
        host, sep, code = item.partition("=")
        if not sep or not host.strip() or not code.strip():
            raise ConfigError(f"GRANTS_AUTHORITY_HOSTS: each entry is host=CODE, not {item.strip()!r}")
        pairs.append((host.strip().lower(), code.strip().upper()))
    return tuple(pairs)


def load(validate: bool = True) -> Settings:
    instance = Path(os.environ.get("GRANTS_INSTANCE_PATH") or DEFAULT_INSTANCE)
    env = env_name()
    if validate and env not in ENVIRONMENTS:
        raise ConfigError(f"GRANTS_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    db = os.environ.get("GRANTS_DATABASE_URL") or f"sqlite:///{instance / 'grants.db'}"
    db = _driver(db)
    try:
        port = int(os.environ.get("GRANTS_PORT") or "5000")
    except ValueError:
        raise ConfigError(f"GRANTS_PORT must be a number, not {os.environ.get('GRANTS_PORT')!r}") from None
    try:
        proxies = int(os.environ.get("GRANTS_TRUSTED_PROXIES") or "0")
    except ValueError:
        proxies = -1
    if proxies < 0:
        raise ConfigError("GRANTS_TRUSTED_PROXIES must be a number of proxies (0 or more), not "
                          f"{os.environ.get('GRANTS_TRUSTED_PROXIES')!r}")
    broker_url = os.environ.get("GRANTS_BROKER_URL", "") or "inprocess"
    # the rate limits' counters are shared by every worker process through Redis when there is one
    ratelimit = (os.environ.get("GRANTS_RATELIMIT_STORAGE_URL", "").strip()
                 or (broker_url if broker_url.startswith(("redis://", "rediss://")) else "memory://"))
    settings = Settings(
        env=env,
        database_url=db,
        broker_url=broker_url,
        smtp_url=os.environ.get("GRANTS_SMTP_URL", ""),
        secret_key=(_secret_key(instance) if env == "development"
                    else os.environ.get("GRANTS_SECRET_KEY", "").strip()),
        port=port,
        instance_path=instance,
        trusted_proxies=proxies,
        ratelimit_storage_url=ratelimit,
        public_url=os.environ.get("GRANTS_PUBLIC_URL", "").strip().rstrip("/"),
        dpo_contact=os.environ.get("GRANTS_DPO_CONTACT", "").strip() or DEFAULT_DPO_CONTACT,
        api_max_json_depth=_positive_int("GRANTS_API_MAX_JSON_DEPTH", 64, 2, 500),
        api_max_body_bytes=_positive_int("GRANTS_API_MAX_BODY_BYTES", 1024 * 1024, 1024, 20 * 1024 * 1024),
        replica_url=_driver(os.environ.get("GRANTS_REPLICA_URL", "").strip()),
        authority_hosts=authority_hosts(os.environ.get("GRANTS_AUTHORITY_HOSTS", "")),
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
