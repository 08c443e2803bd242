"""campaign tasks keep each completion the office sent back (history)

Revision ID: camp1b_task_history
Revises: camp1a_campaigns
Create Date: 2026-11-29 23:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'camp1b_task_history'
down_revision = 'camp1a_campaigns'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('campaign_task', sa.Column('history', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('campaign_task') as batch_op:
        batch_op.drop_column('history')
