"""filing review history, scale ranges and interacting users

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0012'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('filing_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('comment', sa.String(length=200), nullable=True),
    sa.Column('reviewer', sa.String(length=64), nullable=False),
    sa.Column('decided_at', models.base.UTCDateTime(), nullable=False),
    sa.Column('changed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['filing_items.id'],
                            name=op.f('fk_filing_reviews_item_id_filing_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_filing_reviews'))
    )
    with op.batch_alter_table('filing_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_filing_reviews_item_id'), ['item_id'], unique=False)
    with op.batch_alter_table('filing_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scale_low', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('actual_interactions', sa.Integer(), nullable=True))
    # The decisions made before the history existed become its first entries.
    op.execute(
        "INSERT INTO filing_reviews (item_id, decision, comment, reviewer, decided_at, changed) "
        "SELECT id, review_state, review_reason, COALESCE(reviewed_by, ''), reviewed_at, false "
        "FROM filing_items WHERE review_state <> 'pending' AND reviewed_at IS NOT NULL")


def downgrade() -> None:
    """Revert this revision."""
    # The history goes first: SQLite rebuilds filing_items, which its foreign key refers to.
    with op.batch_alter_table('filing_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_filing_reviews_item_id'))
    op.drop_table('filing_reviews')
    with op.batch_alter_table('filing_items', schema=None) as batch_op:
        batch_op.drop_column('actual_interactions')
        batch_op.drop_column('scale_low')
