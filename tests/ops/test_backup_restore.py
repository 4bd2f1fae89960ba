"""Issue 20: scripts/backup_restore.py dumps this run's database (pg_dump -Fc in one exported
snapshot) and an instance folder, restores both into a new database and folder, and proves the copy
whole: row counts per table, `grants audit verify` on the copy, file hashes. A copy changed after
the restore is caught by each check."""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from grants.core import audit
from grants.core.config import REPO_ROOT
from tests.factories import make_contest, make_user

SCRIPT = REPO_ROOT / "scripts" / "backup_restore.py"
pytestmark = [
    pytest.mark.postgres(reason="pg_dump and pg_restore back up PostgreSQL, production's database"),
    pytest.mark.skipif(shutil.which("pg_dump") is None or shutil.which("pg_restore") is None,
                       reason="needs pg_dump and pg_restore (the PostgreSQL client)"),
]


def _script():
    spec = importlib.util.spec_from_file_location("backup_restore", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def instance_with_data(session, tmp_path):
    officer = make_user(session, "officer")
    make_contest(session, officer)
    audit.checkpoint(session)  # a seal too: `audit verify` walks seals on the copy
    session.commit()
    instance = tmp_path / "instance"
    (instance / "files" / "ab").mkdir(parents=True)
    (instance / "files" / "ab" / "offer.pdf").write_bytes(b"%PDF-1.7 " + bytes(range(256)) * 100)
    (instance / "secret_key").write_text("k" * 64)
    (instance / "opendata").mkdir()  # kept downloads: a cache the app makes again, not backed up
    (instance / "opendata" / "dotacje-360giving.ab12.json").write_bytes(b'{"grants": []}')
    return instance


def _target(name: str) -> str:
    from tests.conftest import DATABASE_URL
    return make_url(DATABASE_URL).set(database=name).render_as_string(hide_password=False)


def test_backup_restores_into_a_new_database_and_proves_it_whole(instance_with_data, tmp_path):
    from tests.conftest import DATABASE_URL, TEST_DB
    r = subprocess.run([sys.executable, str(SCRIPT), "--source", DATABASE_URL, "--instance", str(instance_with_data),
                        "--target-db", f"{TEST_DB}_copy", "--target-instance", str(tmp_path / "copy"),
                        "--work", str(tmp_path / "work"), "--drop-target"],
                       cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "copy whole: row counts per table equal, audit trail intact, file hashes equal" in r.stdout
    assert "audit trail intact" in r.stdout and " 2 files" in r.stdout and "total" in r.stdout
    assert (tmp_path / "work" / "database.dump").stat().st_size > 0
    assert not (tmp_path / "copy").exists()  # --drop-target


def test_a_damaged_copy_fails_every_check(instance_with_data, tmp_path):
    from tests.conftest import DATABASE_URL, TEST_DB
    br = _script()
    target = _target(f"{TEST_DB}_bad")
    work = tmp_path / "work"
    work.mkdir()
    counts, hashes, _ = br.dump(br._sa(make_url(DATABASE_URL)), instance_with_data, work)
    try:
        br.restore(target, tmp_path / "copy", work, jobs=1)
        with pytest.raises(SystemExit, match="NEW database"):
            br.restore(target, tmp_path / "copy2", work, jobs=1)
        assert br.prove(target, tmp_path / "copy", counts, hashes)[0] == []
        eng = create_engine(target)
        with eng.begin() as c:
            c.execute(text("SET LOCAL session_replication_role = replica"))  # past the append-only trigger
            c.execute(text("UPDATE audit_entries SET action = 'forged' WHERE id = (SELECT min(id) FROM audit_entries)"))
            c.execute(text("INSERT INTO app_settings (key, value) VALUES ('extra', 'x')"))
        eng.dispose()
        (tmp_path / "copy" / "files" / "ab" / "offer.pdf").write_bytes(b"changed")
        problems, _ = br.prove(target, tmp_path / "copy", counts, hashes)
        text_ = "\n".join(problems)
        assert "table app_settings" in text_
        assert "grants audit verify failed" in text_
        assert "file files/ab/offer.pdf" in text_
    finally:
        br.drop(target)
