"""letter targets keep their latest measure (measured, measured_at): the assessment board reads them

Revision ID: letter1c_measured
Revises: pub1a_rendered
Create Date: 2026-11-30 02:45:00

Derived data (letters/measure.py): filled here for every open letter with the same code that the
`letters_measure` job runs afterwards.
"""
from alembic import op
import sqlalchemy as sa

from hygiene.clock import UTCDateTime


# revision identifiers, used by Alembic.
revision = 'letter1c_measured'
down_revision = 'pub1a_rendered'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('letter_target', schema=None) as batch_op:
        batch_op.add_column(sa.Column('measured', sa.Numeric(precision=12, scale=2), nullable=True))
        batch_op.add_column(sa.Column('measured_at', UTCDateTime(), nullable=True))

    from hygiene.core.derived import fill_after_upgrade

    fill_after_upgrade("letter_measures")  # with the code of the release, once the upgrade has run


def downgrade():
    with op.batch_alter_table('letter_target', schema=None) as batch_op:
        batch_op.drop_column('measured_at')
        batch_op.drop_column('measured')
