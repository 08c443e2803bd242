"""pest control: the office's reminder settings (spray cadence, days before a round's end)

Revision ID: pest1d_settings
Revises: pest1c_rounds
Create Date: 2026-11-29 19:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'pest1d_settings'
down_revision = 'pest1c_rounds'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pest_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('spray_months', sa.JSON(), nullable=False),
    sa.Column('spray_every_days_min', sa.Integer(), nullable=False),
    sa.Column('spray_every_days_max', sa.Integer(), nullable=False),
    sa.Column('days_before_end', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_pest_settings_township_id_township')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_pest_settings_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pest_settings')),
    sa.UniqueConstraint('township_id', name=op.f('uq_pest_settings_township_id'))
    )


def downgrade():
    op.drop_table('pest_settings')
