"""pest control: monitoring_record

Revision ID: pest1b_monitoring
Revises: pest1a_ledger
Create Date: 2026-11-29 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'pest1b_monitoring'
down_revision = 'pest1a_ledger'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'monitoring_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('township_id', sa.Integer(), nullable=False),
        sa.Column('village_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=True),
        sa.Column('pest', sa.String(length=16), nullable=False),
        sa.Column('method', sa.String(length=40), nullable=False),
        sa.Column('surveyed_on', sa.Date(), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.Column('note', sa.Text(), server_default='', nullable=False),
        sa.Column('entered_by_id', sa.Integer(), nullable=True),
        sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('request_key', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(['entered_by_id'], ['user_account.id']),
        sa.ForeignKeyConstraint(['township_id'], ['township.id']),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id']),
        sa.ForeignKeyConstraint(['village_id'], ['village.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('request_key'),
    )
    with op.batch_alter_table('monitoring_record') as batch_op:
        batch_op.create_index('ix_monitoring_record_township_id', ['township_id'])
        batch_op.create_index('ix_monitoring_record_village_id', ['village_id'])
        batch_op.create_index('ix_monitoring_record_unit_id', ['unit_id'])
        batch_op.create_index('ix_monitoring_record_latest', ['township_id', 'pest', 'village_id', 'surveyed_on'])


def downgrade():
    op.drop_table('monitoring_record')
