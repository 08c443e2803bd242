"""sign-ins as rows; plans make past periods only when chosen

Revision ID: input8a1
Revises: n8a1c0ffee01
Create Date: 2026-11-29 13:20:00

"""
from alembic import op
import sqlalchemy as sa

from hygiene.clock import UTCDateTime


# revision identifiers, used by Alembic.
revision = 'input8a1'
down_revision = 'n8a1c0ffee01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'user_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('ended_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_user_session_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session')),
        sa.UniqueConstraint('token', name=op.f('uq_user_session_token')),
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('inspection_plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('backfill', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('request_key', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_inspection_plan_request_key'), ['request_key'])


def downgrade():
    with op.batch_alter_table('inspection_plan', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_inspection_plan_request_key'), type_='unique')
        batch_op.drop_column('request_key')
        batch_op.drop_column('backfill')
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))
    op.drop_table('user_session')
