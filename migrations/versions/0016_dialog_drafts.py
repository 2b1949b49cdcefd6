"""dialog drafts in SQL

A follower's half-typed conversation (a filing in progress) was kept in Redis only, and a
restart or flush lost it; it is a person's work, so it moves to the database.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('dialog_drafts',
    sa.Column('openid', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('state', sa.JSON(), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['openid'], ['users.openid'], name=op.f('fk_dialog_drafts_openid_users')),
    sa.PrimaryKeyConstraint('openid', name=op.f('pk_dialog_drafts'))
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table('dialog_drafts')
