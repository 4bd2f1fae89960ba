"""text search over contests and organisations (issue 20)

PostgreSQL only (SQLite searches with a plain LIKE): the `unaccent` and `pg_trgm` extensions, an
immutable wrapper `grants_unaccent(text)` (unaccent itself is only stable, so no index may call it),
GIN indexes on the full-text documents (the `simple` configuration over folded text) of contests'
titles and organisations' names, and trigram GIN indexes on their folded lower-case names for any
part of a name. The expressions match grants.core.textsearch exactly, or the planner ignores them.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 18:30:00
"""
from alembic import op


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

UP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # the extension's schema fixed (as at migration time): the same result whatever the caller's search_path
    "CREATE OR REPLACE FUNCTION grants_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
    "SET search_path FROM CURRENT AS $$ SELECT unaccent('unaccent'::regdictionary, $1) $$",
    "CREATE INDEX ix_contests_title_fts ON contests USING gin (to_tsvector('simple', grants_unaccent(title)))",
    "CREATE INDEX ix_contests_title_trgm ON contests USING gin (grants_unaccent(lower(title)) gin_trgm_ops)",
    "CREATE INDEX ix_organisations_name_fts ON organisations USING gin (to_tsvector('simple', grants_unaccent(name)))",
    "CREATE INDEX ix_organisations_name_trgm ON organisations USING gin (grants_unaccent(lower(name)) gin_trgm_ops)",
]
DOWN = [
    "DROP INDEX IF EXISTS ix_organisations_name_trgm",
    "DROP INDEX IF EXISTS ix_organisations_name_fts",
    "DROP INDEX IF EXISTS ix_contests_title_trgm",
    "DROP INDEX IF EXISTS ix_contests_title_fts",
    "DROP FUNCTION IF EXISTS grants_unaccent(text)",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for sql in UP:
            op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for sql in DOWN:
            op.execute(sql)
