"""campaign boards and education cadence read kept counts; education counts cadence from a day

Revision ID: camp1c_speed
Revises: camp1b_task_history
Create Date: 2026-11-30 02:00:00

Both tables are derived data (campaigns/counts.py, education/counts.py): filled here from the
records with the same code that keeps them in step afterwards.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'camp1c_speed'
down_revision = 'camp1b_task_history'
branch_labels = None
depends_on = None

MONTHS = tuple(f'm{month}' for month in range(1, 13))


def upgrade():
    op.create_table('campaign_place_count',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('place_key', sa.String(length=30), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('tasks', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_campaign_place_count_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_campaign_place_count_township_id_township')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_campaign_place_count_unit_id_unit')),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_campaign_place_count_village_id_village')),
    sa.PrimaryKeyConstraint('campaign_id', 'place_key', 'due_on', name=op.f('pk_campaign_place_count'))
    )
    with op.batch_alter_table('campaign_place_count', schema=None) as batch_op:
        batch_op.create_index('ix_campaign_place_count_board', ['campaign_id', 'village_id', 'unit_id', 'due_on', 'tasks', 'done', 'township_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_place_count_township_id'), ['township_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_place_count_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_place_count_village_id'), ['village_id'], unique=False)

    op.create_table('education_month_count',
    sa.Column('subject_key', sa.String(length=30), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    *(sa.Column(month, sa.Integer(), nullable=False) for month in MONTHS),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_education_month_count_township_id_township')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_education_month_count_unit_id_unit')),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_education_month_count_village_id_village')),
    sa.PrimaryKeyConstraint('subject_key', 'kind', 'year', name=op.f('pk_education_month_count'))
    )
    with op.batch_alter_table('education_month_count', schema=None) as batch_op:
        batch_op.create_index('ix_education_month_count_township', ['township_id', 'year'], unique=False)
        batch_op.create_index(batch_op.f('ix_education_month_count_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_education_month_count_village_id'), ['village_id'], unique=False)

    with op.batch_alter_table('education_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('count_from', sa.Date(), nullable=True))

    from hygiene.core.derived import fill_after_upgrade

    fill_after_upgrade("campaign_and_education_counts")  # with the code of the release, once the upgrade has run


def downgrade():
    with op.batch_alter_table('education_settings', schema=None) as batch_op:
        batch_op.drop_column('count_from')
    with op.batch_alter_table('education_month_count', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_education_month_count_village_id'))
        batch_op.drop_index(batch_op.f('ix_education_month_count_unit_id'))
        batch_op.drop_index('ix_education_month_count_township')
    op.drop_table('education_month_count')
    with op.batch_alter_table('campaign_place_count', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_place_count_village_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_place_count_unit_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_place_count_township_id'))
        batch_op.drop_index('ix_campaign_place_count_board')
    op.drop_table('campaign_place_count')
