"""audit chain heads kept by a trigger

Each audit chain's head (newest sequence number and hash) in `audit_heads`, moved by a trigger
on every insert into audit_entries, in the inserting transaction. A chain whose newest entries
are deleted (as only someone able to switch the append-only triggers off can) then ends before
its head, and `grants audit verify` says so even before the next seal.

PostgreSQL: the trigger function is SECURITY DEFINER, owned by the role running the migration
(the tables' owner); every other role loses INSERT, UPDATE, DELETE and TRUNCATE on audit_heads,
so the application's ordinary role can only read the heads. A guard trigger on audit_heads also
refuses any change that is not the head's step to the entry just appended (UPDATE/INSERT outside
the audit_entries trigger, DELETE, TRUNCATE), whatever the privileges granted later.
The head trigger refuses an entry that does not continue its chain (sequence head + 1, linking
to the head's hash).

SQLite (embedded, no roles): the same head trigger, in SQLite's own trigger language.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 20:15:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


PG_UP = [
    # the step of a chain's head to the entry just inserted; runs as the tables' owner
    """
    CREATE OR REPLACE FUNCTION grants_audit_head_advance() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
    DECLARE
      head_seq integer;
      head_hash varchar(64);
    BEGIN
      SELECT h.seq, h.hash INTO head_seq, head_hash FROM audit_heads h
       WHERE h.object_type = NEW.object_type AND h.object_id = NEW.object_id FOR UPDATE;
      IF NOT FOUND THEN
        IF NEW.seq <> 1 OR NEW.prev_hash IS NOT NULL THEN
          RAISE EXCEPTION 'audit chain % % does not continue: entry #% after no head',
            NEW.object_type, NEW.object_id, NEW.seq USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        INSERT INTO audit_heads (object_type, object_id, seq, hash, entry_id)
        VALUES (NEW.object_type, NEW.object_id, NEW.seq, NEW.hash, NEW.id);
      ELSE
        IF NEW.seq <> head_seq + 1 OR NEW.prev_hash IS DISTINCT FROM head_hash THEN
          RAISE EXCEPTION 'audit chain % % does not continue: entry #% after head #%',
            NEW.object_type, NEW.object_id, NEW.seq, head_seq USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        UPDATE audit_heads SET seq = NEW.seq, hash = NEW.hash, entry_id = NEW.id
         WHERE object_type = NEW.object_type AND object_id = NEW.object_id;
      END IF;
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER audit_entries_advance_head AFTER INSERT ON audit_entries "
    "FOR EACH ROW EXECUTE FUNCTION grants_audit_head_advance()",
    # a head changes only as the step above: from inside that trigger, to an entry that exists
    """
    CREATE OR REPLACE FUNCTION grants_audit_head_guard() RETURNS trigger
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
    BEGIN
      IF TG_OP IN ('INSERT', 'UPDATE') AND pg_trigger_depth() > 1 AND EXISTS (
           SELECT 1 FROM audit_entries e
            WHERE e.object_type = NEW.object_type AND e.object_id = NEW.object_id AND e.id = NEW.entry_id
              AND e.seq = NEW.seq AND e.hash = NEW.hash
              AND (TG_OP = 'INSERT' AND NEW.seq = 1
                   OR TG_OP = 'UPDATE' AND NEW.seq = OLD.seq + 1 AND e.prev_hash = OLD.hash)) THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    "CREATE TRIGGER audit_heads_only_by_trigger BEFORE INSERT OR UPDATE OR DELETE ON audit_heads "
    "FOR EACH ROW EXECUTE FUNCTION grants_audit_head_guard()",
    "CREATE TRIGGER audit_heads_no_truncate BEFORE TRUNCATE ON audit_heads "
    "FOR EACH STATEMENT EXECUTE FUNCTION grants_audit_append_only()",
    # only the owner writes the heads (through the function above); others may read them
    """
    DO $$
    DECLARE r record;
    BEGIN
      REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit_heads FROM PUBLIC;
      FOR r IN SELECT DISTINCT grantee FROM information_schema.role_table_grants
                WHERE table_name = 'audit_heads' AND table_schema = current_schema()
                  AND privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')
                  AND grantee NOT IN ('PUBLIC', current_user) LOOP
        EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit_heads FROM %I', r.grantee);
      END LOOP;
    END $$
    """,
]

PG_DOWN = [
    "DROP TRIGGER IF EXISTS audit_entries_advance_head ON audit_entries",
    "DROP TRIGGER IF EXISTS audit_heads_only_by_trigger ON audit_heads",
    "DROP TRIGGER IF EXISTS audit_heads_no_truncate ON audit_heads",
    "DROP FUNCTION IF EXISTS grants_audit_head_advance()",
    "DROP FUNCTION IF EXISTS grants_audit_head_guard()",
]

SQLITE_UP = [
    """
    CREATE TRIGGER audit_entries_advance_head AFTER INSERT ON audit_entries
    BEGIN
      SELECT RAISE(ABORT, 'audit chain does not continue its head')
       WHERE NEW.seq <> COALESCE((SELECT seq FROM audit_heads
                                   WHERE object_type = NEW.object_type AND object_id = NEW.object_id), 0) + 1
          OR NEW.prev_hash IS NOT (SELECT hash FROM audit_heads
                                    WHERE object_type = NEW.object_type AND object_id = NEW.object_id);
      INSERT INTO audit_heads (object_type, object_id, seq, hash, entry_id)
      VALUES (NEW.object_type, NEW.object_id, NEW.seq, NEW.hash, NEW.id)
      ON CONFLICT (object_type, object_id) DO UPDATE
        SET seq = excluded.seq, hash = excluded.hash, entry_id = excluded.entry_id;
    END
    """,
]

SQLITE_DOWN = ["DROP TRIGGER IF EXISTS audit_entries_advance_head"]

# the heads of the chains already there: each chain's newest entry
BACKFILL = """
    INSERT INTO audit_heads (object_type, object_id, seq, hash, entry_id)
    SELECT e.object_type, e.object_id, e.seq, e.hash, e.id FROM audit_entries e
     WHERE e.seq = (SELECT max(x.seq) FROM audit_entries x
                     WHERE x.object_type = e.object_type AND x.object_id = e.object_id)
"""


def upgrade() -> None:
    op.create_table('audit_heads',
    sa.Column('object_type', sa.String(length=50), nullable=False),
    sa.Column('object_id', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('object_type', 'object_id', name=op.f('pk_audit_heads'))
    )
    op.execute(BACKFILL)
    pg = op.get_bind().dialect.name == "postgresql"
    for sql in PG_UP if pg else SQLITE_UP:
        op.execute(sql)


def downgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    for sql in PG_DOWN if pg else SQLITE_DOWN:
        op.execute(sql)
    op.drop_table('audit_heads')
