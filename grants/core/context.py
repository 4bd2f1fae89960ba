"""Per-request (or per-job) context the kernel needs without knowing Flask: the request id
written into audit entries."""
from __future__ import annotations

from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("grants_request_id", default=None)
