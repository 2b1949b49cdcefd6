"""accounts and organisations

Revision ID: 0001
Revises: 
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('town', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('name', name=op.f('uq_organisations_name'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('openid', sa.String(length=64), nullable=False),
    sa.Column('subscribed', sa.Boolean(), nullable=False),
    sa.Column('subscribed_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('unsubscribed_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('subscribe_scene', sa.String(length=64), nullable=True),
    sa.Column('last_message_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('openid', name=op.f('uq_users_openid'))
    )
    op.create_table('binding_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('expires_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('used_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('used_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['used_by'], ['users.id'], name=op.f('fk_binding_codes_used_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_binding_codes')),
    sa.UniqueConstraint('code', name=op.f('uq_binding_codes_code'))
    )
    op.create_table('org_admins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_org_admins_org_id_organisations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_org_admins_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_admins')),
    sa.UniqueConstraint('org_id', 'user_id', name=op.f('uq_org_admins_org_id_user_id'))
    )
    op.create_table('supervisors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('town', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_supervisors_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervisors')),
    sa.UniqueConstraint('user_id', 'town', name=op.f('uq_supervisors_user_id_town'))
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table('supervisors')
    op.drop_table('org_admins')
    op.drop_table('binding_codes')
    op.drop_table('users')
    op.drop_table('organisations')
