"""audit head guard reads the entry by its key; the audit table's redundant type index goes

The guard on audit_heads (0015) checked that the head's step names the entry just appended with
one query over (type, object, id, seq, hash). PL/pgSQL keeps a generic plan of it per connection;
planned while the table was small, that plan walked an index on the entry's type and filtered
every entry of that type (seen: 12,000 rows read for each append, a transition's time growing
with the trail). The entry is now read by its primary key alone, and compared in the function.

`ix_audit_entries_object_type` repeats the first column of two indexes the table has (object_seq,
ix_audit_entries_type_clock): one index less to write on every append.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-04 19:00:00
"""
from alembic import op


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


GUARD = """
CREATE OR REPLACE FUNCTION grants_audit_head_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  e_type varchar(50);
  e_object varchar(64);
  e_seq integer;
  e_hash varchar(64);
  e_prev varchar(64);
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') AND pg_trigger_depth() > 1 THEN
    -- by the primary key alone: no cached plan can choose another index
    SELECT e.object_type, e.object_id, e.seq, e.hash, e.prev_hash INTO e_type, e_object, e_seq, e_hash, e_prev
      FROM audit_entries e WHERE e.id = NEW.entry_id;
    IF FOUND AND e_type = NEW.object_type AND e_object = NEW.object_id AND e_seq = NEW.seq AND e_hash = NEW.hash THEN
      IF TG_OP = 'INSERT' AND NEW.seq = 1 THEN
        RETURN NEW;
      END IF;
      IF TG_OP = 'UPDATE' AND NEW.seq = OLD.seq + 1 AND e_prev = OLD.hash THEN
        RETURN NEW;
      END IF;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$
"""

GUARD_0015 = """
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
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(GUARD)
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entries_object_type')


def downgrade() -> None:
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entries_object_type', ['object_type'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(GUARD_0015)
