"""The counts a campaign's board reads (models.CampaignPlaceCount): per campaign, village or unit
and due date, its tasks and how many are done. Recomputed from the tasks, never incremented, so
they cannot drift from them: `refresh` in the transaction of every write to a campaign's tasks,
`rebuild` for every campaign (the migration that made the table, `flask campaigns rebuild-counts`)."""
from __future__ import annotations

from functools import cache

import sqlalchemy as sa

from hygiene.campaigns.models import Campaign, CampaignPlaceCount, CampaignTask
from hygiene.campaigns.status import TaskStatus
from hygiene.extensions import db

COLUMNS = ("campaign_id", "place_key", "due_on", "township_id", "village_id", "unit_id", "tasks", "done")


@cache
def _counted() -> sa.Select:
    """The tasks counted per campaign, place and due date (the caller narrows them), built once."""
    t = CampaignTask
    done = sa.func.count(t.id).filter(t.status == TaskStatus.DONE)
    return (sa.select(t.campaign_id, t.place_key, t.due_on, sa.func.min(t.township_id), sa.func.min(t.village_id),
                      sa.func.min(t.unit_id), sa.func.count(t.id), done)
            .group_by(t.campaign_id, t.place_key, t.due_on))


def _insert(where: sa.ColumnElement[bool]) -> sa.Insert:
    return sa.insert(CampaignPlaceCount).from_select(list(COLUMNS), _counted().where(where))


def refresh(campaign_id: int, place_key: str | None = None) -> None:
    """Recompute the counts of one place of a campaign (None: all its places) after a write to its
    tasks. The campaign's row is locked first (a no-op UPDATE) so, on PostgreSQL, the counts are
    taken by statements that start after any other transaction writing this campaign's tasks has
    ended, and see its tasks."""
    db.session.flush()
    db.session.execute(sa.update(Campaign).where(Campaign.id == campaign_id).values(status=Campaign.status)
                       .execution_options(synchronize_session=False))
    c, t = CampaignPlaceCount, CampaignTask
    kept, tasks = c.campaign_id == campaign_id, t.campaign_id == campaign_id
    if place_key is not None:
        kept, tasks = sa.and_(kept, c.place_key == place_key), sa.and_(tasks, t.place_key == place_key)
    db.session.execute(sa.delete(c).where(kept).execution_options(synchronize_session=False))
    db.session.execute(_insert(tasks))


def rebuild(connection: sa.Connection) -> int:
    """Recompute every campaign's counts from the tasks; returns the rows written."""
    connection.execute(sa.delete(CampaignPlaceCount))
    connection.execute(_insert(sa.true()))
    return int(connection.scalar(sa.select(sa.func.count()).select_from(CampaignPlaceCount)) or 0)
