"""national scale: indexes for lists walked by key (issue 20)

The public contest list orders by deadline then id and pages by key (grants.core.keyset): an index
on (deadline, id) serves every page, scanned backwards; open calls by nearest deadline, one on (state, deadline, id). Contests by authority (the portals of
issue 22, an officer's grantor) get an index on grantor_id; the registry's list by name, one on
(name, id).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 18:15:00
"""
from alembic import op


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('contests', schema=None) as batch_op:
        batch_op.create_index('ix_contests_deadline_id', ['deadline', 'id'], unique=False)
        batch_op.create_index('ix_contests_state_deadline', ['state', 'deadline', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contests_grantor_id'), ['grantor_id'], unique=False)
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.create_index('ix_organisations_name_id', ['name', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_index('ix_organisations_name_id')
    with op.batch_alter_table('contests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contests_grantor_id'))
        batch_op.drop_index('ix_contests_state_deadline')
        batch_op.drop_index('ix_contests_deadline_id')
