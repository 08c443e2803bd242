"""target responsibility letters (目标责任书): letters per village and year, their targets, the scan on photo

Revision ID: letter1a_letters
Revises: pest1e_totals
Create Date: 2026-11-29 22:02:07.967285

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'letter1a_letters'
down_revision = 'pest1e_totals'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('target_letter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('signed_by_name', sa.String(length=100), server_default='', nullable=False),
    sa.Column('sign_key', sa.String(length=64), nullable=True),
    sa.Column('score', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('outcome', sa.String(length=12), nullable=True),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('decision_note', sa.Text(), server_default='', nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=True),
    sa.Column('assess_key', sa.String(length=64), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_target_letter_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_target_letter_township_id_township')),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_target_letter_village_id_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target_letter')),
    sa.UniqueConstraint('village_id', 'year', name=op.f('uq_target_letter_village_id'))
    )
    with op.batch_alter_table('target_letter', schema=None) as batch_op:
        batch_op.create_index('ix_target_letter_township_year', ['township_id', 'year'], unique=False)
        batch_op.create_index(batch_op.f('ix_target_letter_village_id'), ['village_id'], unique=False)

    op.create_table('letter_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('target', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('actual', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('met', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['letter_id'], ['target_letter.id'], name=op.f('fk_letter_target_letter_id_target_letter')),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_letter_target_township_id_township')),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_letter_target_village_id_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_target')),
    sa.UniqueConstraint('letter_id', 'kind', name=op.f('uq_letter_target_letter_id'))
    )
    with op.batch_alter_table('letter_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letter_target_township_id'), ['township_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_letter_target_village_id'), ['village_id'], unique=False)

    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.add_column(sa.Column('letter_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_photo_letter_id'), ['letter_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_photo_letter_id_target_letter'), 'target_letter', ['letter_id'], ['id'])


def downgrade():
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_photo_letter_id_target_letter'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_photo_letter_id'))
        batch_op.drop_column('letter_id')

    with op.batch_alter_table('letter_target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letter_target_village_id'))
        batch_op.drop_index(batch_op.f('ix_letter_target_township_id'))

    op.drop_table('letter_target')
    with op.batch_alter_table('target_letter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_target_letter_village_id'))
        batch_op.drop_index('ix_target_letter_township_year')

    op.drop_table('target_letter')

