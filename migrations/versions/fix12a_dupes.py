"""one live record per content: a banquet per village, host and day; an activity per subject, kind,
day and topic; a campaign per township, title and start (cancelled ones leave room)

Revision ID: fix12a_dupes
Revises: selfa1a_inspection
Create Date: 2026-11-30 03:15:00

A form sent again after Back carries a new request key; these partial unique indexes keep two such
posts at once from making two records (the services refuse the second with a message).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fix12a_dupes'
down_revision = 'selfa1a_inspection'
branch_labels = None
depends_on = None

LIVE = "status != 'cancelled'"


def upgrade():
    op.create_index('uq_food_banquet_live', 'food_banquet', ['village_id', 'host_name', 'banquet_on'], unique=True,
                    sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))
    op.create_index('uq_campaign_live', 'campaign', ['township_id', 'name', 'starts_on'], unique=True,
                    sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))
    op.create_index('uq_education_activity_village', 'education_activity',
                    ['village_id', 'kind', 'held_on', 'topic'], unique=True,
                    sqlite_where=sa.text("unit_id IS NULL"), postgresql_where=sa.text("unit_id IS NULL"))
    op.create_index('uq_education_activity_unit', 'education_activity', ['unit_id', 'kind', 'held_on', 'topic'],
                    unique=True, sqlite_where=sa.text("unit_id IS NOT NULL"),
                    postgresql_where=sa.text("unit_id IS NOT NULL"))


def downgrade():
    op.drop_index('uq_education_activity_unit', table_name='education_activity')
    op.drop_index('uq_education_activity_village', table_name='education_activity')
    op.drop_index('uq_campaign_live', table_name='campaign')
    op.drop_index('uq_food_banquet_live', table_name='food_banquet')
