"""What the HTTP benchmarks share: a fresh PostgreSQL database run through `grants` commands and
served by gunicorn (gthread workers) on a local port, a keep-alive client, and the load driver that
runs N clients at once and times them from a common start.

    srv = BenchServer(args.server)
    try:
        srv.prepare(["db", "upgrade"], ["demo"])
        port = srv.start(workers=4, threads=8)
        wall, latencies, errors = run_phase(clients, work)
    finally:
        srv.stop()
"""
from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
# the CLI of this checkout (the venv's `grants` script runs whichever checkout was installed editable)
GRANTS_CLI = [sys.executable, "-c", "from grants.cli import main; main()"]
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


def admin(server: str, sql: str) -> None:
    """One statement on the server's `postgres` database, outside a transaction (CREATE/DROP DATABASE)."""
    eng = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with eng.connect() as c:
            c.execute(text(sql))
    finally:
        eng.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class BenchServer:
    """A throw-away database `grants_bench_<random>` on `server` and the environment the app runs
    with (no background threads, the in-process broker, the /_bench endpoints); `stop()` stops
    gunicorn and drops the database unless `keep_db`."""

    def __init__(self, server: str = DEFAULT_SERVER, *, keep_db: bool = False):
        self.server = server
        self.keep_db = keep_db
        self.name = f"grants_bench_{uuid.uuid4().hex[:8]}"
        self.url = f"{server}/{self.name}"
        tmp = Path(tempfile.mkdtemp(prefix="grants-bench-"))
        self.env = {**os.environ, "GRANTS_DATABASE_URL": self.url, "GRANTS_ENV": "development",
                    "GRANTS_INSTANCE_PATH": str(tmp / "instance"),
                    "GRANTS_SECRET_KEY": "bench-" + uuid.uuid4().hex,
                    "GRANTS_BACKGROUND_THREADS": "0", "GRANTS_BENCH_ENDPOINT": "1",
                    # this checkout's code, not the one the virtualenv's `grants` script was installed from
                    "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        self.env.pop("GRANTS_BROKER_URL", None)  # the in-process broker: events queue in memory, no worker runs
        self.process: subprocess.Popen | None = None
        self.port = 0
        self._created = False

    def prepare(self, *commands: list[str]) -> None:
        """Creates the database, then runs each `grants` command (e.g. ["db", "upgrade"]) on it."""
        admin(self.server, f'CREATE DATABASE "{self.name}"')
        self._created = True
        for cmd in commands:
            subprocess.run([*GRANTS_CLI, *cmd], env=self.env, cwd=ROOT, check=True,
                           stdout=subprocess.DEVNULL)

    def start(self, workers: int, threads: int, port: int = 0) -> int:
        """Starts gunicorn and waits until /healthz answers 200; returns the port."""
        self.port = port or free_port()
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-c", os.environ.get("BENCH_GUNICORN_CONFIG", "python:grants.gunicorn_config"),
             "-w", str(workers), "-k", "gthread", "--threads", str(threads),
             "-b", f"127.0.0.1:{self.port}", "--keep-alive", "30", "--log-level", "warning",
             "grants:create_app()"],
            env=self.env, cwd=ROOT)
        for _ in range(300):
            try:
                if Client(self.port, timeout=5).get("/healthz") == 200:
                    return self.port
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit("gunicorn did not come up")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None
        if self._created and not self.keep_db:
            admin(self.server, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class Client:
    """One keep-alive connection; a request the server's closed connection broke is sent again once."""

    def __init__(self, port: int, token: str | None = None, *, timeout: float = 60,
                 headers: dict | None = None):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.headers = {"Content-Type": "application/json", **(headers or {})}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def request(self, method: str, path: str, body: bytes = b"", headers=None) -> tuple[int, bytes]:
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers={**self.headers, **(headers or {})})
                r = self.conn.getresponse()
                return r.status, r.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()  # the server closed the kept-alive connection: reconnect once
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def call(self, method: str, path: str, body=None, headers=None) -> tuple[int, dict]:
        """A JSON request and its JSON answer."""
        status, raw = self.request(method, path, json.dumps(body).encode() if body is not None else b"", headers)
        return status, (json.loads(raw) if raw else {})

    def get(self, path: str) -> int:
        """GET, the body read and dropped; the status."""
        return self.request("GET", path)[0]


def percentile(values: list[float], p: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, max(0, int(round(p / 100 * len(v) + 0.5)) - 1))]


def cpu_by_group(server_pid: int | None) -> dict[int, tuple[str, float]]:
    """CPU seconds (user + system) used so far by each of this machine's processes, with its group:
    "app" (the server process `server_pid` and its children), "database" (every postgres process),
    "client" (this process) and "other". Linux only (read from /proc); empty elsewhere. Two readings
    around a phase (`cpu_used`) say where the machine's CPU went."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    stats: dict[int, tuple[str, int, float]] = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return {}
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                raw = f.read()
        except OSError:
            continue  # gone meanwhile
        comm = raw[raw.index("(") + 1:raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2:].split()
        stats[int(name)] = (comm, int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    out = {}
    me = os.getpid()
    for pid, (comm, _ppid, cpu) in stats.items():
        ancestor, group = pid, "other"
        while ancestor in stats and ancestor > 1:
            if server_pid is not None and ancestor == server_pid:
                group = "app"
                break
            ancestor = stats[ancestor][1]
        if group == "other":
            group = "client" if pid == me else "database" if comm.startswith("postgres") else "other"
        out[pid] = (group, cpu)
    return out


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds per group between two `cpu_by_group` readings: each process's own growth (one
    started between them counts whole; one that ended between them is not counted)."""
    out = {"app": 0.0, "database": 0.0, "client": 0.0, "other": 0.0}
    for pid, (group, cpu) in after.items():
        out[group] += cpu - (before[pid][1] if pid in before else 0.0)
    return out


def run_phase(n_clients: int, work, on_start=None) -> tuple[float, list[float], list[str]]:
    """Runs work(i, barrier, latencies, errors) in n threads; returns wall time of the timed part
    (from the moment all threads reached the barrier), the latencies and the errors. `on_start`:
    called when the timed part starts."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(n_clients + 1)

    def wrap(i):
        lat, err = [], []
        try:
            work(i, barrier, lat, err)
        except threading.BrokenBarrierError:
            pass
        except Exception as e:  # noqa: BLE001
            err.append(f"{type(e).__name__}: {e}")
        with lock:
            latencies.extend(lat)
            errors.extend(err)

    threads = [threading.Thread(target=wrap, args=(i,)) for i in range(n_clients)]
    for t in threads:
        t.start()
    try:
        barrier.wait(timeout=600)  # everybody prepared
    except threading.BrokenBarrierError:
        pass
    if on_start is not None:
        on_start()
    start = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - start, latencies, errors
