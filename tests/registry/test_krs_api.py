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
    clock = staticmethod(time.monotonic)  # what a hit is stamped with; a test may put its fake clock here

    def do_GET(self):  # noqa: N802
        krs = self.path.split("/OdpisAktualny/")[-1].split("?")[0]
        FakeKrs.hits.append((FakeKrs.clock(), krs, self.path))
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


@pytest.fixture
def fake_krs(monkeypatch):
    server = QuietServer(("127.0.0.1", 0), FakeKrs)  # a free port: no clash with a parallel run
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    FakeKrs.failures, FakeKrs.hits, FakeKrs.slow = {}, [], set()
    url = f"http://127.0.0.1:{server.server_address[1]}/api/krs"
    monkeypatch.setenv("GRANTS_KRS_API_URL", url)
    monkeypatch.setenv("GRANTS_KRS_API_INTERVAL", "0.05")
    yield url
    FakeKrs.clock = staticmethod(time.monotonic)
    server.shutdown()
    server.server_close()


class FakeClock:
    """Time that moves only when the client sleeps, so the polite rate is checked on what the client
    waited for, not on the wall clock of a busy machine."""

    def __init__(self):
        self.now, self.sleeps = 1000.0, []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_krs_api_import_with_retries_rate_and_missing_numbers(session, make_user, fake_krs):
    FakeKrs.failures["0000100002"] = 2
    clock = FakeClock()
    FakeKrs.clock = staticmethod(clock.monotonic)
    officer = make_user("officer")
    imp = imports.create(session, officer, "krs_api", "numery.txt", b"0000100001\n100002\n0000100003\n777\nabc\n",
                         dry_run=False)
    session.commit()
    client = KrsClient(fake_krs, backoff=0.01, min_interval=0.05, sleep=clock.sleep, monotonic=clock.monotonic)
    imp = imports.run(session, imp.id, client=client)
    assert (imp.new, imp.errors) == (3, 2), imp.report
    assert "Nie ma w KRS" in imp.report[3][4] and "Numer KRS" in imp.report[4][4]
    assert session.scalar(select(func.count()).select_from(Organisation)) == 3
    # 100001; 100002 refused twice (backoff 0.01, 0.02, each topped up to the interval); 100003; 777 in S and P
    assert [k for _t, k, _p in FakeKrs.hits] == ["0000100001"] + ["0000100002"] * 3 + ["0000100003"] + ["0000000777"] * 2
    assert clock.sleeps == pytest.approx([0.05, 0.01, 0.04, 0.02, 0.03, 0.05, 0.05, 0.05])
    times = [t for t, _k, _p in FakeKrs.hits]
    assert [b - a for a, b in zip(times, times[1:])] == pytest.approx([0.05] * 6)  # the polite rate, never faster


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
