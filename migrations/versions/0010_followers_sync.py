"""followers sync: the pass's cursor, the QR scene string, the pass that last listed a follower

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('follower_syncs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('finished_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('next_openid', sa.String(length=64), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('listed', sa.Integer(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('unfollowed', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follower_syncs'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('qr_scene_str', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('listed_in_sync', sa.Integer(), nullable=True))
    # Until now subscribe_scene held the raw scene of a QR follow; it now holds WeChat's
    # subscribe_scene and the raw scene moves to qr_scene_str.
    op.execute("UPDATE users SET qr_scene_str = subscribe_scene, subscribe_scene = 'ADD_SCENE_QR_CODE' "
               "WHERE subscribe_scene IS NOT NULL")


def downgrade() -> None:
    """Revert this revision."""
    op.execute("UPDATE users SET subscribe_scene = qr_scene_str WHERE qr_scene_str IS NOT NULL")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('listed_in_sync')
        batch_op.drop_column('qr_scene_str')
    op.drop_table('follower_syncs')
