"""experts

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 02:13:49.366028
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('expert_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('done_at', models.base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_periods')),
    sa.UniqueConstraint('period', name=op.f('uq_expert_periods_period'))
    )
    op.create_table('experts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('field', sa.String(length=16), nullable=False),
    sa.Column('platform_id', sa.String(length=64), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_experts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_experts')),
    sa.UniqueConstraint('name', name=op.f('uq_experts_name')),
    sa.UniqueConstraint('platform_id', name=op.f('uq_experts_platform_id')),
    sa.UniqueConstraint('user_id', name=op.f('uq_experts_user_id'))
    )
    op.create_table('expert_months',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('answers', sa.Integer(), nullable=False),
    sa.Column('interacted', sa.Integer(), nullable=False),
    sa.Column('questions', sa.Integer(), nullable=True),
    sa.Column('likes', sa.Integer(), nullable=True),
    sa.Column('imported_at', models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_expert_months_expert_id_experts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_months')),
    sa.UniqueConstraint('expert_id', 'month', name=op.f('uq_expert_months_expert_id_month'))
    )
    with op.batch_alter_table('expert_months', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_months_expert_id'), ['expert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_months_month'), ['month'], unique=False)



def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('expert_months', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_months_month'))
        batch_op.drop_index(batch_op.f('ix_expert_months_expert_id'))

    op.drop_table('expert_months')
    op.drop_table('experts')
    op.drop_table('expert_periods')
