"""campaign calendar: events, campaigns, tasks, settings; photos of tasks

Revision ID: camp1a_campaigns
Revises: toil1b_public_acceptance
Create Date: 2026-11-29 22:03:18.854104

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'camp1a_campaigns'
down_revision = 'toil1b_public_acceptance'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('campaign_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('edition', sa.Integer(), nullable=True),
    sa.Column('holiday_on', sa.Date(), nullable=True),
    sa.Column('provisional', sa.Boolean(), nullable=False),
    sa.Column('edited', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('request_key', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_campaign_event_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_campaign_event_township_id_township')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_event')),
    sa.UniqueConstraint('request_key', name=op.f('uq_campaign_event_request_key')),
    sa.UniqueConstraint('township_id', 'year', 'key', name=op.f('uq_campaign_event_township_id'))
    )
    with op.batch_alter_table('campaign_event', schema=None) as batch_op:
        batch_op.create_index('ix_campaign_event_township_year', ['township_id', 'year', 'starts_on'], unique=False)

    op.create_table('campaign_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('days_before_start', sa.Integer(), nullable=False),
    sa.Column('days_before_due', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_campaign_settings_township_id_township')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_campaign_settings_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_settings')),
    sa.UniqueConstraint('township_id', name=op.f('uq_campaign_settings_township_id'))
    )
    op.create_table('campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('description', sa.Text(), server_default='', nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('request_key', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_campaign_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['event_id'], ['campaign_event.id'], name=op.f('fk_campaign_event_id_campaign_event')),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_campaign_township_id_township')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign')),
    sa.UniqueConstraint('request_key', name=op.f('uq_campaign_request_key'))
    )
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_status'), ['status'], unique=False)
        batch_op.create_index('ix_campaign_township_dates', ['township_id', 'starts_on'], unique=False)

    op.create_table('campaign_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('place_key', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('done_note', sa.Text(), server_default='', nullable=False),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_key', sa.String(length=64), nullable=True),
    sa.Column('reopened', sa.Integer(), nullable=False),
    sa.Column('reopen_note', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_campaign_task_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['done_by_id'], ['user_account.id'], name=op.f('fk_campaign_task_done_by_id_user_account')),
    sa.ForeignKeyConstraint(['township_id'], ['township.id'], name=op.f('fk_campaign_task_township_id_township')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_campaign_task_unit_id_unit')),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_campaign_task_village_id_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_task')),
    sa.UniqueConstraint('campaign_id', 'place_key', 'title', name=op.f('uq_campaign_task_campaign_id'))
    )
    with op.batch_alter_table('campaign_task', schema=None) as batch_op:
        batch_op.create_index('ix_campaign_task_board', ['campaign_id', 'status', 'due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_task_township_id'), ['township_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_task_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_task_village_id'), ['village_id'], unique=False)

    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.add_column(sa.Column('campaign_task_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_photo_campaign_task_id'), ['campaign_task_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_photo_campaign_task_id_campaign_task'), 'campaign_task', ['campaign_task_id'], ['id'])



def downgrade():
    with op.batch_alter_table('photo', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_photo_campaign_task_id_campaign_task'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_photo_campaign_task_id'))
        batch_op.drop_column('campaign_task_id')

    with op.batch_alter_table('campaign_task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_task_village_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_task_unit_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_task_township_id'))
        batch_op.drop_index('ix_campaign_task_board')

    op.drop_table('campaign_task')
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_index('ix_campaign_township_dates')
        batch_op.drop_index(batch_op.f('ix_campaign_status'))
        batch_op.drop_index(batch_op.f('ix_campaign_event_id'))

    op.drop_table('campaign')
    op.drop_table('campaign_settings')
    with op.batch_alter_table('campaign_event', schema=None) as batch_op:
        batch_op.drop_index('ix_campaign_event_township_year')

    op.drop_table('campaign_event')
