"""pest control: totals kept on each round target, and the month counts of the level charts

Revision ID: pest1e_totals
Revises: toil1a_renovation
Create Date: 2026-11-29 22:30:00

Both are derived data (rounds/totals.py, monitoring/rollup.py): filled here from the records
with the same code that keeps them in step afterwards.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'pest1e_totals'
down_revision = 'toil1a_renovation'
branch_labels = None
depends_on = None

TOTALS = ('households_covered', 'area_covered', 'works', 'mop_ups', 'open_refusals', 'last_done_on')


def upgrade():
    with op.batch_alter_table('pest_round_target', schema=None) as batch_op:
        batch_op.add_column(sa.Column('households_covered', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('area_covered', sa.Numeric(precision=14, scale=2), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('works', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('mop_ups', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('open_refusals', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('last_done_on', sa.Date(), nullable=True))
    op.create_table('monitoring_month_count',
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('pest', sa.String(length=16), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('total', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_monitoring_month_count_township_id_township')),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_monitoring_month_count_village_id_village')),
    sa.PrimaryKeyConstraint('township_id', 'village_id', 'pest', 'month', 'field', name=op.f('pk_monitoring_month_count'))
    )
    with op.batch_alter_table('monitoring_month_count', schema=None) as batch_op:
        batch_op.create_index('ix_monitoring_month_count_township', ['township_id', 'month'], unique=False)

    from hygiene.core.derived import fill_after_upgrade

    fill_after_upgrade("pest_totals")  # with the code of the release, once the upgrade has run


def downgrade():
    with op.batch_alter_table('monitoring_month_count', schema=None) as batch_op:
        batch_op.drop_index('ix_monitoring_month_count_township')
    op.drop_table('monitoring_month_count')
    with op.batch_alter_table('pest_round_target', schema=None) as batch_op:
        for column in reversed(TOTALS):
            batch_op.drop_column(column)
