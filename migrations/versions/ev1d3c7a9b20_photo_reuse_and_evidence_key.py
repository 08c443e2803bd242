"""photo reuse links and the once-only key of reported fixes

Revision ID: ev1d3c7a9b20
Revises: 11b3ceb8242b
Create Date: 2026-11-29 13:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ev1d3c7a9b20'
down_revision = '11b3ceb8242b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reuse_of', sa.JSON(), nullable=False, server_default='[]'))

    with op.batch_alter_table('rectification_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence_key', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('rectification_order', schema=None) as batch_op:
        batch_op.drop_column('evidence_key')

    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.drop_column('reuse_of')
