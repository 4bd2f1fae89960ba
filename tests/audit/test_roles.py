"""Production set-up (README.md "Production"): the application connects as an ordinary role, so
it can append to the audit trail but neither change it nor switch its triggers off."""
from __future__ import annotations

import uuid

import pytest
from alembic import command
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from grants.core import audit
from grants.core.audit import AuditEntry, AuditHead
from tests.migrations.support import PG_SERVER, admin_sql, alembic_config

pytestmark = pytest.mark.postgres(reason="the append-only triggers and the ordinary application role are PostgreSQL's")


@pytest.fixture(scope="module")
def roles_db():
    suffix = uuid.uuid4().hex[:8]
    owner, app_role, name = f"grants_owner_{suffix}", f"grants_app_{suffix}", f"grants_roles_{suffix}"
    admin_sql(f"CREATE ROLE {owner} LOGIN", f"CREATE ROLE {app_role} LOGIN",
              f'CREATE DATABASE "{name}" OWNER {owner}')
    try:
        admin_sql(f"GRANT USAGE ON SCHEMA public TO {app_role}",
                  f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
                  f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app_role}",
                  f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
                  f"GRANT USAGE, SELECT ON SEQUENCES TO {app_role}", db=name)
        command.upgrade(alembic_config(PG_SERVER.format(user=owner, db=name)), "head")
        eng = create_engine(PG_SERVER.format(user=app_role, db=name), pool_size=2, max_overflow=0)
        try:
            yield eng
        finally:
            eng.dispose()
    finally:
        admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin_sql(f"DROP ROLE IF EXISTS {app_role}", f"DROP ROLE IF EXISTS {owner}")


def _seed(eng) -> int:
    with Session(eng) as s:
        audit.record(s, "consultation", "1", "create", None, changes={"state": [None, "draft"]})
        audit.record(s, "consultation", "1", "open", None, changes={"state": ["draft", "open"]})
        audit.checkpoint(s)
        s.commit()
        return s.scalar(select(func.count()).select_from(AuditEntry))


def test_app_role_is_not_a_superuser(roles_db):
    with roles_db.connect() as c:
        assert c.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar() is False


def test_app_role_appends_to_the_audit_trail(roles_db):
    before = _seed(roles_db)
    after = _seed(roles_db)
    assert after == before + 2
    with Session(roles_db) as s:
        assert audit.verify(s).ok
        # the heads moved with the app role's appends, through the owner's SECURITY DEFINER trigger
        head = s.get(AuditHead, ("consultation", "1"))
        assert head.seq == s.scalar(select(func.max(AuditEntry.seq)).where(AuditEntry.object_id == "1"))
    # ordinary tables stay writable for the app
    with roles_db.begin() as c:
        c.execute(text("INSERT INTO app_settings (key, value) VALUES ('k', '1')"))
        c.execute(text("UPDATE app_settings SET value = '2' WHERE key = 'k'"))
        c.execute(text("DELETE FROM app_settings WHERE key = 'k'"))


@pytest.mark.parametrize("sql,message", [
    ("UPDATE audit_entries SET actor_label = 'mallory'", "append-only"),
    ("DELETE FROM audit_entries", "append-only"),
    ("UPDATE audit_seals SET heads = '[]'", "append-only"),
    ("DELETE FROM audit_seals", "append-only"),
    ("TRUNCATE audit_entries", "permission denied"),
    ("ALTER TABLE audit_entries DISABLE TRIGGER USER", "must be owner"),
    ("ALTER TABLE audit_seals DISABLE TRIGGER ALL", "must be owner"),
    ("DROP TRIGGER audit_entries_no_update_delete ON audit_entries", "must be owner"),
    ("SET session_replication_role = replica", "permission denied"),
    # the chain heads: only the owner's trigger function writes them
    ("UPDATE audit_heads SET seq = seq - 1", "permission denied"),
    ("DELETE FROM audit_heads", "permission denied"),
    ("TRUNCATE audit_heads", "permission denied"),
    ("INSERT INTO audit_heads (object_type, object_id, seq, hash, entry_id) VALUES ('x', '1', 1, 'h', 1)",
     "permission denied"),
    ("ALTER TABLE audit_heads DISABLE TRIGGER USER", "must be owner"),
    ("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_advance_head", "must be owner"),
])
def test_app_role_cannot_change_or_unguard_the_trail(roles_db, sql, message):
    count = _seed(roles_db)
    with roles_db.connect() as c:
        with pytest.raises(Exception) as info:
            c.execute(text(sql))
        c.rollback()
    assert message in str(info.value)
    with Session(roles_db) as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == count
        assert audit.verify(s).ok
