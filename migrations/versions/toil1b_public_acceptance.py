"""toilet follow-up problems keep the fixes that did not hold (past_fixes)

A public toilet project's acceptance became an inspection with the public toilet checklist; that
needed no column (acceptance_inspection_id was there). A reopened problem now keeps its previous
fix as history instead of showing it above the new fix's form.

Revision ID: toil1b_public_acceptance
Revises: food1a_registers
Create Date: 2026-11-29 22:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'toil1b_public_acceptance'
down_revision = 'food1a_registers'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('toilet_problem', schema=None) as batch_op:
        batch_op.add_column(sa.Column('past_fixes', sa.JSON(), nullable=False, server_default='[]'))


def downgrade():
    with op.batch_alter_table('toilet_problem', schema=None) as batch_op:
        batch_op.drop_column('past_fixes')
