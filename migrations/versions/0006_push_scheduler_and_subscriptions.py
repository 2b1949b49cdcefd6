"""push scheduler and subscriptions

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 02:12:47.259449
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('job_runs',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('covered_until', models.base.UTCDateTime(), nullable=False),
    sa.Column('started_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('finished_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('runs', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_runs'))
    )
    op.create_table('push_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('code', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=False),
    sa.Column('halted_until', models.base.UTCDateTime(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_push_alerts')),
    sa.UniqueConstraint('channel', 'code', 'day', name=op.f('uq_push_alerts_channel_code_day'))
    )
    op.create_table('push_recipient_marks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('openid', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('code', sa.Integer(), nullable=False),
    sa.Column('marked_at', models.base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_push_recipient_marks')),
    sa.UniqueConstraint('openid', 'channel', name=op.f('uq_push_recipient_marks_openid_channel'))
    )
    with op.batch_alter_table('push_recipient_marks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_recipient_marks_openid'), ['openid'], unique=False)

    op.create_table('result_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('openid', sa.String(length=64), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_result_subscriptions')),
    sa.UniqueConstraint('openid', 'month', name=op.f('uq_result_subscriptions_openid_month'))
    )
    with op.batch_alter_table('result_subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_result_subscriptions_month'), ['month'], unique=False)

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('claim_token', sa.String(length=32), nullable=True))



def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('claim_token')
        batch_op.drop_column('claimed_at')

    with op.batch_alter_table('result_subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_result_subscriptions_month'))

    op.drop_table('result_subscriptions')
    with op.batch_alter_table('push_recipient_marks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_push_recipient_marks_openid'))

    op.drop_table('push_recipient_marks')
    op.drop_table('push_alerts')
    op.drop_table('job_runs')
