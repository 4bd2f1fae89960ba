"""The KRS open API (api-krs.ms.gov.pl), when GRANTS_KRS_API_URL is set: current extracts fetched by
KRS number, with a timeout on each request, retries with backoff on errors and 5xx/429 answers, and
a polite rate (one request per `min_interval` seconds). Nothing else in the registry talks to it."""
from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from typing import Callable

USER_AGENT = "grants-registry/1.0 (municipal NGO registry)"


class KrsUnavailable(RuntimeError):
    """The API did not answer usefully after the retries."""


def configured_url() -> str:
    return (os.environ.get("GRANTS_KRS_API_URL") or "").strip().rstrip("/")


class KrsClient:
    def __init__(self, base_url: str, *, timeout: float = 10.0, retries: int = 3, backoff: float = 1.0,
                 min_interval: float | None = None, sleep: Callable[[float], None] = time.sleep,
                 monotonic: Callable[[], float] = time.monotonic):
        self.base_url = base_url.rstrip("/")
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        if min_interval is None:
            min_interval = float(os.environ.get("GRANTS_KRS_API_INTERVAL") or "0.5")
        self.min_interval = min_interval
        self._sleep, self._monotonic = sleep, monotonic
        self._last = None
        self.requests = 0

    def _polite(self) -> None:
        if self._last is not None:
            wait = self.min_interval - (self._monotonic() - self._last)
            if wait > 0:
                self._sleep(wait)
        self._last = self._monotonic()

    def _get(self, url: str) -> dict | None:
        last_error = ""
        for attempt in range(self.retries + 1):
            if attempt:
                self._sleep(self.backoff * 2 ** (attempt - 1))
            self._polite()
            self.requests += 1
            req = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": USER_AGENT})
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310 - configured URL
                    return json.loads(resp.read().decode("utf-8"))
            except urllib.error.HTTPError as e:
                if e.code == 404:
                    return None
                last_error = f"HTTP {e.code}"
                if e.code not in (429, 500, 502, 503, 504):
                    break
            except (urllib.error.URLError, TimeoutError, OSError, ValueError) as e:
                last_error = type(e).__name__
        raise KrsUnavailable(last_error)

    def extract(self, krs: str) -> dict | None:
        """The current extract of `krs` (register S of associations and foundations, then P), or None."""
        for register in ("S", "P"):
            doc = self._get(f"{self.base_url}/OdpisAktualny/{krs}?rejestr={register}&format=json")
            if doc is not None:
                return doc
        return None
