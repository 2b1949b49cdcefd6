"""manual corrections of actual numbers as a log; the log of hidden comments

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

import models.base
from core.texts import t

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

UTC = models.base.UTCDateTime
FIGURES = ("participants", "registrations", "interactions")


def upgrade() -> None:
    """Apply this revision; figures typed before the log existed become its first entries."""
    corrections = op.create_table('actual_corrections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('figure', sa.String(length=16), nullable=False),
    sa.Column('before', sa.Integer(), nullable=True),
    sa.Column('after', sa.Integer(), nullable=True),
    sa.Column('loop', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('by', sa.String(length=64), nullable=False),
    sa.Column('at', UTC(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['filing_items.id'], name=op.f('fk_actual_corrections_item_id_filing_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actual_corrections'))
    )
    op.create_index(op.f('ix_actual_corrections_item_id'), 'actual_corrections', ['item_id'], unique=False)
    op.create_table('activity_comment_hides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rating_id', sa.Integer(), nullable=False),
    sa.Column('comment', sa.String(length=500), nullable=False),
    sa.Column('hidden_by', sa.String(length=64), nullable=False),
    sa.Column('hidden_at', UTC(), nullable=False),
    sa.ForeignKeyConstraint(['rating_id'], ['activity_ratings.id'], name=op.f('fk_activity_comment_hides_rating_id_activity_ratings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_comment_hides'))
    )
    op.create_index(op.f('ix_activity_comment_hides_rating_id'), 'activity_comment_hides', ['rating_id'], unique=False)
    _backfill(corrections)


def _backfill(corrections: sa.Table) -> None:
    """One log row per figure already typed by hand, so every standing correction is visible."""
    bind = op.get_bind()
    items = sa.table('filing_items', sa.column('id'), *(sa.column(f'actual_{f}') for f in FIGURES))
    now = models.base.utcnow()
    rows = []
    for row in bind.execute(sa.select(items)).mappings():
        for figure in FIGURES:
            value = row[f'actual_{figure}']
            if value is not None:
                rows.append({'item_id': row['id'], 'figure': figure, 'before': None, 'after': value,
                             'loop': None, 'reason': t('activities.correction.legacy_reason'), 'by': '-',
                             'at': now})
    if rows:
        op.bulk_insert(corrections, rows)


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(op.f('ix_activity_comment_hides_rating_id'), table_name='activity_comment_hides')
    op.drop_table('activity_comment_hides')
    op.drop_index(op.f('ix_actual_corrections_item_id'), table_name='actual_corrections')
    op.drop_table('actual_corrections')
