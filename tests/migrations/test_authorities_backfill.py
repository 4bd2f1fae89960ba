"""Migration 0021 (issue 22) on existing data: everything of a one-authority deployment belongs to
its grantor afterwards: consultations, programmes, staff (by their department, else the first
grantor); applicants stay of no authority. Downgrading keeps the data it can."""
from __future__ import annotations

from alembic import command

from .support import alembic_config, run_sql

NOW = "2026-01-05 10:00:00"


def test_migration_0021_gives_existing_data_to_the_first_grantor(fresh_url):
    cfg = alembic_config(fresh_url)
    command.upgrade(cfg, "0020")
    run_sql(fresh_url,
            "INSERT INTO grantors (id, code, name, office_name, address) VALUES (1, 'KRK', 'Kraków', '', '')",
            "INSERT INTO departments (id, grantor_id, code, name, fields) VALUES (1, 1, 'BIS', 'Wydział', '[]')",
            f"INSERT INTO users (id, email, full_name, password_hash, active, created_at, session_generation, totp_failures) "
            f"VALUES (1, 'officer@x.pl', '', 'h', true, '{NOW}', 0, 0), (2, 'admin@x.pl', '', 'h', true, '{NOW}', 0, 0), "
            f"(3, 'ngo@x.pl', '', 'h', true, '{NOW}', 0, 0)",
            "UPDATE users SET department_id = 1 WHERE id = 1",
            "INSERT INTO user_roles (user_id, role) VALUES (1, 'officer'), (2, 'admin'), (3, 'applicant')",
            f"INSERT INTO consultations (id, title, description, fields, report, created_at, state, version) "
            f"VALUES (1, 'K', '', '[]', '', '{NOW}', 'draft', 1)",
            f"INSERT INTO programmes (id, year, title, priorities, planned_funds, commission_rules, created_at) "
            f"VALUES (1, 2026, 'P', '', '{{}}', '', '{NOW}')")
    command.upgrade(cfg, "0021")
    (users, cons, progs) = run_sql(fresh_url, "SELECT id, grantor_id FROM users ORDER BY id",
                                   "SELECT grantor_id FROM consultations", "SELECT grantor_id FROM programmes")
    assert [tuple(r) for r in users] == [(1, 1), (2, 1), (3, None)]
    assert [tuple(r) for r in cons] == [(1,)] and [tuple(r) for r in progs] == [(1,)]
    # a second authority's programme of the same year is allowed now; an operator role is known
    run_sql(fresh_url, "INSERT INTO grantors (id, code, name, office_name, address) VALUES (2, 'WIE', 'Wieliczka', '', '')",
            f"INSERT INTO programmes (id, grantor_id, year, title, priorities, planned_funds, commission_rules, created_at) "
            f"VALUES (2, 2, 2026, 'P2', '', '{{}}', '', '{NOW}')",
            "INSERT INTO user_roles (user_id, role) VALUES (3, 'operator')")
    command.downgrade(cfg, "0020")
    (progs, roles) = run_sql(fresh_url, "SELECT id FROM programmes", "SELECT role FROM user_roles ORDER BY user_id")
    assert [r[0] for r in progs] == [1] and [r[0] for r in roles] == ["officer", "admin", "applicant"]
