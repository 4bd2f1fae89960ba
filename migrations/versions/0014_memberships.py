"""memberships: roles in an organisation, invitations, departments' fields (R-ORG-MEMBERSHIP)

Existing memberships become `board` (everyone who could submit before still can).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 20:00:00
"""
from alembic import op
import sqlalchemy as sa
import grants.core.types


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('membership_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', grants.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', grants.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answered_at', grants.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("role IN ('board', 'member')", name=op.f('ck_membership_invitations_invitation_role')),
    sa.CheckConstraint("status IN ('pending', 'accepted', 'declined', 'revoked')", name=op.f('ck_membership_invitations_invitation_status')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_membership_invitations_answered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_membership_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_membership_invitations_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership_invitations'))
    )
    with op.batch_alter_table('membership_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_invitations_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_membership_invitations_organisation_id'), ['organisation_id'], unique=False)

    # existing members keep every right they had: the board
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.String(length=10), nullable=False, server_default='board'))
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.alter_column('role', server_default=None)
        batch_op.create_check_constraint(op.f('ck_memberships_membership_role'), "role IN ('board', 'member')")

    with op.batch_alter_table('departments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fields', sa.JSON(), nullable=False, server_default='[]'))
    with op.batch_alter_table('departments', schema=None) as batch_op:
        batch_op.alter_column('fields', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('departments', schema=None) as batch_op:
        batch_op.drop_column('fields')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_memberships_membership_role'), type_='check')
        batch_op.drop_column('role')
    with op.batch_alter_table('membership_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_invitations_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_membership_invitations_email'))
    op.drop_table('membership_invitations')
