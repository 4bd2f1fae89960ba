"""registry imports: organisation sources, import runs, duplicate candidates, merged records (issue 16)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 07:59:28.896557
"""
from alembic import op
import sqlalchemy as sa
import grants.core.types


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('duplicate_candidates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_id', sa.Integer(), nullable=False),
    sa.Column('second_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=255), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', grants.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', grants.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('open', 'merged', 'different')", name=op.f('ck_duplicate_candidates_duplicate_status')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_duplicate_candidates_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['first_id'], ['organisations.id'], name=op.f('fk_duplicate_candidates_first_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['second_id'], ['organisations.id'], name=op.f('fk_duplicate_candidates_second_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duplicate_candidates')),
    sa.UniqueConstraint('first_id', 'second_id', name='duplicate_pair')
    )
    with op.batch_alter_table('duplicate_candidates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duplicate_candidates_first_id'), ['first_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_duplicate_candidates_second_id'), ['second_id'], unique=False)

    op.create_table('registry_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('mapping', sa.JSON(), nullable=False),
    sa.Column('dry_run', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=False),
    sa.Column('rows_read', sa.Integer(), nullable=False),
    sa.Column('matched', sa.Integer(), nullable=False),
    sa.Column('new', sa.Integer(), nullable=False),
    sa.Column('conflicts', sa.Integer(), nullable=False),
    sa.Column('errors', sa.Integer(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', grants.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', grants.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('krs', 'krs_api', 'regon', 'department')", name=op.f('ck_registry_imports_registry_import_kind')),
    sa.CheckConstraint("status IN ('mapping', 'queued', 'running', 'done', 'failed')", name=op.f('ck_registry_imports_registry_import_status')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_registry_imports_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_registry_imports_department_id_departments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registry_imports'))
    )
    op.create_table('organisation_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('label', sa.String(length=40), nullable=False),
    sa.Column('source_key', sa.String(length=300), nullable=False),
    sa.Column('as_of', sa.String(length=10), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', grants.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('krs', 'regon', 'department')", name=op.f('ck_organisation_sources_organisation_source_kind')),
    sa.ForeignKeyConstraint(['import_id'], ['registry_imports.id'], name=op.f('fk_organisation_sources_import_id_registry_imports'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_sources_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_sources')),
    sa.UniqueConstraint('kind', 'label', 'source_key', name='organisation_source_key')
    )
    with op.batch_alter_table('organisation_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_sources_organisation_id'), ['organisation_id'], unique=False)

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_organisations_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_organisations_merged_into_id_organisations'), 'organisations', ['merged_into_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_organisations_merged_into_id_organisations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_organisations_merged_into_id'))
        batch_op.drop_column('merged_into_id')

    with op.batch_alter_table('organisation_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_sources_organisation_id'))

    op.drop_table('organisation_sources')
    op.drop_table('registry_imports')
    with op.batch_alter_table('duplicate_candidates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duplicate_candidates_second_id'))
        batch_op.drop_index(batch_op.f('ix_duplicate_candidates_first_id'))

    op.drop_table('duplicate_candidates')
