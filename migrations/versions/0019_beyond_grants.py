"""education, mutual services and partnerships with business (issue 17)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 13:56:34.351400
"""
from alembic import op
import sqlalchemy as sa
import grants.core.types


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('consultation_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('host_id', sa.Integer(), nullable=False),
    sa.Column('host_name', sa.String(length=255), nullable=False),
    sa.Column('topic', sa.String(length=255), nullable=False),
    sa.Column('district', sa.String(length=10), nullable=True),
    sa.Column('place', sa.String(length=255), nullable=False),
    sa.Column('online_url', sa.String(length=500), nullable=True),
    sa.Column('starts_at', grants.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', grants.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('booked_by_id', sa.Integer(), nullable=True),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('booked_at', grants.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', grants.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('next_check_at', grants.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state IN ('open', 'booked', 'held', 'withdrawn')", name=op.f('ck_consultation_slots_state_valid')),
    sa.ForeignKeyConstraint(['booked_by_id'], ['users.id'], name=op.f('fk_consultation_slots_booked_by_id_users')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_consultation_slots_department_id_departments')),
    sa.ForeignKeyConstraint(['host_id'], ['users.id'], name=op.f('fk_consultation_slots_host_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_consultation_slots_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_slots'))
    )
    with op.batch_alter_table('consultation_slots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_slots_next_check_at'), ['next_check_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_slots_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_slots_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_slots_state'), ['state'], unique=False)

    op.create_table('education_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('organiser_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('district', sa.String(length=10), nullable=True),
    sa.Column('place', sa.String(length=255), nullable=False),
    sa.Column('online_url', sa.String(length=500), nullable=True),
    sa.Column('starts_at', grants.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', grants.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('created_at', grants.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('next_check_at', grants.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state IN ('draft', 'published', 'held', 'cancelled')", name=op.f('ck_education_events_state_valid')),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_education_events_capacity_positive')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_education_events_department_id_departments')),
    sa.ForeignKeyConstraint(['organiser_id'], ['users.id'], name=op.f('fk_education_events_organiser_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_education_events'))
    )
    with op.batch_alter_table('education_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_education_events_next_check_at'), ['next_check_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_education_events_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_education_events_state'), ['state'], unique=False)

    op.create_table('partnership_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('kinds', sa.JSON(), nullable=False),
    sa.Column('audiences', sa.JSON(), nullable=False),
    sa.Column('seeks', sa.JSON(), nullable=False),
    sa.Column('seeks_note', sa.Text(), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=True),
    sa.Column('district', sa.String(length=10), nullable=True),
    sa.Column('contact_email', sa.String(length=255), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=False),
    sa.Column('created_at', grants.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('next_check_at', grants.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state IN ('draft', 'published', 'paused', 'archived')", name=op.f('ck_partnership_offers_state_valid')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_partnership_offers_author_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_partnership_offers_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnership_offers'))
    )
    with op.batch_alter_table('partnership_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnership_offers_next_check_at'), ['next_check_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnership_offers_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnership_offers_state'), ['state'], unique=False)

    op.create_table('service_listings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=True),
    sa.Column('district', sa.String(length=10), nullable=True),
    sa.Column('contact_name', sa.String(length=255), nullable=False),
    sa.Column('contact_email', sa.String(length=255), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=False),
    sa.Column('created_at', grants.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('next_check_at', grants.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('offer', 'request')", name=op.f('ck_service_listings_kind_valid')),
    sa.CheckConstraint("state IN ('published', 'paused', 'closed')", name=op.f('ck_service_listings_state_valid')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_service_listings_author_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_service_listings_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_listings'))
    )
    with op.batch_alter_table('service_listings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_listings_next_check_at'), ['next_check_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_listings_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_listings_state'), ['state'], unique=False)

    op.create_table('event_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('registered_at', grants.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('promoted_at', grants.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reminded_at', grants.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('next_check_at', grants.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state IN ('registered', 'waitlisted', 'cancelled', 'attended', 'absent')", name=op.f('ck_event_registrations_state_valid')),
    sa.ForeignKeyConstraint(['event_id'], ['education_events.id'], name=op.f('fk_event_registrations_event_id_education_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_event_registrations_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_event_registrations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_registrations'))
    )
    with op.batch_alter_table('event_registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_registrations_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_registrations_next_check_at'), ['next_check_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_registrations_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_registrations_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_event_registration_active', ['event_id', 'user_id'], unique=True, postgresql_where=sa.text("state IN ('registered', 'waitlisted')"), sqlite_where=sa.text("state IN ('registered', 'waitlisted')"))

    op.create_table('partnership_interests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('company', sa.String(length=255), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('contact_email', sa.String(length=255), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=False),
    sa.Column('created_at', grants.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('org_consent_at', grants.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('business_consent_at', grants.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('started_at', grants.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('next_check_at', grants.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state IN ('sent', 'answered', 'org_consented', 'business_consented', 'connected', 'started', 'declined', 'withdrawn')", name=op.f('ck_partnership_interests_state_valid')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_partnership_interests_author_id_users')),
    sa.ForeignKeyConstraint(['offer_id'], ['partnership_offers.id'], name=op.f('fk_partnership_interests_offer_id_partnership_offers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnership_interests'))
    )
    with op.batch_alter_table('partnership_interests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnership_interests_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnership_interests_next_check_at'), ['next_check_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnership_interests_offer_id'), ['offer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnership_interests_state'), ['state'], unique=False)

    op.create_table('service_exchanges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('responder_org_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('suggested_by_id', sa.Integer(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_at', grants.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('agreed_at', grants.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('completed_at', grants.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('owner_rating', sa.Integer(), nullable=True),
    sa.Column('owner_comment', sa.Text(), nullable=False),
    sa.Column('responder_rating', sa.Integer(), nullable=True),
    sa.Column('responder_comment', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('next_check_at', grants.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state IN ('suggested', 'proposed', 'agreed', 'completed', 'declined', 'cancelled')", name=op.f('ck_service_exchanges_state_valid')),
    sa.CheckConstraint('owner_rating IS NULL OR owner_rating BETWEEN 1 AND 5', name=op.f('ck_service_exchanges_owner_rating_range')),
    sa.CheckConstraint('responder_rating IS NULL OR responder_rating BETWEEN 1 AND 5', name=op.f('ck_service_exchanges_responder_rating_range')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_service_exchanges_author_id_users')),
    sa.ForeignKeyConstraint(['listing_id'], ['service_listings.id'], name=op.f('fk_service_exchanges_listing_id_service_listings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['responder_org_id'], ['organisations.id'], name=op.f('fk_service_exchanges_responder_org_id_organisations')),
    sa.ForeignKeyConstraint(['suggested_by_id'], ['users.id'], name=op.f('fk_service_exchanges_suggested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_exchanges'))
    )
    with op.batch_alter_table('service_exchanges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_exchanges_listing_id'), ['listing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_exchanges_next_check_at'), ['next_check_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_exchanges_responder_org_id'), ['responder_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_exchanges_state'), ['state'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('service_exchanges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_exchanges_state'))
        batch_op.drop_index(batch_op.f('ix_service_exchanges_responder_org_id'))
        batch_op.drop_index(batch_op.f('ix_service_exchanges_next_check_at'))
        batch_op.drop_index(batch_op.f('ix_service_exchanges_listing_id'))

    op.drop_table('service_exchanges')
    with op.batch_alter_table('partnership_interests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnership_interests_state'))
        batch_op.drop_index(batch_op.f('ix_partnership_interests_offer_id'))
        batch_op.drop_index(batch_op.f('ix_partnership_interests_next_check_at'))
        batch_op.drop_index(batch_op.f('ix_partnership_interests_author_id'))

    op.drop_table('partnership_interests')
    with op.batch_alter_table('event_registrations', schema=None) as batch_op:
        batch_op.drop_index('uq_event_registration_active', postgresql_where=sa.text("state IN ('registered', 'waitlisted')"), sqlite_where=sa.text("state IN ('registered', 'waitlisted')"))
        batch_op.drop_index(batch_op.f('ix_event_registrations_user_id'))
        batch_op.drop_index(batch_op.f('ix_event_registrations_state'))
        batch_op.drop_index(batch_op.f('ix_event_registrations_next_check_at'))
        batch_op.drop_index(batch_op.f('ix_event_registrations_event_id'))

    op.drop_table('event_registrations')
    with op.batch_alter_table('service_listings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_listings_state'))
        batch_op.drop_index(batch_op.f('ix_service_listings_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_service_listings_next_check_at'))

    op.drop_table('service_listings')
    with op.batch_alter_table('partnership_offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnership_offers_state'))
        batch_op.drop_index(batch_op.f('ix_partnership_offers_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_partnership_offers_next_check_at'))

    op.drop_table('partnership_offers')
    with op.batch_alter_table('education_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_education_events_state'))
        batch_op.drop_index(batch_op.f('ix_education_events_starts_at'))
        batch_op.drop_index(batch_op.f('ix_education_events_next_check_at'))

    op.drop_table('education_events')
    with op.batch_alter_table('consultation_slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_slots_state'))
        batch_op.drop_index(batch_op.f('ix_consultation_slots_starts_at'))
        batch_op.drop_index(batch_op.f('ix_consultation_slots_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_consultation_slots_next_check_at'))

    op.drop_table('consultation_slots')
