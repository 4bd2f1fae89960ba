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


def _lint_with(tmp_path, path: str, line: str):
    """import-linter over a copy of the sources with `line` added to `path` (module level, or
    indented into a function: the contracts count every import, also one inside a function)."""
    for pkg in ("grants", "reviewers", "budgets"):
        for src in (ROOT / pkg).rglob("*.py"):
            dst = tmp_path / src.relative_to(ROOT)
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_text(src.read_text())
    target = tmp_path / path
    target.write_text(target.read_text() + "\n" + line + "\n")
    lint = pathlib.Path(sys.executable).with_name("lint-imports")
    return subprocess.run([str(lint), str(ROOT / ".importlinter"), "--no-cache"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=240)


def test_contracts_fail_on_a_model_importing_its_declaration(tmp_path):
    """The cycle issue 19 removed began with models importing their workflow declaration
    (grants/agreements/models.py -> grants/workflows/agreement.py): bringing it back breaks the layers."""
    result = _lint_with(tmp_path, "grants/agreements/models.py",
                        "from grants.workflows.agreement import AGREEMENT  # noqa: E402,F401")
    assert result.returncode != 0, result.stdout[-5000:]
    assert "grants.agreements.models -> grants.workflows.agreement" in result.stdout


def test_contracts_fail_on_a_domain_import_hidden_in_a_function(tmp_path):
    """reviewers/ is pure scoring and ranking: an area's model imported inside a function (the old way
    to dodge a cycle) breaks the domain contract too."""
    result = _lint_with(tmp_path, "reviewers/ranking.py",
                        "def _offer():\n    from grants.offers.models import Offer\n    return Offer")
    assert result.returncode != 0, result.stdout[-5000:]
    assert "reviewers.ranking -> grants.offers.models" in result.stdout
