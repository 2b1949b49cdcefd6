"""contest rounds, entries, votes, blacklist, log

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-25 02:14:38.685998
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0004'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('contest_blacklist',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('openid', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('added_by', sa.String(length=64), nullable=False),
    sa.Column('added_at', models.base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_blacklist')),
    sa.UniqueConstraint('openid', name=op.f('uq_contest_blacklist_openid'))
    )
    op.create_table('contest_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('opens_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('closes_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('shortlisted_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('closed_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('announced_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('frozen_path', sa.String(length=300), nullable=True),
    sa.Column('frozen_sha256', sa.String(length=64), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_rounds')),
    sa.UniqueConstraint('month', name=op.f('uq_contest_rounds_month'))
    )
    op.create_table('contest_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('at', models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['contest_rounds.id'], name=op.f('fk_contest_log_round_id_contest_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_log'))
    )
    with op.batch_alter_table('contest_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_log_round_id'), ['round_id'], unique=False)

    op.create_table('contest_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('judge_score', sa.Float(), nullable=True),
    sa.Column('flagged_at', models.base.UTCDateTime(), nullable=True),
    sa.Column('flag_reason', sa.String(length=200), nullable=True),
    sa.Column('final_votes', sa.Integer(), nullable=True),
    sa.Column('final_score', sa.Float(), nullable=True),
    sa.Column('final_rank', sa.Integer(), nullable=True),
    sa.Column('winner', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['filing_items.id'], name=op.f('fk_contest_entries_item_id_filing_items')),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_contest_entries_org_id_organisations')),
    sa.ForeignKeyConstraint(['round_id'], ['contest_rounds.id'], name=op.f('fk_contest_entries_round_id_contest_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_entries')),
    sa.UniqueConstraint('round_id', 'item_id', name=op.f('uq_contest_entries_round_id_item_id')),
    sa.UniqueConstraint('round_id', 'number', name=op.f('uq_contest_entries_round_id_number'))
    )
    with op.batch_alter_table('contest_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_entries_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contest_entries_round_id'), ['round_id'], unique=False)

    op.create_table('contest_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('openid', sa.String(length=64), nullable=False),
    sa.Column('cast_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('void_reason', sa.String(length=200), nullable=True),
    sa.Column('voided_by', sa.String(length=64), nullable=True),
    sa.Column('voided_at', models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['contest_entries.id'], name=op.f('fk_contest_votes_entry_id_contest_entries')),
    sa.ForeignKeyConstraint(['round_id'], ['contest_rounds.id'], name=op.f('fk_contest_votes_round_id_contest_rounds')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_contest_votes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_votes'))
    )
    with op.batch_alter_table('contest_votes', schema=None) as batch_op:
        batch_op.create_index('ix_contest_votes_entry_status', ['entry_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_contest_votes_openid'), ['openid'], unique=False)
        batch_op.create_index('ix_contest_votes_round_status', ['round_id', 'status'], unique=False)
        batch_op.create_index('ix_contest_votes_user_day', ['user_id', 'day'], unique=False)



def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('contest_votes', schema=None) as batch_op:
        batch_op.drop_index('ix_contest_votes_user_day')
        batch_op.drop_index('ix_contest_votes_round_status')
        batch_op.drop_index(batch_op.f('ix_contest_votes_openid'))
        batch_op.drop_index('ix_contest_votes_entry_status')

    op.drop_table('contest_votes')
    with op.batch_alter_table('contest_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_entries_round_id'))
        batch_op.drop_index(batch_op.f('ix_contest_entries_org_id'))

    op.drop_table('contest_entries')
    with op.batch_alter_table('contest_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_log_round_id'))

    op.drop_table('contest_log')
    op.drop_table('contest_rounds')
    op.drop_table('contest_blacklist')
