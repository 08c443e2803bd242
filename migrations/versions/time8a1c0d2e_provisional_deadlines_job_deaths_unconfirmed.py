"""provisional deadlines, died job runs, unconfirmed notifications

Revision ID: time8a1c0d2e
Revises: ev1d3c7a9b20
Create Date: 2026-11-29 13:20:00

"""
from datetime import date

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'time8a1c0d2e'
down_revision = 'ev1d3c7a9b20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rectification_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deadline_provisional', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('deadline_working_days', sa.Integer(), nullable=True))
    _mark_deadlines_past_the_official_calendar()

    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deaths', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('last_died_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unconfirmed_at', sa.DateTime(timezone=True), nullable=True))


def _mark_deadlines_past_the_official_calendar():
    """Orders already due in a year the official calendar does not know were counted with plain
    weekdays: mark them provisional, so the daily job moves each off a holiday once it is known."""
    from chinese_calendar import constants

    last_known = date(max(day.year for day in constants.holidays), 12, 31)
    order = sa.table('rectification_order', sa.column('deadline', sa.Date),
                     sa.column('deadline_provisional', sa.Boolean))
    op.execute(order.update().where(order.c.deadline > last_known)
               .values(deadline_provisional=sa.true()))


def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_column('unconfirmed_at')

    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.drop_column('last_died_at')
        batch_op.drop_column('deaths')

    with op.batch_alter_table('rectification_order', schema=None) as batch_op:
        batch_op.drop_column('deadline_working_days')
        batch_op.drop_column('deadline_provisional')
