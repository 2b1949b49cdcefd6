"""filings and outbox

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_msg_id', sa.String(length=64), nullable=False),
    sa.Column('purpose', sa.String(length=64), nullable=False),
    sa.Column('openid', sa.String(length=64), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error_code', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('next_attempt_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('wx_msgid', sa.String(length=64), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('sent_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('delivered_at', models.base.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('client_msg_id', name=op.f('uq_outbox_client_msg_id'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_openid'), ['openid'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_purpose'), ['purpose'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_wx_msgid'), ['wx_msgid'], unique=False)

    op.create_table('filings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('filed_by', sa.Integer(), nullable=False),
    sa.Column('filed_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('draft_token', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['filed_by'], ['users.id'], name=op.f('fk_filings_filed_by_users')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_filings_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_filings')),
    sa.UniqueConstraint('draft_token', name=op.f('uq_filings_draft_token'))
    )
    with op.batch_alter_table('filings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_filings_org_id'), ['org_id'], unique=False)

    op.create_table('filing_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filing_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('town', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('time_text', sa.String(length=100), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('location', sa.String(length=100), nullable=False),
    sa.Column('scale', sa.Integer(), nullable=False),
    sa.Column('activity_type', sa.String(length=16), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('plan_url', sa.String(length=500), nullable=True),
    sa.Column('intentions', sa.JSON(), nullable=False),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('review_reason', sa.String(length=200), nullable=True),
    sa.Column('reviewed_by', sa.String(length=64), nullable=True),
    sa.Column('reviewed_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('actual_participants', sa.Integer(), nullable=True),
    sa.Column('actual_registrations', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['filing_id'], ['filings.id'], name=op.f('fk_filing_items_filing_id_filings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_filing_items')),
    sa.UniqueConstraint('filing_id', 'seq', name=op.f('uq_filing_items_filing_id_seq'))
    )
    with op.batch_alter_table('filing_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_filing_items_filing_id'), ['filing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_filing_items_review_state'), ['review_state'], unique=False)



def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('filing_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_filing_items_review_state'))
        batch_op.drop_index(batch_op.f('ix_filing_items_filing_id'))

    op.drop_table('filing_items')
    with op.batch_alter_table('filings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_filings_org_id'))

    op.drop_table('filings')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_wx_msgid'))
        batch_op.drop_index(batch_op.f('ix_outbox_status'))
        batch_op.drop_index(batch_op.f('ix_outbox_purpose'))
        batch_op.drop_index(batch_op.f('ix_outbox_openid'))
        batch_op.drop_index(batch_op.f('ix_outbox_next_attempt_at'))

    op.drop_table('outbox')
