"""creation (卫生创建): yearly targets per kind and level, applications and named titles

Revision ID: crea1a_creation
Revises: brief1a_briefing
Create Date: 2026-11-29 22:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'crea1a_creation'
down_revision = 'brief1a_briefing'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('creation_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('target', sa.Integer(), nullable=False),
    sa.Column('reward', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_creation_target_township_id_township')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_creation_target')),
    sa.UniqueConstraint('township_id', 'year', 'kind', 'level', name=op.f('uq_creation_target_township_id'))
    )
    with op.batch_alter_table('creation_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_creation_target_township_id'), ['township_id'], unique=False)

    op.create_table('creation_application',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=14), nullable=False),
    sa.Column('applied_on', sa.Date(), nullable=False),
    sa.Column('self_score', sa.Numeric(precision=5, scale=1), nullable=True),
    sa.Column('self_note', sa.Text(), server_default='', nullable=False),
    sa.Column('self_assessed_on', sa.Date(), nullable=True),
    sa.Column('review_inspection_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_on', sa.Date(), nullable=True),
    sa.Column('submitted_on', sa.Date(), nullable=True),
    sa.Column('accepted_on', sa.Date(), nullable=True),
    sa.Column('named_on', sa.Date(), nullable=True),
    sa.Column('document', sa.String(length=100), server_default='', nullable=False),
    sa.Column('review_due_on', sa.Date(), nullable=True),
    sa.Column('rereviewed_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('reason', sa.Text(), server_default='', nullable=False),
    sa.Column('reward_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('reward_paid_on', sa.Date(), nullable=True),
    sa.Column('reward_paid_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('standing_key', sa.String(length=80), nullable=True),
    sa.Column('request_key', sa.String(length=64), nullable=True),
    sa.Column('step_key', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_creation_application_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['review_inspection_id'], ['inspection.id'], name=op.f('fk_creation_application_review_inspection_id_inspection')),
    sa.ForeignKeyConstraint(['reward_paid_by_id'], ['user_account.id'], name=op.f('fk_creation_application_reward_paid_by_id_user_account')),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_creation_application_township_id_township')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_creation_application_unit_id_unit')),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_creation_application_village_id_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_creation_application')),
    sa.UniqueConstraint('request_key', name=op.f('uq_creation_application_request_key')),
    sa.UniqueConstraint('review_inspection_id', name=op.f('uq_creation_application_review_inspection_id')),
    sa.UniqueConstraint('standing_key', name=op.f('uq_creation_application_standing_key'))
    )
    with op.batch_alter_table('creation_application', schema=None) as batch_op:
        batch_op.create_index('ix_creation_application_board', ['township_id', 'year', 'kind', 'level'], unique=False)
        batch_op.create_index(batch_op.f('ix_creation_application_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_creation_application_township_id'), ['township_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_creation_application_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_creation_application_village_id'), ['village_id'], unique=False)


def downgrade():
    with op.batch_alter_table('creation_application', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_creation_application_village_id'))
        batch_op.drop_index(batch_op.f('ix_creation_application_unit_id'))
        batch_op.drop_index(batch_op.f('ix_creation_application_township_id'))
        batch_op.drop_index(batch_op.f('ix_creation_application_status'))
        batch_op.drop_index('ix_creation_application_board')
    op.drop_table('creation_application')
    with op.batch_alter_table('creation_target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_creation_target_township_id'))
    op.drop_table('creation_target')
