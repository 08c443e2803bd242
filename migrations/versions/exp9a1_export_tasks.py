"""background exports: export_task

Revision ID: exp9a1
Revises: de8a0c1b2a31
Create Date: 2026-11-29 16:30:00

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = 'exp9a1'
down_revision = 'de8a0c1b2a31'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'export_task',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('pending_key', sa.String(length=64), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('progress', sa.Integer(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('worker', sa.String(length=80), nullable=False),
        sa.Column('file_name', sa.String(length=200), nullable=False),
        sa.Column('ascii_name', sa.String(length=200), nullable=False),
        sa.Column('result_path', sa.String(length=200), nullable=False),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_export_task_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_export_task')),
        sa.UniqueConstraint('pending_key', name=op.f('uq_export_task_pending_key')),
    )
    with op.batch_alter_table('export_task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_task_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_export_task_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('export_task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_task_user_id'))
        batch_op.drop_index(batch_op.f('ix_export_task_status'))
    op.drop_table('export_task')
