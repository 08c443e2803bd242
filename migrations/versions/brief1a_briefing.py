"""briefing: shared links and the record of the months sent

Revision ID: brief1a_briefing
Revises: letter1a_letters
Create Date: 2026-11-29 22:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'brief1a_briefing'
down_revision = 'letter1a_letters'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('briefing_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('period_key', sa.String(length=10), nullable=False),
    sa.Column('token', sa.String(length=43), nullable=False),
    sa.Column('request_key', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_briefing_link_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['user_account.id'], name=op.f('fk_briefing_link_revoked_by_id_user_account')),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_briefing_link_township_id_township')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_briefing_link')),
    sa.UniqueConstraint('request_key', name=op.f('uq_briefing_link_request_key')),
    sa.UniqueConstraint('token', name=op.f('uq_briefing_link_token'))
    )
    with op.batch_alter_table('briefing_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_briefing_link_township_id'), ['township_id'], unique=False)

    op.create_table('briefing_dispatch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('period_key', sa.String(length=10), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recipient_ids', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_briefing_dispatch_township_id_township')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_briefing_dispatch')),
    sa.UniqueConstraint('township_id', 'period_key', name=op.f('uq_briefing_dispatch_township_id'))
    )


def downgrade():
    op.drop_table('briefing_dispatch')
    with op.batch_alter_table('briefing_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_briefing_link_township_id'))
    op.drop_table('briefing_link')
