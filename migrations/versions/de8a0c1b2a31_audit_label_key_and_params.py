"""audit events name their record by a message key and parameters, worded at display

Revision ID: de8a0c1b2a31
Revises: input8a1
Create Date: 2026-11-29 13:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'de8a0c1b2a31'
down_revision = 'input8a1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('label_key', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('label_params', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('label_params')
        batch_op.drop_column('label_key')
