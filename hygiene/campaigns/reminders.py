"""The daily campaign reminders, through the outbox: a campaign under way that starts within the
township's days before its start (its villages' and units' contacts and the office), and each
open task due within the township's days before its due date (the task's contacts).

Each once per person and occasion: the dedupe key names the campaign and its start date, or the
task and its due date, so a second run (or a second scheduler) queues nothing more, and a date
the office moves is a new occasion."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from hygiene.accounts.models import Role, User
from hygiene.campaigns.models import Campaign, CampaignTask
from hygiene.campaigns.queries import reminder_days
from hygiene.campaigns.schemas import MOST_DAYS_BEFORE
from hygiene.campaigns.status import CampaignStatus, TaskStatus
from hygiene.clock import local_today
from hygiene.extensions import db
from hygiene.notifications.services import NotifySpec, notify_many, tell
from hygiene.places.models import Unit, Village


def scan_campaigns(*, now: datetime) -> dict[str, int]:
    """Queue what is due today; returns the notifications queued per kind."""
    today = local_today(now)
    return {"campaign_starting": notify_many(_starting(today, now)), "campaign_task_due": notify_many(_due(today, now))}


def _contacts(pairs: set[tuple[int, int | None]]) -> dict[tuple[int, int | None], list[User]]:
    """Per place (village, unit): a unit's active contacts, a village's active village contacts (one query)."""
    units = sorted({u for _v, u in pairs if u})
    villages = sorted({v for v, u in pairs if not u})
    found: dict[tuple[int, int | None], list[User]] = {}
    if not pairs:
        return found
    stmt = sa.select(User).where(User.active.is_(True), sa.or_(
        sa.and_(User.role == Role.UNIT_CONTACT.value, User.unit_id.in_(units)),
        sa.and_(User.role == Role.VILLAGE_CONTACT.value, User.village_id.in_(villages)))).order_by(User.id)
    by_unit: dict[int, list[User]] = {}
    by_village: dict[int, list[User]] = {}
    for user in db.session.scalars(stmt):
        if user.role == Role.UNIT_CONTACT.value:
            by_unit.setdefault(user.unit_id or 0, []).append(user)
        else:
            by_village.setdefault(user.village_id or 0, []).append(user)
    for village_id, unit_id in pairs:
        found[(village_id, unit_id)] = by_unit.get(unit_id, []) if unit_id else by_village.get(village_id, [])
    return found


def _admins(township_ids: set[int]) -> dict[int, list[User]]:
    found: dict[int, list[User]] = {}
    if township_ids:
        for user in db.session.scalars(sa.select(User).where(
                User.role == Role.ADMIN.value, User.active.is_(True), User.township_id.in_(sorted(township_ids)))
                .order_by(User.id)):
            found.setdefault(user.township_id or 0, []).append(user)
    return found


def _starting(today: date, now: datetime) -> Iterator[NotifySpec]:
    campaigns = list(db.session.scalars(sa.select(Campaign).where(
        Campaign.status == CampaignStatus.ACTIVE,
        Campaign.starts_on.between(today, today + timedelta(days=MOST_DAYS_BEFORE))).order_by(Campaign.id)))
    days = reminder_days({c.township_id for c in campaigns})
    campaigns = [c for c in campaigns if (c.starts_on - today).days <= days[c.township_id][0]]
    if not campaigns:
        return
    places = {c.id: set() for c in campaigns}  # type: dict[int, set[tuple[int, int | None]]]
    for campaign_id, village_id, unit_id in db.session.execute(sa.select(
            CampaignTask.campaign_id, CampaignTask.village_id, CampaignTask.unit_id).distinct()
            .where(CampaignTask.campaign_id.in_(list(places)))):
        places[campaign_id].add((village_id, unit_id))
    contacts = _contacts({p for found in places.values() for p in found})
    admins = _admins({c.township_id for c in campaigns})
    for campaign in campaigns:
        subject = _l("Campaign starts %(date)s: %(name)s", date=campaign.starts_on.isoformat(), name=campaign.name)
        body = _l("The campaign “%(name)s” runs from %(start)s to %(end)s. See your tasks on the campaign's page.",
                  name=campaign.name, start=campaign.starts_on.isoformat(), end=campaign.ends_on.isoformat())
        people = {u.id: u for p in places[campaign.id] for u in contacts[p]}
        people |= {u.id: u for u in admins.get(campaign.township_id, [])}
        for user in people.values():
            yield NotifySpec(recipient=user, kind="campaign_starting", subject=subject, body=body, send_after=now,
                             link=f"/campaigns/{campaign.id}",
                             dedupe_key=f"{campaign.id}:{campaign.starts_on.isoformat()}")


def _due(today: date, now: datetime) -> Iterator[NotifySpec]:
    rows = db.session.execute(
        sa.select(CampaignTask, Campaign.name, sa.func.coalesce(Unit.name, Village.name))
        .join(Campaign, Campaign.id == CampaignTask.campaign_id).join(Village, Village.id == CampaignTask.village_id)
        .outerjoin(Unit, Unit.id == CampaignTask.unit_id)
        .where(Campaign.status == CampaignStatus.ACTIVE, CampaignTask.status == TaskStatus.OPEN,
               CampaignTask.due_on.between(today, today + timedelta(days=MOST_DAYS_BEFORE)))
        .order_by(CampaignTask.id)).all()
    days = reminder_days({task.township_id for task, _n, _p in rows})
    rows = [row for row in rows if (row[0].due_on - today).days <= days[row[0].township_id][1]]
    contacts = _contacts({(task.village_id, task.unit_id) for task, _n, _p in rows})
    for task, campaign_name, place in rows:
        subject = _l("Task due %(date)s: %(title)s", date=task.due_on.isoformat(), title=task.title)
        body = _l("%(place)s: “%(title)s” of the campaign “%(name)s” is due on %(date)s. Mark it done with "
                  "photos on the task's page.", place=place, title=task.title, name=campaign_name,
                  date=task.due_on.isoformat())
        for user in contacts[(task.village_id, task.unit_id)]:
            yield NotifySpec(recipient=user, kind="campaign_task_due", subject=subject, body=body, send_after=now,
                             link=f"/campaigns/tasks/{task.id}", dedupe_key=f"{task.id}:{task.due_on.isoformat()}")


def tell_sent_back(task: CampaignTask, *, now: datetime) -> int:
    """Tell the task's contacts that the office reopened it, and why (once per reopening)."""
    campaign = task.campaign
    subject = _l("Task sent back: %(title)s", title=task.title)
    body = _l("%(place)s: the hygiene office sent back “%(title)s” of the campaign “%(name)s”: %(note)s "
              "Do it again and mark it done on the task's page.", place=task.place_name, title=task.title,
              name=campaign.name, note=task.reopen_note)
    return tell([NotifySpec(recipient=user, kind="campaign_task_reopened", subject=subject, body=body, send_after=now,
                            link=f"/campaigns/tasks/{task.id}", dedupe_key=f"{task.id}:reopened:{task.reopened}")
                 for user in _contacts({(task.village_id, task.unit_id)})[(task.village_id, task.unit_id)]])
