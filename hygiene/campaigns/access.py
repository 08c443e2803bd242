"""How campaign records are scoped: the office reads its township's calendar, campaigns and
tasks; a village contact the tasks of its village (and of the units in it), a unit contact its
unit's, and the campaigns they have a task in, once under way. The calendar and the settings
are the office's."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from hygiene.access.rules import scope_rule, work_record_clause
from hygiene.access.scope import Scope
from hygiene.campaigns.models import (
    Campaign,
    CampaignEvent,
    CampaignPlaceCount,
    CampaignSettings,
    CampaignTask,
)
from hygiene.campaigns.status import SEEN_BY_CONTACTS
from hygiene.media.access import shown_by
from hygiene.media.models import Photo


@scope_rule(CampaignEvent, CampaignSettings)
def office_clause(scope: Scope, model: type[Any]) -> sa.ColumnElement[bool]:
    """The calendar and the reminder settings: the township's office only."""
    return model.township_id == scope.township_id if scope.township_wide else sa.false()


def _seen_campaigns() -> sa.Select:
    return sa.select(Campaign.id).where(Campaign.status.in_(sorted(SEEN_BY_CONTACTS)))


@scope_rule(CampaignTask, CampaignPlaceCount)
def task_clause(scope: Scope, model: type[Any]) -> sa.ColumnElement[bool]:
    """Tasks (and the board's counts of them): the township's office; a contact their own, once under way."""
    if scope.township_wide:
        return model.township_id == scope.township_id
    return sa.and_(work_record_clause(scope, model), model.campaign_id.in_(_seen_campaigns()))


@scope_rule(Campaign)
def campaign_clause(scope: Scope, _model: type[Any]) -> sa.ColumnElement[bool]:
    if scope.township_wide:
        return Campaign.township_id == scope.township_id
    mine = sa.select(CampaignTask.campaign_id).where(work_record_clause(scope, CampaignTask))
    return sa.and_(Campaign.id.in_(mine), Campaign.status.in_(sorted(SEEN_BY_CONTACTS)))


@shown_by
def photos_of_campaign_tasks(scope: Scope) -> sa.ColumnElement[bool]:
    """A task's photos are seen by whoever reads the task (the office, its village's or unit's contact)."""
    tasks = sa.select(CampaignTask.id).where(scope.clause(CampaignTask))
    return Photo.campaign_task_id.in_(tasks)
