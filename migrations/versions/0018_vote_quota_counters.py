"""vote quota counters

A vote's quotas are two counter rows raised by upserts (their row locks serialise one voter's
votes) instead of a row lock on the user plus a count of their votes; the count's index on
(user_id, day) goes, and so does the votes' foreign key to the round (every vote locked the
round's row to check it; the entry's key stands for it). The counters start from the votes already cast (valid or void: a voided vote
still used its quota).

Revision ID: 0018
Revises: 0017
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('contest_voter_quota',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('today', sa.Integer(), nullable=False),
    sa.Column('last_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('prev_at', models.base.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_contest_voter_quota'))
    )
    op.create_table('contest_entry_quota',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('today', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('user_id', 'entry_id', name=op.f('pk_contest_entry_quota'))
    )
    op.execute("INSERT INTO contest_voter_quota (user_id, day, today, last_at, prev_at) "
               "SELECT v.user_id, max(v.day), (SELECT count(*) FROM contest_votes w WHERE w.user_id = v.user_id "
               "AND w.day = max(v.day)), max(v.cast_at), NULL FROM contest_votes v GROUP BY v.user_id")
    op.execute("INSERT INTO contest_entry_quota (user_id, entry_id, day, today, total) "
               "SELECT v.user_id, v.entry_id, max(v.day), (SELECT count(*) FROM contest_votes w "
               "WHERE w.user_id = v.user_id AND w.entry_id = v.entry_id AND w.day = max(v.day)), count(*) "
               "FROM contest_votes v GROUP BY v.user_id, v.entry_id")
    with op.batch_alter_table('contest_votes', schema=None) as batch_op:
        batch_op.drop_index('ix_contest_votes_user_day')
        batch_op.drop_constraint('fk_contest_votes_round_id_contest_rounds', type_='foreignkey')


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('contest_votes', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_contest_votes_round_id_contest_rounds', 'contest_rounds',
                                    ['round_id'], ['id'])
        batch_op.create_index('ix_contest_votes_user_day', ['user_id', 'day'], unique=False)
    op.drop_table('contest_entry_quota')
    op.drop_table('contest_voter_quota')
