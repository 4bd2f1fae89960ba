"""users by department: the officers a transition tells are found through an index

Each submission (and every transition whose rules tell "officers") reads the officers of the
contest's department in its write statement. With no index on users.department_id that read was
a sequential scan of every account: on the national set (42,100 users) 6 to 17 ms of the database
for each submission, growing with the registry; 0.11 ms through the index (issue 20).

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 00:40:00
"""
from alembic import op


revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index('ix_users_department_id', ['department_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_department_id')
