"""binding code target text

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 02:37:39.641372
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('binding_codes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('target_text', sa.String(length=32), nullable=True))



def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('binding_codes', schema=None) as batch_op:
        batch_op.drop_column('target_text')

