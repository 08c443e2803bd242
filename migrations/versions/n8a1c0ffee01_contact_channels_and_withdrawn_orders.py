"""contact channels of users, withdrawn rectification orders

Revision ID: n8a1c0ffee01
Revises: time8a1c0d2e
Create Date: 2026-11-29 13:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'n8a1c0ffee01'
down_revision = 'time8a1c0d2e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notify_by_email', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('notify_by_sms', sa.Boolean(), server_default=sa.true(), nullable=False))

    with op.batch_alter_table('rectification_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_reason', sa.Text(), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('rectification_order', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_reason')
        batch_op.drop_column('withdrawn_at')

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('notify_by_sms')
        batch_op.drop_column('notify_by_email')
