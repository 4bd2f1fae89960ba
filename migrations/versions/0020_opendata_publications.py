"""open data: first publication of each OCDS release (the changes feed), audit entries by type and clock (issue 18)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 14:10:00
"""
from alembic import op
import sqlalchemy as sa
import grants.core.types


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('opendata_publications',
    sa.Column('release_id', sa.String(length=200), nullable=False),
    sa.Column('ocid', sa.String(length=100), nullable=False),
    sa.Column('first_published_at', grants.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('release_id', name=op.f('pk_opendata_publications'))
    )
    with op.batch_alter_table('opendata_publications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opendata_publications_ocid'), ['ocid'], unique=False)
        batch_op.create_index(batch_op.f('ix_opendata_publications_first_published_at'), ['first_published_at'],
                              unique=False)
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entries_type_clock', ['object_type', 'clock_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entries_type_clock')
    with op.batch_alter_table('opendata_publications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opendata_publications_first_published_at'))
        batch_op.drop_index(batch_op.f('ix_opendata_publications_ocid'))
    op.drop_table('opendata_publications')
