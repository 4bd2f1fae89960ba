import pytest


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch):
    """argon2id with tiny costs: these tests create many users, logins and tokens."""
    from argon2 import PasswordHasher

    from grants.accounts import operations, passwords
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", cheap)
    monkeypatch.setattr(operations, "DUMMY_HASH", cheap.hash("not-a-real-password"), raising=False)
