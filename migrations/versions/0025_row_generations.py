"""tables' change generations, moved by triggers (issue 20)

`row_generations` counts the write statements each watched table has seen; public pages'
validators (grants.web.public_cache) read it with one index lookup instead of summing the
versions of every row, which grew with the data (76 ms for 50,000 contests on every visitor's
request). The counter moves in the writing transaction, so no reader sees a new generation
before the rows it describes.

PostgreSQL: one statement-level trigger per table (INSERT, UPDATE, DELETE, TRUNCATE).
SQLite: row-level triggers (SQLite has no statement-level ones).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-04 16:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

TABLES = ("contests", "consultations", "small_grants", "education_events", "departments", "grantors")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION grants_row_generation() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO row_generations (name, generation) VALUES (TG_TABLE_NAME, 1)
  ON CONFLICT (name) DO UPDATE SET generation = row_generations.generation + 1;
  RETURN NULL;
END $$
"""


def upgrade() -> None:
    op.create_table(
        "row_generations",
        sa.Column("name", sa.String(length=63), nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_row_generations")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for t in TABLES:
            op.execute(f"CREATE TRIGGER {t}_row_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {t} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION grants_row_generation()")
    else:
        for t in TABLES:
            for event in ("INSERT", "UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {t}_row_generation_{event.lower()} AFTER {event} ON {t} BEGIN "
                           f"INSERT INTO row_generations (name, generation) VALUES ('{t}', 1) "
                           "ON CONFLICT (name) DO UPDATE SET generation = generation + 1; END")
    op.execute("INSERT INTO row_generations (name, generation) VALUES "
               + ", ".join(f"('{t}', 1)" for t in TABLES))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for t in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {t}_row_generation ON {t}")
        op.execute("DROP FUNCTION IF EXISTS grants_row_generation()")
    else:
        for t in TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {t}_row_generation_{event}")
    op.drop_table("row_generations")
