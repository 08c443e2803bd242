"""Reads of the campaign calendar: the year's events, the campaigns with their progress, a
campaign's board (per village or unit: done, late, open; one statement over the counts kept per
place, counts.py), the task lists, a task's photos, the office's reminder days."""
from __future__ import annotations

from datetime import date
from functools import cache
from typing import NamedTuple

import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.campaigns import yearly
from hygiene.campaigns.models import (
    Campaign,
    CampaignEvent,
    CampaignPlaceCount,
    CampaignSettings,
    CampaignTask,
)
from hygiene.campaigns.status import TaskStatus
from hygiene.errors import NotFound
from hygiene.extensions import db
from hygiene.media.models import Photo
from hygiene.places.models import Unit, Village

STATES = ("open", "late", "done")   # the task list's filter


def event_get(*, scope: Scope, event_id: int) -> CampaignEvent:
    found = db.session.scalar(sa.select(CampaignEvent).where(CampaignEvent.id == event_id, scope.clause(CampaignEvent)))
    if found is None:
        raise NotFound("event not found")
    return found


def campaign_get(*, scope: Scope, campaign_id: int) -> Campaign:
    found = db.session.scalar(sa.select(Campaign).where(Campaign.id == campaign_id, scope.clause(Campaign)))
    if found is None:
        raise NotFound("campaign not found")
    return found


def task_get(*, scope: Scope, task_id: int) -> CampaignTask:
    found = db.session.scalar(sa.select(CampaignTask).where(CampaignTask.id == task_id, scope.clause(CampaignTask)))
    if found is None:
        raise NotFound("task not found")
    return found


def year_events(*, scope: Scope, year: int) -> list[CampaignEvent]:
    return list(db.session.scalars(sa.select(CampaignEvent).where(scope.clause(CampaignEvent), CampaignEvent.year == year)
                                   .order_by(CampaignEvent.starts_on, CampaignEvent.id)))


def campaigns_of_events(event_ids: list[int]) -> dict[int, list[Campaign]]:
    found: dict[int, list[Campaign]] = {}
    if event_ids:
        for campaign in db.session.scalars(sa.select(Campaign).where(Campaign.event_id.in_(event_ids))
                                           .order_by(Campaign.id)):
            found.setdefault(campaign.event_id or 0, []).append(campaign)
    return found


class Progress(NamedTuple):
    """How far a campaign's (or a place's) tasks are: done, late (open past due), open (not yet due)."""

    total: int
    done: int
    late: int

    @property
    def open(self) -> int:
        return self.total - self.done - self.late

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def campaign_list(*, scope: Scope, year: int | None) -> sa.Select:
    """The campaigns the scope sees (of a year), newest first."""
    stmt = sa.select(Campaign).where(scope.clause(Campaign)).order_by(Campaign.starts_on.desc(), Campaign.id.desc())
    if year is not None:
        stmt = stmt.where(Campaign.starts_on.between(date(year, 1, 1), date(year, 12, 31)))
    return stmt


def _sums() -> tuple[sa.ColumnElement, ...]:
    """Tasks, done and late (open, due before the bound `today`) of the counts kept per place and due date."""
    c = CampaignPlaceCount
    late = sa.func.sum(c.tasks - c.done).filter(c.due_on < sa.bindparam("today", type_=sa.Date))
    return sa.func.sum(c.tasks), sa.func.sum(c.done), sa.func.coalesce(late, 0)


@cache
def _progress_select() -> sa.Select:
    c = CampaignPlaceCount
    return (sa.select(c.campaign_id, *_sums()).where(c.campaign_id.in_(sa.bindparam("ids", expanding=True)))
            .group_by(c.campaign_id))


def progress_of_campaigns(*, scope: Scope, campaign_ids: list[int], today: date) -> dict[int, Progress]:
    """Each campaign's tasks in the scope, done and late, from the counts kept per place (one statement for a page)."""
    if not campaign_ids:
        return {}
    rows = db.session.connection().execute(_progress_select().where(scope.clause(CampaignPlaceCount)),
                                           {"ids": campaign_ids, "today": today})
    found = {campaign_id: Progress(int(n), int(d), int(lt)) for campaign_id, n, d, lt in rows}
    return {campaign_id: found.get(campaign_id, Progress(0, 0, 0)) for campaign_id in campaign_ids}


class BoardRow(NamedTuple):
    village_id: int
    unit_id: int | None
    name: str
    village: str
    progress: Progress


@cache
def _board_select() -> sa.Select:
    """A campaign's counts kept per place and due date (counts.py), late derived from the bound
    `today`, with the place's name, in the board's order (a place's rows together); built once, the
    reader's scope added per call. No GROUP BY: most places have one due date."""
    c = CampaignPlaceCount
    late = sa.case((c.due_on < sa.bindparam("today", type_=sa.Date), c.tasks - c.done), else_=0)
    return (sa.select(c.village_id, c.unit_id, sa.func.coalesce(Unit.name, Village.name), Village.name, c.tasks,
                      c.done, late)
            .join(Village, Village.id == c.village_id).outerjoin(Unit, Unit.id == c.unit_id)
            .where(c.campaign_id == sa.bindparam("campaign_id", type_=sa.Integer))
            .order_by(Village.name, c.village_id, c.unit_id.is_not(None), Unit.name, c.unit_id))


def board(*, scope: Scope, campaign: Campaign, today: date) -> list[BoardRow]:
    """The campaign's board, per village or unit: one statement, whatever the number of places."""
    rows: list[BoardRow] = []
    last = None
    for village_id, unit_id, name, village, tasks, done, late in db.session.connection().execute(
            _board_select().where(scope.clause(CampaignPlaceCount)), {"campaign_id": campaign.id, "today": today}):
        if last is not None and last.village_id == village_id and last.unit_id == unit_id:  # another due date
            p = last.progress
            rows[-1] = last = BoardRow(village_id, unit_id, name, village,
                                       Progress(p.total + tasks, p.done + done, p.late + late))
        else:
            last = BoardRow(village_id, unit_id, name, village, Progress(tasks, done, late))
            rows.append(last)
    return rows


def board_total(rows: list[BoardRow]) -> Progress:
    return Progress(sum(r.progress.total for r in rows), sum(r.progress.done for r in rows),
                    sum(r.progress.late for r in rows))


def task_list(*, scope: Scope, today: date, campaign_id: int | None = None, state: str | None = None,
              place_key: str | None = None) -> sa.Select:
    """Tasks in the scope (of a campaign, in a state, of a place): late and open first, by due date."""
    stmt = (sa.select(CampaignTask).join(Campaign, Campaign.id == CampaignTask.campaign_id)
            .join(Village, Village.id == CampaignTask.village_id)
            .where(scope.clause(CampaignTask))
            .order_by(sa.case((CampaignTask.status == TaskStatus.OPEN, 0), else_=1), CampaignTask.due_on,
                      Village.name, CampaignTask.id))
    if campaign_id is not None:
        stmt = stmt.where(CampaignTask.campaign_id == campaign_id)
    if place_key:
        stmt = stmt.where(CampaignTask.place_key == place_key)
    if state == "done":
        stmt = stmt.where(CampaignTask.status == TaskStatus.DONE)
    elif state == "late":
        stmt = stmt.where(CampaignTask.status == TaskStatus.OPEN, CampaignTask.due_on < today)
    elif state == "open":
        stmt = stmt.where(CampaignTask.status == TaskStatus.OPEN, CampaignTask.due_on >= today)
    return stmt


def task_photos(task: CampaignTask) -> list[Photo]:
    """The photos of the task's present completion (not those of a completion the office sent back)."""
    earlier = {i for entry in task.earlier_completions for i in entry.get("photo_ids", [])}
    return [p for p in db.session.scalars(sa.select(Photo).where(Photo.campaign_task_id == task.id)
                                          .order_by(Photo.id)) if p.id not in earlier]


def earlier_photos(task: CampaignTask) -> dict[int, Photo]:
    """The photos of the completions sent back, by id (each history entry lists its own)."""
    ids = [i for entry in task.earlier_completions for i in entry.get("photo_ids", [])]
    if not ids:
        return {}
    return {p.id: p for p in db.session.scalars(sa.select(Photo).where(Photo.campaign_task_id == task.id,
                                                                       Photo.id.in_(ids)))}


def choices(township_id: int | None) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The township's active villages, and its active units (with their village), for the task form."""
    villages = [(village_id, name) for village_id, name in db.session.execute(sa.select(Village.id, Village.name).where(
        Village.township_id == township_id, Village.active).order_by(Village.name, Village.id))]
    units = [(unit_id, f"{name}（{village}）") for unit_id, name, village in db.session.execute(
        sa.select(Unit.id, Unit.name, Village.name).join(Village, Village.id == Unit.village_id)
        .where(Village.township_id == township_id, Village.active, Unit.active).order_by(Village.name, Unit.name))]
    return villages, units


def reminder_days(township_ids: set[int]) -> dict[int, tuple[int, int]]:
    """(days before start, days before due) of each township: its settings, else the defaults."""
    default = yearly.reminder_defaults()
    found = {row.township_id: (row.days_before_start, row.days_before_due) for row in db.session.scalars(
        sa.select(CampaignSettings).where(CampaignSettings.township_id.in_(sorted(township_ids))))} if township_ids else {}
    return {township_id: found.get(township_id, default) for township_id in township_ids}
