import pytest


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch):
    """Commission tests create many users: hash their passwords cheaply (argon2 with minimal cost)."""
    from argon2 import PasswordHasher

    from grants.accounts import operations, passwords
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", cheap)
    monkeypatch.setattr(operations, "DUMMY_HASH", cheap.hash("not-a-real-password"))
