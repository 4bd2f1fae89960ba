"""The layers written in .importlinter hold (docs/architecture.md): run by `make test`, so by CI on
both the PostgreSQL and the SQLite pass. A broken contract fails with import-linter's report: which
module may not import which, and the chain of imports that does."""
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_import_contracts_hold():
    lint = pathlib.Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), str(ROOT / ".importlinter"), "--no-cache"],
                            cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
    assert "0 broken" in result.stdout
