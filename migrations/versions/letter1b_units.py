"""target letters for units: a letter's subject is a village or a unit (subject_key, unit_id)

Revision ID: letter1b_units
Revises: camp1c_speed
Create Date: 2026-11-30 01:45:00

"""
from alembic import op
import sqlalchemy as sa

from hygiene.clock import UTCDateTime


# revision identifiers, used by Alembic.
revision = 'letter1b_units'
down_revision = 'camp1c_speed'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('target_letter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('subject_key', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('acknowledged_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('acknowledged_by_id', sa.Integer(), nullable=True))
    # every letter so far is a village's own
    op.execute("UPDATE target_letter SET subject_key = 'village:' || CAST(village_id AS VARCHAR(12))")
    with op.batch_alter_table('target_letter', schema=None) as batch_op:
        batch_op.alter_column('subject_key', existing_type=sa.String(length=24), nullable=False)
        batch_op.drop_constraint('uq_target_letter_village_id', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_target_letter_subject_key'), ['subject_key', 'year'])
        batch_op.create_index(batch_op.f('ix_target_letter_unit_id'), ['unit_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_target_letter_unit_id_unit'), 'unit', ['unit_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_target_letter_acknowledged_by_id_user_account'), 'user_account',
                                    ['acknowledged_by_id'], ['id'])
    with op.batch_alter_table('letter_target', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_letter_target_unit_id'), ['unit_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_letter_target_unit_id_unit'), 'unit', ['unit_id'], ['id'])


def downgrade():
    op.execute("DELETE FROM letter_target WHERE unit_id IS NOT NULL")
    op.execute("UPDATE photo SET letter_id = NULL WHERE letter_id IN "
               "(SELECT id FROM target_letter WHERE unit_id IS NOT NULL)")
    op.execute("DELETE FROM target_letter WHERE unit_id IS NOT NULL")
    with op.batch_alter_table('letter_target', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_letter_target_unit_id_unit'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_letter_target_unit_id'))
        batch_op.drop_column('unit_id')
    with op.batch_alter_table('target_letter', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_target_letter_unit_id_unit'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_target_letter_acknowledged_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('acknowledged_by_id')
        batch_op.drop_column('acknowledged_at')
        batch_op.drop_index(batch_op.f('ix_target_letter_unit_id'))
        batch_op.drop_constraint(batch_op.f('uq_target_letter_subject_key'), type_='unique')
        batch_op.create_unique_constraint('uq_target_letter_village_id', ['village_id', 'year'])
        batch_op.drop_column('subject_key')
        batch_op.drop_column('unit_id')
