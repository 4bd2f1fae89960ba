"""The throttle's first delay lengthened in these tests, so that "the next attempt is still within
the delay" never depends on how fast the machine runs the requests (no timed assertions)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from grants.accounts import throttle


@pytest.fixture(autouse=True)
def _long_throttle_delay(monkeypatch):
    monkeypatch.setattr(throttle, "BASE_DELAY", timedelta(minutes=1))
