"""the activity loop: published activities, registrations, ratings, remembered details

Revision ID: 0015
Revises: 0012
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0015'
down_revision = '0012'
branch_labels = None
depends_on = None

UTC = models.base.UTCDateTime


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('deadline', UTC(), nullable=False),
    sa.Column('starts_at', UTC(), nullable=False),
    sa.Column('ends_at', UTC(), nullable=False),
    sa.Column('walk_ins', sa.Boolean(), nullable=False),
    sa.Column('checkout', sa.Boolean(), nullable=False),
    sa.Column('checkin_scene', sa.String(length=32), nullable=False),
    sa.Column('checkout_scene', sa.String(length=32), nullable=False),
    sa.Column('next_ticket', sa.Integer(), nullable=False),
    sa.Column('published_at', UTC(), nullable=False),
    sa.Column('published_by', sa.String(length=64), nullable=False),
    sa.Column('invited_at', UTC(), nullable=True),
    sa.Column('erased_at', UTC(), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['filing_items.id'], name=op.f('fk_activities_item_id_filing_items')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_activities_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activities')),
    sa.UniqueConstraint('item_id', name=op.f('uq_activities_item_id')),
    sa.UniqueConstraint('checkin_scene', name=op.f('uq_activities_checkin_scene')),
    sa.UniqueConstraint('checkout_scene', name=op.f('uq_activities_checkout_scene')),
    )
    op.create_index(op.f('ix_activities_org_id'), 'activities', ['org_id'], unique=False)
    op.create_table('activity_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('mobile', sa.String(length=11), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('ticket', sa.Integer(), nullable=False),
    sa.Column('registered_at', UTC(), nullable=False),
    sa.Column('cancelled_at', UTC(), nullable=True),
    sa.Column('promoted_at', UTC(), nullable=True),
    sa.Column('checked_in_at', UTC(), nullable=True),
    sa.Column('checked_out_at', UTC(), nullable=True),
    sa.Column('reminded_at', UTC(), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_activity_registrations_activity_id_activities')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_activity_registrations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_registrations')),
    sa.UniqueConstraint('activity_id', 'user_id', name=op.f('uq_activity_registrations_activity_id_user_id')),
    )
    op.create_index(op.f('ix_activity_registrations_activity_id'), 'activity_registrations', ['activity_id'], unique=False)
    op.create_index(op.f('ix_activity_registrations_user_id'), 'activity_registrations', ['user_id'], unique=False)
    op.create_index(op.f('ix_activity_registrations_state'), 'activity_registrations', ['state'], unique=False)
    op.create_table('activity_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.String(length=500), nullable=True),
    sa.Column('rated_at', UTC(), nullable=False),
    sa.Column('hidden_at', UTC(), nullable=True),
    sa.Column('hidden_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_activity_ratings_activity_id_activities')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_activity_ratings_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_ratings')),
    sa.UniqueConstraint('activity_id', 'user_id', name=op.f('uq_activity_ratings_activity_id_user_id')),
    )
    op.create_index(op.f('ix_activity_ratings_activity_id'), 'activity_ratings', ['activity_id'], unique=False)
    op.create_table('activity_participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('mobile', sa.String(length=11), nullable=True),
    sa.Column('updated_at', UTC(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_activity_participants_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_participants')),
    sa.UniqueConstraint('user_id', name=op.f('uq_activity_participants_user_id')),
    )
    op.create_table('activity_pending',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=True),
    sa.Column('mobile', sa.String(length=11), nullable=True),
    sa.Column('updated_at', UTC(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_activity_pending_activity_id_activities')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_activity_pending_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_pending')),
    sa.UniqueConstraint('user_id', name=op.f('uq_activity_pending_user_id')),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table('activity_pending')
    op.drop_table('activity_participants')
    op.drop_index(op.f('ix_activity_ratings_activity_id'), table_name='activity_ratings')
    op.drop_table('activity_ratings')
    op.drop_index(op.f('ix_activity_registrations_state'), table_name='activity_registrations')
    op.drop_index(op.f('ix_activity_registrations_user_id'), table_name='activity_registrations')
    op.drop_index(op.f('ix_activity_registrations_activity_id'), table_name='activity_registrations')
    op.drop_table('activity_registrations')
    op.drop_index(op.f('ix_activities_org_id'), table_name='activities')
    op.drop_table('activities')
