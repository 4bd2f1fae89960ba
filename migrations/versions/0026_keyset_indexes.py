"""keyset indexes: the lists walked by key since issue 20's second round

The notifications inbox, newest first per user: (user_id, created_at, id). The people directory
(GET /api/v1/users) by name: users (full_name, id). The admin's users list (by e-mail) and the
audit seals (by id) already have their index (the e-mail's unique one, the primary key); the
commission page's offers of one contest are read through offers' contest_id index (a contest's
offers, not the table's: no index more on the table the deadline hour writes to).

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-04 16:00:00
"""
from alembic import op


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_created', ['user_id', 'created_at', 'id'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index('ix_users_full_name_id', ['full_name', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_full_name_id')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_created')
