"""Configuration from the environment (ARCHITECTURE.md "Configuration", a contract)."""
from __future__ import annotations

import stat
import threading

import pytest

from grants.core import config
from grants.core.config import ConfigError

VARS = ("GRANTS_ENV", "GRANTS_DATABASE_URL", "GRANTS_BROKER_URL", "GRANTS_SECRET_KEY", "GRANTS_SMTP_URL",
        "GRANTS_PORT", "GRANTS_ALLOW_SQLITE", "GRANTS_INSTANCE_PATH")
PG = "postgresql+psycopg://grants:pw@db.example:5432/grants"


@pytest.fixture(autouse=True)
def _clean_database():
    """Pure functions, no rows written: skip the conftest's per-test database wipe (speed)."""
    yield


@pytest.fixture
def env(monkeypatch, tmp_path):
    """A clean environment with the instance directory in tmp_path."""
    for name in VARS:
        monkeypatch.delenv(name, raising=False)
    instance = tmp_path / "instance"
    monkeypatch.setenv("GRANTS_INSTANCE_PATH", str(instance))
    return monkeypatch, instance


def test_defaults(env):
    _, instance = env
    s = config.load()
    assert s.env == "development" and not s.production
    assert s.database_url == f"sqlite:///{instance / 'grants.db'}" and s.sqlite
    assert s.broker_url == "inprocess"
    assert s.smtp_url == ""
    assert s.port == 5000
    assert s.instance_path == instance and instance.is_dir()
    assert s.outbox_dir == instance / "outbox"


def test_values_from_the_environment(env):
    mp, _ = env
    mp.setenv("GRANTS_DATABASE_URL", PG)
    mp.setenv("GRANTS_BROKER_URL", "redis://127.0.0.1:6379/0")
    mp.setenv("GRANTS_SMTP_URL", "smtp://mail.example:25")
    mp.setenv("GRANTS_PORT", "8080")
    mp.setenv("GRANTS_SECRET_KEY", "s3cret")
    s = config.load()
    assert (s.database_url, s.broker_url, s.smtp_url, s.port, s.secret_key) == (
        PG, "redis://127.0.0.1:6379/0", "smtp://mail.example:25", 8080, "s3cret")
    assert not s.sqlite


def test_secret_key_generated_into_the_instance_once_and_reused(env):
    _, instance = env
    first = config.load().secret_key
    key_file = instance / "secret_key"
    assert key_file.read_text() == first
    assert len(first) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600          # the owner's only
    assert config.load().secret_key == first                       # reused, not regenerated
    assert config.load().secret_key == first
    assert [p.name for p in instance.iterdir() if "secret" in p.name] == ["secret_key"]  # no leftovers


def test_secret_keys_differ_between_instances(env, tmp_path):
    mp, _ = env
    a = config.load().secret_key
    mp.setenv("GRANTS_INSTANCE_PATH", str(tmp_path / "other"))
    assert config.load().secret_key != a


def test_secret_key_from_the_environment_writes_no_file(env):
    mp, instance = env
    mp.setenv("GRANTS_SECRET_KEY", "given-key")
    assert config.load().secret_key == "given-key"
    assert not (instance / "secret_key").exists()


def test_an_empty_secret_key_file_is_replaced(env):
    _, instance = env
    instance.mkdir(parents=True)
    (instance / "secret_key").write_text("  \n")
    key = config.load().secret_key
    assert key.strip() and (instance / "secret_key").read_text() == key


def test_processes_starting_together_share_one_secret_key(env):
    keys, errors = [], []

    def start():
        try:
            keys.append(config.load().secret_key)
        except Exception as e:  # noqa: BLE001 - collected and asserted below
            errors.append(e)
    threads = [threading.Thread(target=start) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(keys) == 12 and len(set(keys)) == 1 and keys[0]


# ---------------------------------------------------------------- production

def test_production_refuses_without_secret_key(env):
    mp, instance = env
    mp.setenv("GRANTS_ENV", "production")
    mp.setenv("GRANTS_DATABASE_URL", PG)
    with pytest.raises(ConfigError, match="GRANTS_SECRET_KEY"):
        config.load()
    assert not (instance / "secret_key").exists()          # never generated in production
    mp.setenv("GRANTS_SECRET_KEY", "   ")
    with pytest.raises(ConfigError, match="GRANTS_SECRET_KEY"):
        config.load()


def test_production_refuses_sqlite_unless_allowed(env):
    mp, _ = env
    mp.setenv("GRANTS_ENV", "production")
    mp.setenv("GRANTS_SECRET_KEY", "prod-key")
    with pytest.raises(ConfigError, match="PostgreSQL"):
        config.load()                                       # the default SQLite file
    mp.setenv("GRANTS_DATABASE_URL", "sqlite:////srv/grants.db")
    with pytest.raises(ConfigError, match="GRANTS_ALLOW_SQLITE"):
        config.load()
    mp.setenv("GRANTS_ALLOW_SQLITE", "1")
    s = config.load()
    assert s.production and s.sqlite and s.secret_key == "prod-key"


def test_production_with_postgres_and_secret(env):
    mp, _ = env
    mp.setenv("GRANTS_ENV", "production")
    mp.setenv("GRANTS_SECRET_KEY", "prod-key")
    mp.setenv("GRANTS_DATABASE_URL", "postgres://u@db/grants")
    s = config.load()
    assert s.production and s.env == "production"
    assert s.database_url == "postgresql+psycopg://u@db/grants"


def test_production_spelling_is_forgiving(env):
    mp, _ = env
    mp.setenv("GRANTS_ENV", " Production ")
    mp.setenv("GRANTS_DATABASE_URL", PG)
    with pytest.raises(ConfigError, match="GRANTS_SECRET_KEY"):
        config.load()
    assert config.is_production()


def test_unknown_env_is_refused(env):
    mp, _ = env
    mp.setenv("GRANTS_ENV", "prod")
    with pytest.raises(ConfigError, match="GRANTS_ENV"):
        config.load()
    assert config.is_production()                # the clock treats it as production meanwhile


def test_validate_false_reads_without_refusing(env):
    """Migrations and mail read the URL only; they do not refuse."""
    mp, _ = env
    mp.setenv("GRANTS_ENV", "production")
    s = config.load(validate=False)
    assert s.production and s.secret_key == "" and s.sqlite


@pytest.mark.parametrize("given, expected", [
    ("postgres://u:p@h:5432/d", "postgresql+psycopg://u:p@h:5432/d"),
    ("postgresql://u:p@h/d?sslmode=require", "postgresql+psycopg://u:p@h/d?sslmode=require"),
    ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
    ("sqlite:////var/lib/grants/grants.db", "sqlite:////var/lib/grants/grants.db"),
])
def test_database_url_is_normalised_to_psycopg3(env, given, expected):
    mp, _ = env
    mp.setenv("GRANTS_DATABASE_URL", given)
    assert config.load().database_url == expected


@pytest.mark.parametrize("bad", ["http", "50.00", "eighty"])
def test_bad_port_is_a_config_error(env, bad):
    mp, _ = env
    mp.setenv("GRANTS_PORT", bad)
    with pytest.raises(ConfigError, match="GRANTS_PORT"):
        config.load()
