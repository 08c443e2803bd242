"""food-safety registers: banquets, health certificates, settings

Revision ID: food1a_registers
Revises: edu1a_education
Create Date: 2026-11-29 22:00:03.259278

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'food1a_registers'
down_revision = 'edu1a_education'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('food_banquet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('host_name', sa.String(length=40), nullable=False),
    sa.Column('host_phone', sa.String(length=20), nullable=False),
    sa.Column('banquet_on', sa.Date(), nullable=False),
    sa.Column('meal', sa.String(length=8), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('tables', sa.Integer(), nullable=False),
    sa.Column('diners', sa.Integer(), nullable=False),
    sa.Column('cook_name', sa.String(length=40), nullable=False),
    sa.Column('cook_phone', sa.String(length=20), nullable=False),
    sa.Column('cook_cert_number', sa.String(length=40), nullable=False),
    sa.Column('cook_cert_expires_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=True),
    sa.Column('checked_by_id', sa.Integer(), nullable=True),
    sa.Column('check_passed', sa.Boolean(), nullable=True),
    sa.Column('check_points', sa.JSON(), nullable=False),
    sa.Column('check_note', sa.Text(), server_default='', nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('request_key', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['checked_by_id'], ['user_account.id'], name=op.f('fk_food_banquet_checked_by_id_user_account')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_food_banquet_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_food_banquet_township_id_township')),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_food_banquet_village_id_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_food_banquet')),
    sa.UniqueConstraint('request_key', name=op.f('uq_food_banquet_request_key'))
    )
    with op.batch_alter_table('food_banquet', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_food_banquet_status'), ['status'], unique=False)
        batch_op.create_index('ix_food_banquet_township_day', ['township_id', 'banquet_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_food_banquet_township_id'), ['township_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_food_banquet_village_id'), ['village_id'], unique=False)

    op.create_table('food_health_certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('worker_name', sa.String(length=40), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('request_key', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_food_health_certificate_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_food_health_certificate_township_id_township')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_food_health_certificate_unit_id_unit')),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_food_health_certificate_village_id_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_food_health_certificate')),
    sa.UniqueConstraint('request_key', name=op.f('uq_food_health_certificate_request_key')),
    sa.UniqueConstraint('township_id', 'number', name=op.f('uq_food_health_certificate_township_id'))
    )
    with op.batch_alter_table('food_health_certificate', schema=None) as batch_op:
        batch_op.create_index('ix_food_health_certificate_expiry', ['township_id', 'active', 'expires_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_food_health_certificate_township_id'), ['township_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_food_health_certificate_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_food_health_certificate_village_id'), ['village_id'], unique=False)

    op.create_table('food_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('days_ahead', sa.Integer(), nullable=False),
    sa.Column('check_min_diners', sa.Integer(), nullable=False),
    sa.Column('remind_days', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_food_settings_township_id_township')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_food_settings_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_food_settings')),
    sa.UniqueConstraint('township_id', name=op.f('uq_food_settings_township_id'))
    )


def downgrade():
    op.drop_table('food_settings')
    with op.batch_alter_table('food_health_certificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_food_health_certificate_village_id'))
        batch_op.drop_index(batch_op.f('ix_food_health_certificate_unit_id'))
        batch_op.drop_index(batch_op.f('ix_food_health_certificate_township_id'))
        batch_op.drop_index('ix_food_health_certificate_expiry')

    op.drop_table('food_health_certificate')
    with op.batch_alter_table('food_banquet', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_food_banquet_village_id'))
        batch_op.drop_index(batch_op.f('ix_food_banquet_township_id'))
        batch_op.drop_index('ix_food_banquet_township_day')
        batch_op.drop_index(batch_op.f('ix_food_banquet_status'))

    op.drop_table('food_banquet')
