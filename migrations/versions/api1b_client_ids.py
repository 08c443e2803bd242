"""client ids on inspections and photos: a client's retry finds the record it made

Revision ID: api1b_client_ids
Revises: api1a_tokens
Create Date: 2026-11-30 05:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'api1b_client_ids'
down_revision = 'api1a_tokens'
branch_labels = None
depends_on = None


def upgrade():
    # plain ADD COLUMN and a unique index (not batch mode): SQLite's table copy is refused by the
    # foreign keys of the tables pointing at inspections and photos once there are rows
    op.add_column('inspection', sa.Column('client_id', sa.String(length=64), nullable=True))
    op.create_index('ix_inspection_client_id', 'inspection', ['client_id'], unique=True)
    op.add_column('photo', sa.Column('client_id', sa.String(length=64), nullable=True))
    op.create_index('ix_photo_client_id', 'photo', ['client_id'], unique=True)


def downgrade():
    op.drop_index('ix_photo_client_id', table_name='photo')
    op.drop_index('ix_inspection_client_id', table_name='inspection')
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.drop_column('client_id')
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.drop_column('client_id')
