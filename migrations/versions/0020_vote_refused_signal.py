"""a refused vote undoes its own statement

On PostgreSQL a vote is one statement run on its own (no BEGIN, no COMMIT: see
models/contest_votes.py). When a quota rule refuses it after its counters were raised, the
statement calls contest_vote_refused(), which fails it with SQLSTATE YV001, so that nothing of
it is kept. SQLite casts a vote step by step in a transaction and needs nothing.

Revision ID: 0020
Revises: 0019
"""
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE OR REPLACE FUNCTION contest_vote_refused() RETURNS integer LANGUAGE plpgsql "
                   "VOLATILE AS $$ BEGIN RAISE EXCEPTION 'contest vote refused by a quota rule' "
                   "USING ERRCODE = 'YV001'; END $$")


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS contest_vote_refused()")
