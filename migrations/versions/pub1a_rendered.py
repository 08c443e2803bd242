"""public pages kept as rendered bytes, shared by every process; indexes for the office's lists

Revision ID: pub1a_rendered
Revises: letter1b_units
Create Date: 2026-11-30 01:45:00

"""
from alembic import op
import sqlalchemy as sa

from hygiene.clock import UTCDateTime


# revision identifiers, used by Alembic.
revision = 'pub1a_rendered'
down_revision = 'letter1b_units'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'public_page',
        sa.Column('path', sa.String(length=300), nullable=False),
        sa.Column('locale', sa.String(length=8), nullable=False),
        sa.Column('township_id', sa.Integer(), nullable=True),
        sa.Column('generation', sa.Integer(), nullable=False),
        sa.Column('body', sa.LargeBinary(), nullable=False),
        sa.Column('rendered_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_public_page_township_id_township'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('path', 'locale', name=op.f('pk_public_page')),
    )
    op.create_index(op.f('ix_public_page_township_id'), 'public_page', ['township_id'], unique=False)
    # the order list sorts open orders first: its first page comes from this index (bench/dashboard.py)
    op.create_index('ix_rectification_order_list', 'rectification_order',
                    [sa.text("(status IN ('issued', 'evidence_submitted')) DESC"), 'deadline', 'id'])


def downgrade():
    op.drop_index('ix_rectification_order_list', table_name='rectification_order')
    op.drop_index(op.f('ix_public_page_township_id'), table_name='public_page')
    op.drop_table('public_page')
