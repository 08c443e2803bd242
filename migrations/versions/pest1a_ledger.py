"""the supplies ledger: pest_product, supply_movement

Revision ID: pest1a_ledger
Revises: exp9a1
Create Date: 2026-11-29 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'pest1a_ledger'
down_revision = 'exp9a1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'pest_product',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('township_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('active_ingredient', sa.String(length=200), nullable=False),
        sa.Column('registration_number', sa.String(length=40), nullable=False),
        sa.Column('form', sa.String(length=30), nullable=False),
        sa.Column('unit', sa.String(length=10), nullable=False),
        sa.Column('expiry', sa.Date(), nullable=True),
        sa.Column('minimum_stock', sa.Numeric(18, 3), nullable=False),
        sa.Column('stock', sa.Numeric(18, 3), nullable=False),
        sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['township_id'], ['township.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_pest_product_township_id'), 'pest_product', ['township_id'], unique=False)
    op.create_table(
        'supply_movement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('product_id', sa.Integer(), nullable=False),
        sa.Column('township_id', sa.Integer(), nullable=False),
        sa.Column('village_id', sa.Integer(), nullable=True),
        sa.Column('unit_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('quantity', sa.Numeric(18, 3), nullable=False),
        sa.Column('moved_on', sa.Date(), nullable=False),
        sa.Column('taker_name', sa.String(length=40), nullable=False),
        sa.Column('signature', sa.String(length=40), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.String(length=200), nullable=False),
        sa.Column('form_key', sa.String(length=64), nullable=True),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['user_account.id']),
        sa.ForeignKeyConstraint(['product_id'], ['pest_product.id']),
        sa.ForeignKeyConstraint(['township_id'], ['township.id']),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id']),
        sa.ForeignKeyConstraint(['village_id'], ['village.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('form_key'),
    )
    for column in ('product_id', 'township_id', 'village_id', 'unit_id'):
        op.create_index(op.f(f'ix_supply_movement_{column}'), 'supply_movement', [column], unique=False)


def downgrade():
    for column in ('product_id', 'township_id', 'village_id', 'unit_id'):
        op.drop_index(op.f(f'ix_supply_movement_{column}'), table_name='supply_movement')
    op.drop_table('supply_movement')
    op.drop_index(op.f('ix_pest_product_township_id'), table_name='pest_product')
    op.drop_table('pest_product')
