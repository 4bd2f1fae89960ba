"""contests by planned announcement and by results day: the calendar's next events through an index

The public calendar lists the events after the month shown, a few at a time, in date order: the
contests' planned announcements and results days were found by reading every contest (65 ms each
at the national set's 50,000, growing with the years); through these indexes a fraction of a
millisecond (issue 20). Offer deadlines already have ix_contests_deadline_id.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06 05:45:00
"""
from alembic import op


revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('contests', schema=None) as batch_op:
        batch_op.create_index('ix_contests_planned_announcement_id', ['planned_announcement', 'id'], unique=False)
        batch_op.create_index('ix_contests_decision_by_id', ['decision_by', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('contests', schema=None) as batch_op:
        batch_op.drop_index('ix_contests_decision_by_id')
        batch_op.drop_index('ix_contests_planned_announcement_id')
