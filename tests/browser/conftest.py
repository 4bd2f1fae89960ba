"""Browser tests: the real pages in Debian's Chromium (pytest-playwright), JavaScript on, against a
live server started inside the test run on a free port, over the demo data.

No browser is downloaded: Playwright drives the system binary (`/usr/bin/chromium`, or the path in
GRANTS_CHROMIUM). Without one the tests skip with a message saying so; in CI (CI=true) a missing
Chromium fails the run (.ci/run installs the `chromium` package when it is missing).

Every page a test visits goes through `check(page)`: no horizontal scroll, axe-core with zero
violations at any impact, no code or English word in the visible Polish text, every money figure
in the Polish format. Screenshots go to test-artifacts/ (ignored by git; CI keeps them).
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import logging
import threading
from pathlib import Path

import pytest

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "Demo-Grants-2026"


def find_chromium() -> str | None:
    for candidate in (os.environ.get("GRANTS_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser",
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


CHROMIUM = find_chromium()

try:
    import playwright  # noqa: F401
    from axe_playwright_python.sync_playwright import Axe
    HAVE_PLAYWRIGHT = True
except ImportError:  # the test extras are not installed
    HAVE_PLAYWRIGHT = False


def pytest_collection_modifyitems(config, items):
    problem = None
    if not HAVE_PLAYWRIGHT:
        problem = "pytest-playwright and axe-playwright-python are not installed (pip install -e '.[test]')"
    elif CHROMIUM is None:
        problem = ("no Chromium found (apt-get install -y chromium, or set GRANTS_CHROMIUM to its path); "
                   "Playwright's own browser download is not used")
    if problem is None:
        return
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            if CI:
                raise pytest.UsageError(f"CI=true but the browser tests cannot run: {problem}")
            item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {problem}"))


# ---------------------------------------------------------------- the server

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(autouse=True)
def _clean_database():
    """The demo data is seeded once for the browser tests (tests/browser/test_*.py wipe and seed
    what they need through `demo`); the suite's per-test wipe would empty it under the server."""
    yield


@pytest.fixture(scope="session")
def live_server():
    from werkzeug.serving import make_server
    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    from grants import create_app
    app = create_app({"TESTING": False, "WTF_CSRF_ENABLED": True, "SERVER_NAME": None})
    port = _free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=5)


_DEMO = {"untouched": False}  # the database holds the demo exactly as seeded


def _seed():
    from grants.demo import seed
    from grants.ratelimits import limiter
    from tests.conftest import wipe
    wipe()
    seed()
    if limiter.initialized:
        limiter.reset()


@pytest.fixture
def demo(live_server):
    """A fresh demo (the whole believable Kraków) for a test that changes it."""
    if not _DEMO["untouched"]:
        _seed()
    _DEMO["untouched"] = False
    yield live_server


@pytest.fixture
def demo_readonly(live_server):
    """The demo for a test that only reads: seeded again only after a test changed it."""
    if not _DEMO["untouched"]:
        _seed()
        _DEMO["untouched"] = True
    from grants.ratelimits import limiter
    if limiter.initialized:
        limiter.reset()
    yield live_server


@pytest.fixture(scope="module", autouse=True)
def _empty_afterwards():
    """The demo goes with the module: the tests that run after it in this process (xdist gives a
    worker several files) expect the empty database the suite's per-test wipe leaves."""
    yield
    from tests.conftest import wipe
    wipe()
    _DEMO["untouched"] = False


# ---------------------------------------------------------------- the browser

@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "pl-PL", "timezone_id": "Europe/Warsaw"}


WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture(params=list(WIDTHS))
def width(request, page):
    page.set_viewport_size({"width": WIDTHS[request.param], "height": 900})
    page.set_default_timeout(15000)
    return WIDTHS[request.param]


# ---------------------------------------------------------------- what every visited page must meet

# codes and English words that must never reach a Polish page
FORBIDDEN_WORDS = [
    "personnel", "materials", "services", "venue", "capacity", "own_funds", "personal_in_kind", "cost_type",
    "unit_cost", "bank_interest", "misused", "excessive", "support_only", "max_points", "entrustment",
    "eligible", "statutory", "in time",  # checklist codes once shown with spaces for underscores
    "None", "True", "False", "null", "undefined", "NaN",
    "should", "String", "Field required", "Value error", "Input should", "characters", "required",
    "Submit", "Cancel", "Error", "Warning", "Save", "Delete", "Edit", "Back", "Next", "Previous",
    "draft", "submitted", "needs_correction", "formal_review", "ready_for_agreement", "in_progress",
]
FORBIDDEN_PATTERNS = [
    (re.compile(r"\bR-[A-Z0-9]+(?:-[A-Z0-9]+)*\b"), "a rule id"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"), "an ISO timestamp"),
    (re.compile(r"\b\d+\.\d{2}\s?%"), "a percentage with a dot"),
    (re.compile(r"\b\d+\.\d{2}\s?(?:zł|pkt|PLN)"), "an amount with a dot"),
    (re.compile(r"\b\d{4,}\.\d{2}\b"), "an amount in program form"),
    (re.compile(r"\b[a-z]+(?:_[a-z]+)+\b"), "a snake_case code"),
    (re.compile(r"\b[a-z_]+\.\d+\.[a-z_]+\b"), "a field path"),
]
WORD = {w: re.compile(r"(?<![\w-])" + re.escape(w) + r"(?![\w-])") for w in FORBIDDEN_WORDS}
# a money figure: digits (maybe grouped) with or without decimals, then "zł"
MONEY = re.compile(r"(-?\d[\d \u00a0\u202f.,]*\d|\d)[ \u00a0\u202f]?zł")
POLISH_MONEY = re.compile(r"^-?\d{1,3}(?:[\u00a0\u202f ]\d{3})*(?:,\d{2})?$")


def visible_text(page) -> str:
    """What the page says, without the staff's "podstawa" notes (rule ids belong there)."""
    return page.evaluate("""() => { const notes = [...document.querySelectorAll('.basis')];
        notes.forEach(n => { n.dataset.was = n.style.display; n.style.display = "none"; });
        const text = document.body.innerText; notes.forEach(n => n.style.display = n.dataset.was || '');
        return text; }""")


def problems_in_text(text: str, allow: tuple[str, ...] = ()) -> list[str]:
    found = []
    for word, rx in WORD.items():
        if word in allow:
            continue
        for m in rx.finditer(text):
            found.append(f"{word!r} in …{text[max(0, m.start() - 40):m.end() + 40]!r}…")
    for rx, what in FORBIDDEN_PATTERNS:
        for m in rx.finditer(text):
            if any(a in m.group(0) for a in allow):
                continue
            found.append(f"{what} {m.group(0)!r} in …{text[max(0, m.start() - 40):m.end() + 40]!r}…")
    for m in MONEY.finditer(text):
        figure = m.group(1).strip()
        if not POLISH_MONEY.match(figure):
            found.append(f"money not in the Polish format: {m.group(0)!r} in …{text[max(0, m.start() - 40):m.end() + 10]!r}…")
    return found


class Checker:
    """Visits and checks pages; keeps what it saw for the report."""

    def __init__(self, page, base: str, name: str, width: int):
        self.page, self.base, self.name, self.width = page, base, name, width
        self.axe = Axe()
        self.visited: list[str] = []
        self.failures: list[str] = []
        self.folder = ARTIFACTS / name
        self.folder.mkdir(parents=True, exist_ok=True)

    def goto(self, path: str, **kw):
        response = self.page.goto(self.base + path if path.startswith("/") else path)
        if response is not None and response.status >= 400:
            self.failures.append(f"{path}: HTTP {response.status}")
        self.page.wait_for_load_state("networkidle")
        return self.check(**kw)

    def check(self, label: str | None = None, allow: tuple[str, ...] = (), text: bool = True):
        page = self.page
        page.wait_for_load_state("networkidle")
        path = page.url.replace(self.base, "") or "/"
        label = label or path
        self.visited.append(path)
        heading = page.evaluate("() => (document.querySelector('h1') || {}).textContent || ''").strip()
        if heading in ("400", "403", "404", "405", "409", "422", "429", "500", "503"):
            self.failures.append(f"{label}: an error page ({heading})")
        shot = self.folder / f"{len(self.visited):02d}_{re.sub(r'[^A-Za-z0-9]+', '_', label).strip('_')[:60]}_{self.width}.png"
        page.screenshot(path=str(shot), full_page=True)
        scroll = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if scroll[0] > scroll[1]:
            wide = page.evaluate("""() => { const w = window.innerWidth; const out = [];
                for (const el of document.querySelectorAll('body *')) { const r = el.getBoundingClientRect();
                  if (r.right > w + 1 && getComputedStyle(el).position !== 'fixed') {
                    let p = el.parentElement, inside = false;
                    while (p) { const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') { inside = true; break; } p = p.parentElement; }
                    if (!inside) out.push(el.tagName + '.' + el.className + ' ' + Math.round(r.right)); } }
                return out.slice(0, 8); }""")
            self.failures.append(f"{label}: horizontal scroll {scroll[0]} px > {scroll[1]} px ({wide})")
        results = self.axe.run(page)
        if results.violations_count:
            details = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:4]}"
                       for v in results.response["violations"]]
            self.failures.append(f"{label}: axe violations {details}")
        if text:
            for p in problems_in_text(visible_text(page), allow):
                self.failures.append(f"{label}: {p}")
        return page

    def done(self):
        (self.folder / f"visited_{self.width}.txt").write_text("\n".join(self.visited) + "\n")
        assert not self.failures, "\n".join(self.failures)


@pytest.fixture
def checker(page, width, request):
    def make(base: str) -> Checker:
        name = re.sub(r"[^A-Za-z0-9]+", "_", request.node.name).strip("_")
        return Checker(page, base, name, width)
    return make


def login(page, base: str, email: str):
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("form.narrow button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/login" not in page.url, f"login of {email} failed"
