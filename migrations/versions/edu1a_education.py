"""health education: the activity log, the township's cadence targets, photos of activities

Revision ID: edu1a_education
Revises: crea1a_creation
Create Date: 2026-11-29 22:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'edu1a_education'
down_revision = 'crea1a_creation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('education_activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('attendance', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('request_key', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_education_activity_recorded_by_id_user_account')),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_education_activity_township_id_township')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_education_activity_unit_id_unit')),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_education_activity_village_id_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_education_activity')),
    sa.UniqueConstraint('request_key', name=op.f('uq_education_activity_request_key'))
    )
    with op.batch_alter_table('education_activity', schema=None) as batch_op:
        batch_op.create_index('ix_education_activity_cadence', ['township_id', 'held_on', 'village_id', 'unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_education_activity_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_education_activity_village_id'), ['village_id'], unique=False)

    op.create_table('education_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('targets', sa.JSON(), nullable=False),
    sa.Column('remind_days_before', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_education_settings_township_id_township')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_education_settings_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_education_settings')),
    sa.UniqueConstraint('township_id', name=op.f('uq_education_settings_township_id'))
    )

    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.add_column(sa.Column('education_activity_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_photo_education_activity_id'), ['education_activity_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_photo_education_activity_id_education_activity'), 'education_activity', ['education_activity_id'], ['id'])


def downgrade():
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_photo_education_activity_id_education_activity'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_photo_education_activity_id'))
        batch_op.drop_column('education_activity_id')

    op.drop_table('education_settings')
    with op.batch_alter_table('education_activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_education_activity_village_id'))
        batch_op.drop_index(batch_op.f('ix_education_activity_unit_id'))
        batch_op.drop_index('ix_education_activity_cadence')
    op.drop_table('education_activity')
