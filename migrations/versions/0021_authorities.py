"""authorities: many grantors in one deployment (issue 22)

Each authority (grantor) owns its consultations, initiatives, small grants and programmes (contests
already carried it; offers, commissions, agreements, reports and settlements belong through their
contest); staff users carry their grantor; the platform operator role; the portal's look of each
authority. Everything existing belongs to the first grantor (the one by the lowest id).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 13:54:10.803324
"""
from alembic import op
import sqlalchemy as sa
import grants.core.types


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

OWNED = ('consultations', 'initiatives', 'small_grants', 'programmes')
ROLES_BEFORE = ('applicant', 'officer', 'commission_member', 'finance', 'admin', 'participant')
ROLES_AFTER = ROLES_BEFORE + ('operator',)


def _roles_check(roles) -> str:
    return "role IN (%s)" % ", ".join(f"'{r}'" for r in roles)


def _first_grantor(conn) -> int | None:
    """The grantor existing rows belong to; one is created only where rows exist without any."""
    gid = conn.execute(sa.text("SELECT MIN(id) FROM grantors")).scalar()
    if gid is None and any(conn.execute(sa.text(f"SELECT 1 FROM {t} LIMIT 1")).first() for t in OWNED):
        conn.execute(sa.text("INSERT INTO grantors (code, name, office_name, address) "
                             "VALUES ('ORGAN', 'Organ dotujący', '', '')"))
        gid = conn.execute(sa.text("SELECT MIN(id) FROM grantors")).scalar()
    return gid


def upgrade() -> None:
    with op.batch_alter_table('grantors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('teryt', sa.String(length=7), server_default='', nullable=False))
        batch_op.add_column(sa.Column('coat_of_arms_url', sa.String(length=255), server_default='', nullable=False))
        batch_op.add_column(sa.Column('colour', sa.String(length=7), server_default='#1d4f91', nullable=False))
        batch_op.add_column(sa.Column('host', sa.String(length=255), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_grantors_host'), ['host'])

    for table in OWNED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('grantor_id', sa.Integer(), nullable=True))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grantor_id', sa.Integer(), nullable=True))

    conn = op.get_bind()
    gid = _first_grantor(conn)
    if gid is not None:
        for table in ('consultations', 'initiatives', 'small_grants'):
            # the department's authority where one is assigned, else the first grantor
            conn.execute(sa.text(f"UPDATE {table} SET grantor_id = COALESCE((SELECT d.grantor_id FROM departments d "
                                 f"WHERE d.id = {table}.department_id), :g)"), {"g": gid})
        conn.execute(sa.text("UPDATE programmes SET grantor_id = :g"), {"g": gid})
        # staff act within their grantor: the department's, else (admins, finance) the first grantor
        conn.execute(sa.text("UPDATE users SET grantor_id = COALESCE((SELECT d.grantor_id FROM departments d "
                             "WHERE d.id = users.department_id), :g) WHERE department_id IS NOT NULL OR id IN "
                             "(SELECT user_id FROM user_roles WHERE role IN ('officer', 'admin', 'finance'))"),
                     {"g": gid})

    for table in ('consultations', 'initiatives', 'small_grants'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('grantor_id', existing_type=sa.Integer(), nullable=False)
            batch_op.create_index(batch_op.f(f'ix_{table}_grantor_id'), ['grantor_id'], unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_grantor_id_grantors'), 'grantors', ['grantor_id'], ['id'])
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.alter_column('grantor_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f('uq_programmes_year'), type_='unique')
        batch_op.create_unique_constraint('grantor_year', ['grantor_id', 'year'])
        batch_op.create_foreign_key(batch_op.f('fk_programmes_grantor_id_grantors'), 'grantors', ['grantor_id'], ['id'])
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_grantor_id'), ['grantor_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_users_grantor_id_grantors'), 'grantors', ['grantor_id'], ['id'])
    with op.batch_alter_table('user_roles', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_user_roles_role_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_user_roles_role_known'), _roles_check(ROLES_AFTER))

    # each authority's own notes on an organisation of the shared registry
    op.create_table('organisation_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('grantor_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', grants.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_organisation_notes_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['grantor_id'], ['grantors.id'], name=op.f('fk_organisation_notes_grantor_id_grantors')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_notes_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_notes'))
    )
    with op.batch_alter_table('organisation_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_notes_grantor_id'), ['grantor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_notes_organisation_id'), ['organisation_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('organisation_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_notes_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_organisation_notes_grantor_id'))
    op.drop_table('organisation_notes')
    op.execute("DELETE FROM user_roles WHERE role = 'operator'")
    with op.batch_alter_table('user_roles', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_user_roles_role_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_user_roles_role_known'), _roles_check(ROLES_BEFORE))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_grantor_id_grantors'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_users_grantor_id'))
        batch_op.drop_column('grantor_id')
    # one programme a year again: the first grantor's is kept
    op.execute("DELETE FROM programmes WHERE grantor_id <> (SELECT MIN(id) FROM grantors)")
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_programmes_grantor_id_grantors'), type_='foreignkey')
        batch_op.drop_constraint('grantor_year', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_programmes_year'), ['year'])
        batch_op.drop_column('grantor_id')
    for table in ('small_grants', 'initiatives', 'consultations'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_grantor_id_grantors'), type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_grantor_id'))
            batch_op.drop_column('grantor_id')
    with op.batch_alter_table('grantors', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_grantors_host'), type_='unique')
        batch_op.drop_column('host')
        batch_op.drop_column('colour')
        batch_op.drop_column('coat_of_arms_url')
        batch_op.drop_column('teryt')
