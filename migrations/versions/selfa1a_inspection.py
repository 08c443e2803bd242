"""the self-assessment of a creation application is an inspection filled by the applicant's contact

Revision ID: selfa1a_inspection
Revises: letter1c_measured
Create Date: 2026-11-30 03:10:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'selfa1a_inspection'
down_revision = 'letter1c_measured'
branch_labels = None
depends_on = None


def upgrade():
    # a plain ADD COLUMN: SQLite's batch mode would copy the table and drop the old one, which the
    # foreign keys of every table pointing at inspections forbid once there are rows
    op.add_column('inspection', sa.Column('self_assessment', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('creation_application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('self_inspection_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_creation_application_self_inspection_id'),
                                          ['self_inspection_id'])
        batch_op.create_foreign_key(batch_op.f('fk_creation_application_self_inspection_id_inspection'),
                                    'inspection', ['self_inspection_id'], ['id'])


def downgrade():
    with op.batch_alter_table('creation_application', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_creation_application_self_inspection_id_inspection'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_creation_application_self_inspection_id'), type_='unique')
        batch_op.drop_column('self_inspection_id')
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.drop_column('self_assessment')
