"""KRS extracts over HTTP (GRANTS_KRS_API_URL) against a local fake server serving recorded
responses: timeouts, retries, a polite rate; nothing reaches the internet."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import func, select

from grants.registry import imports
from grants.registry.krs_api import KrsClient, KrsUnavailable
from grants.registry.models import Organisation

DATA = Path(__file__).parent / "data"


class FakeKrs(BaseHTTPRequestHandler):
    failures: dict = {}  # krs → answers 503 this many times first
    hits: list = []
    slow: set = set()

    def do_GET(self):  # noqa: N802
        krs = self.path.split("/OdpisAktualny/")[-1].split("?")[0]
        FakeKrs.hits.append((time.monotonic(), krs, self.path))
        if krs in FakeKrs.slow:
            time.sleep(1.0)
        if FakeKrs.failures.get(krs, 0) > 0:
            FakeKrs.failures[krs] -= 1
            self.send_response(503)
            self.end_headers()
            return
        f = DATA / f"krs_{krs}.json"
        if not f.exists() or "rejestr=S" not in self.path:
            self.send_response(404)
            self.end_headers()
            return
        body = f.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # the timeout test hangs up on purpose


class RecordingClient(KrsClient):
    """Notes the instant each request leaves, after its polite wait. The rate is the client's doing; the
    arrival times at the fake server also carry a loaded machine's scheduling (a request let out late
    arrives closer to the next one: 0.025 s apart seen on a loaded shared machine, min_interval 0.05)."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.sent: list[float] = []

    def _polite(self) -> None:
        super()._polite()
        self.sent.append(self._last)


@pytest.fixture
def fake_krs(monkeypatch):
    server = QuietServer(("127.0.0.1", 0), FakeKrs)  # any free port
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    FakeKrs.failures, FakeKrs.hits, FakeKrs.slow = {}, [], set()
    url = f"http://127.0.0.1:{server.server_address[1]}/api/krs"
    monkeypatch.setenv("GRANTS_KRS_API_URL", url)
    monkeypatch.setenv("GRANTS_KRS_API_INTERVAL", "0.05")
    yield url
    server.shutdown()
    server.server_close()


def test_krs_api_import_with_retries_rate_and_missing_numbers(session, make_user, fake_krs):
    FakeKrs.failures["0000100002"] = 2
    officer = make_user("officer")
    imp = imports.create(session, officer, "krs_api", "numery.txt", b"0000100001\n100002\n0000100003\n777\nabc\n",
                         dry_run=False)
    session.commit()
    client = RecordingClient(fake_krs, backoff=0.01, min_interval=0.05)
    imp = imports.run(session, imp.id, client=client)
    assert (imp.new, imp.errors) == (3, 2), imp.report
    assert "Nie ma w KRS" in imp.report[3][4] and "Numer KRS" in imp.report[4][4]
    assert session.scalar(select(func.count()).select_from(Organisation)) == 3
    assert len(client.sent) == len(FakeKrs.hits) == client.requests  # every request, retries too
    gaps = [round(b - a, 4) for a, b in zip(client.sent, client.sent[1:])]
    assert min(gaps) >= 0.0499, gaps  # the polite rate: never two requests closer than min_interval


def test_krs_api_unavailable_is_a_row_error_after_retries(fake_krs):
    FakeKrs.failures["0000100001"] = 99
    client = KrsClient(fake_krs, retries=2, backoff=0.01, min_interval=0)
    with pytest.raises(KrsUnavailable):
        client.extract("0000100001")
    assert len(FakeKrs.hits) == 3


def test_krs_api_timeout(fake_krs):
    FakeKrs.slow.add("0000100001")
    client = KrsClient(fake_krs, timeout=0.2, retries=1, backoff=0.01, min_interval=0)
    with pytest.raises(KrsUnavailable):
        client.extract("0000100001")


def test_krs_api_import_refused_when_not_configured(session, make_user, monkeypatch):
    monkeypatch.delenv("GRANTS_KRS_API_URL", raising=False)
    with pytest.raises(imports.ImportError_):
        imports.create(session, make_user("officer"), "krs_api", "n.txt", b"0000100001")
