"""Migration 0022 (issue 22): department codes are unique per authority. Existing departments keep
their codes and ids; afterwards a second authority may use a code the first one has, the same
authority still may not; downgrading keeps every department (a shared code gets the id appended)."""
from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy.exc import IntegrityError

from .support import alembic_config, run_sql


def test_migration_0022_department_codes_unique_per_grantor_keeps_data(fresh_url):
    cfg = alembic_config(fresh_url)
    command.upgrade(cfg, "0021")
    run_sql(fresh_url,
            "INSERT INTO grantors (id, code, name, office_name, address) VALUES (1, 'KRK', 'Kraków', '', ''), "
            "(2, 'WIE', 'Wieliczka', '', '')",
            "INSERT INTO departments (id, grantor_id, code, name, fields) VALUES (1, 1, 'WK', 'Kultura', '[\"culture\"]'), "
            "(2, 2, 'RSS', 'Referat', '[]')")
    command.upgrade(cfg, "0022")
    (rows,) = run_sql(fresh_url, "SELECT id, grantor_id, code, name FROM departments ORDER BY id")
    assert [tuple(r) for r in rows] == [(1, 1, "WK", "Kultura"), (2, 2, "RSS", "Referat")]
    # Wieliczka may have its own WK now; Kraków may not have a second one
    run_sql(fresh_url, "INSERT INTO departments (id, grantor_id, code, name, fields) VALUES (3, 2, 'WK', 'Kultura WIE', '[]')")
    with pytest.raises(IntegrityError):
        run_sql(fresh_url, "INSERT INTO departments (id, grantor_id, code, name, fields) VALUES (4, 1, 'WK', 'Drugi', '[]')")
    command.downgrade(cfg, "0021")
    (rows,) = run_sql(fresh_url, "SELECT id, grantor_id, code FROM departments ORDER BY id")
    assert [tuple(r) for r in rows] == [(1, 1, "WK"), (2, 2, "RSS"), (3, 2, "WK-3")]
    command.upgrade(cfg, "0022")
