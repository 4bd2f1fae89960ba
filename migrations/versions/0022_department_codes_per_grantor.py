"""department codes unique per authority; newsletter subscriptions per authority (issue 22)

A subscription may name the authorities it follows (`grantors`, their ids; empty: every one, as
every existing subscription stays). Two authorities of one deployment may each have their own "WK" or "BIS": a department's code is
unique within its grantor, not across the deployment. Downgrading restores the deployment-wide
uniqueness and keeps every department: a code used by several authorities stays with the lowest id,
the others get their id appended.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 18:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('departments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_departments_code'), type_='unique')
        batch_op.create_unique_constraint('uq_departments_grantor_code', ['grantor_id', 'code'])
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grantors', sa.JSON(), nullable=False, server_default='[]'))
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.alter_column('grantors', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.drop_column('grantors')
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, code FROM departments ORDER BY id")).all()
    seen: set[str] = {code for _id, code in rows}
    taken: set[str] = set()
    for did, code in rows:
        if code not in taken:
            taken.add(code)
            continue
        new, n = f"{code[:20 - len(str(did)) - 1]}-{did}", 0
        while new in seen:  # the suffixed code itself in use: another suffix
            n += 1
            new = f"{code[:20 - len(str(did)) - len(str(n)) - 2]}-{did}-{n}"
        conn.execute(sa.text("UPDATE departments SET code = :c WHERE id = :i"), {"c": new, "i": did})
        seen.add(new)
        taken.add(new)
    with op.batch_alter_table('departments', schema=None) as batch_op:
        batch_op.drop_constraint('uq_departments_grantor_code', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_departments_code'), ['code'])
