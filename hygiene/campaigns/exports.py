"""A campaign's task roster as Excel (the one writer): every task the exporter may see, with its
village or unit, due date, state, when done and the note. Declared as the export kind
"campaign_tasks"."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.access.scope import Scope
from hygiene.campaigns.models import Campaign, CampaignTask
from hygiene.campaigns.status import TaskStatus
from hygiene.core.excel import Sheet
from hygiene.core.input import optional_int
from hygiene.errors import NotFound
from hygiene.exports.registry import ExportKind, refuse_unreadable, register_export
from hygiene.extensions import db
from hygiene.places.models import Unit, Village

BATCH = 1000
HEADERS = [_l("No."), _l("Village / community"), _l("Unit"), _l("Task"), _l("Due date"), _l("State"),
           _l("Done on"), _l("How it was done"), _l("Reopened")]


def read_params(args: Mapping[str, str], today: date) -> dict:
    raw = args.get("campaign_id") or ""
    campaign_id = optional_int(raw)
    refuse_unreadable(["campaign_id"] if campaign_id is None else [])
    return {"campaign_id": campaign_id, "today": today.isoformat()}


def _campaign(scope: Scope, params: dict) -> Campaign:
    found = db.session.scalar(sa.select(Campaign).where(Campaign.id == params["campaign_id"], scope.clause(Campaign)))
    if found is None:
        raise NotFound("campaign not found")
    return found


def _tasks(scope: Scope, params: dict) -> sa.Select:
    return (sa.select(CampaignTask, Village.name, Unit.name).join(Village, Village.id == CampaignTask.village_id)
            .outerjoin(Unit, Unit.id == CampaignTask.unit_id)
            .where(CampaignTask.campaign_id == params["campaign_id"], scope.clause(CampaignTask))
            .order_by(Village.name, CampaignTask.village_id, CampaignTask.unit_id.is_not(None), Unit.name,
                      CampaignTask.title, CampaignTask.id))


def state_of(task: CampaignTask, today: date) -> str:
    if task.status == TaskStatus.DONE:
        return _("Done late") if task.done_on and task.done_on > task.due_on else _("Done")
    return _("Late") if task.due_on < today else _("Not done yet")


def rows(scope: Scope, params: dict) -> Iterator[list]:
    today = date.fromisoformat(params["today"])
    found = db.session.execute(_tasks(scope, params).execution_options(yield_per=BATCH))
    for n, (task, village, unit) in enumerate(found, start=1):
        yield [n, village, unit or "", task.title, task.due_on, state_of(task, today), task.done_on,
               task.done_note, task.reopened or ""]


def size(scope: Scope, params: dict) -> int:
    _campaign(scope, params)
    chosen = _tasks(scope, params).order_by(None)
    return db.session.scalar(sa.select(sa.func.count()).select_from(chosen.subquery())) or 0


def sheets(scope: Scope, params: dict) -> list[Sheet]:
    campaign = _campaign(scope, params)
    return [Sheet(_l("Task roster"), HEADERS, rows(scope, params), [6, 16, 20, 24, 12, 10, 12, 40, 8],
                  caption=_("%(name)s (%(start)s to %(end)s): tasks", name=campaign.name,
                            start=campaign.starts_on.isoformat(), end=campaign.ends_on.isoformat()),
                  freeze_headers=True)]


def names(params: dict) -> tuple[str, str]:
    return f"campaign-{params['campaign_id']}-tasks", _("Campaign tasks %(id)s", id=params["campaign_id"])


TASKS = register_export(ExportKind("campaign_tasks", _l("Campaign task roster"), read_params, size, sheets, names))
