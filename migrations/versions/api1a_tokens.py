"""API tokens

Revision ID: api1a_tokens
Revises: fix12a_dupes
Create Date: 2026-11-30 05:20:00
"""
from alembic import op
import sqlalchemy as sa

from hygiene.clock import UTCDateTime


# revision identifiers, used by Alembic.
revision = 'api1a_tokens'
down_revision = 'fix12a_dupes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'api_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('purpose', sa.String(length=20), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('hint', sa.String(length=12), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('last_used_at', UTCDateTime(), nullable=True),
        sa.Column('revoked_at', UTCDateTime(), nullable=True),
        sa.Column('sign_in', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_api_token_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
        sa.UniqueConstraint('digest', name=op.f('uq_api_token_digest')),
    )
    op.create_index(op.f('ix_api_token_user_id'), 'api_token', ['user_id'], unique=False)
    op.create_index(op.f('ix_api_token_sign_in'), 'api_token', ['sign_in'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_api_token_sign_in'), table_name='api_token')
    op.drop_index(op.f('ix_api_token_user_id'), table_name='api_token')
    op.drop_table('api_token')
