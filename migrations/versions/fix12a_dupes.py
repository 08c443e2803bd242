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


INDEXES = (
    ('uq_food_banquet_live', 'food_banquet', ['village_id', 'host_name', 'banquet_on'], LIVE),
    ('uq_campaign_live', 'campaign', ['township_id', 'name', 'starts_on'], LIVE),
    ('uq_education_activity_village', 'education_activity', ['village_id', 'kind', 'held_on', 'topic'],
     "unit_id IS NULL"),
    ('uq_education_activity_unit', 'education_activity', ['unit_id', 'kind', 'held_on', 'topic'],
     "unit_id IS NOT NULL"),
)


def upgrade():
    # Records entered twice before this release stay as they are (nothing is deleted): the index of
    # such a table is left out with a warning naming them, and the services refuse new twins anyway;
    # once the office has cancelled one of each pair, `flask db downgrade selfa1a_inspection` and
    # `flask db upgrade` add it.
    connection = op.get_bind()
    for name, table, columns, where in INDEXES:
        twins = connection.execute(sa.text(
            f"SELECT {', '.join(columns)}, count(*) FROM {table} WHERE {where} "
            f"GROUP BY {', '.join(columns)} HAVING count(*) > 1")).all()
        if twins:
            print(f"WARNING: {len(twins)} record(s) of {table} entered twice {[tuple(t[:-1]) for t in twins][:5]}: "
                  f"index {name} not added; cancel one of each and migrate again")
            continue
        op.create_index(name, table, columns, unique=True, sqlite_where=sa.text(where),
                        postgresql_where=sa.text(where))


def downgrade():
    for name, table, _columns, _where in reversed(INDEXES):
        op.execute(sa.text(f"DROP INDEX IF EXISTS {name}"))
