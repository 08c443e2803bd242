"""The demo's campaign calendar: this year's calendar generated; the Patriotic Hygiene Month
(April) run with a clean-up and a notice-board task for every village, done by most of them with
photos, one redone after the office reopened it, and closed; and the next holiday's clean-up
(before New Year 2027 on a day late in 2026), under way now, with a task for every village and
for the unit account's restaurant, some done, some open and one late. All through the services
with the day's time, so the trail is real.

The Hygiene Month is this year's from June on; before then it is last year's."""
from __future__ import annotations

import secrets
from datetime import date, timedelta

import sqlalchemy as sa

from hygiene.access.roles import Role
from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.campaigns import services, tasks
from hygiene.campaigns.models import Campaign, CampaignEvent, CampaignTask
from hygiene.campaigns.schemas import CampaignInput, CompleteInput, ReopenInput, TasksInput
from hygiene.demo.toilets import Office, _scene
from hygiene.extensions import db
from hygiene.rectifications.workdays import is_working_day


def demo_campaigns(*, township_id: int, today: date, seed: int = 12) -> int:
    """The calendar, the Hygiene Month and the New Year clean-up; the number of tasks made."""
    admin = db.session.scalar(sa.select(User).where(User.role == Role.ADMIN, User.township_id == township_id)
                              .order_by(User.id).limit(1))
    inspector = db.session.scalar(sa.select(User).where(User.role == Role.INSPECTOR, User.township_id == township_id)
                                  .order_by(User.id).limit(1))
    if admin is None or inspector is None:
        return 0
    office = Office(township_id, seed, admin, inspector)
    month_year = today.year if today >= date(today.year, 6, 1) else today.year - 1
    for year in sorted({month_year, today.year}):
        day = min(date(year, 1, 5), today - timedelta(days=3))
        services.calendar_generate(scope=office.scope, actor_id=admin.id, year=year,
                                   now=office.at(_working_on_or_before(day)))
    made = _hygiene_month(office, _event(township_id, month_year, "hygiene_month"), today)
    return made + _clean_up(office, _next_clean_up(township_id, today), today)


def _event(township_id: int, year: int, key: str) -> CampaignEvent:
    return db.session.scalars(sa.select(CampaignEvent).where(
        CampaignEvent.township_id == township_id, CampaignEvent.year == year, CampaignEvent.key == key)).one()


def _next_clean_up(township_id: int, today: date) -> CampaignEvent:
    """This year's next holiday clean-up (before New Year when the loading day is late in the year)."""
    return db.session.scalars(sa.select(CampaignEvent).where(
        CampaignEvent.township_id == township_id, CampaignEvent.year == today.year,
        CampaignEvent.key.like("%_cleanup"), CampaignEvent.holiday_on > today)
        .order_by(CampaignEvent.holiday_on).limit(1)).one()


def _working_on_or_before(day: date) -> date:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def _start(office: Office, event: CampaignEvent, *, starts_on: date, ends_on: date, on: date, description: str,
           title: str, due_on: date) -> Campaign:
    return services.campaign_create(
        scope=office.scope, actor_id=office.admin.id, now=office.at(on),
        data=CampaignInput(name=event.name, starts_on=starts_on, ends_on=ends_on, description=description,
                           event_id=event.id, request_key=secrets.token_hex(16)),
        tasks=TasksInput(title=title, due_on=due_on, all_villages=True))


def _complete(office: Office, task: CampaignTask, campaign: Campaign, day: date, note: str) -> None:
    """The village's contact marks its own village's task done; the office those of villages without one."""
    scope, user_id = office.worker(task.village_id)
    if task.unit_id is not None:
        unit_user = db.session.scalar(sa.select(User).where(User.unit_id == task.unit_id, User.active.is_(True)))
        scope, user_id = (Scope.of(unit_user), unit_user.id) if unit_user else (office.scope, office.admin.id)
    taken = office.at(day) - timedelta(minutes=40)
    tasks.task_complete(scope=scope, user_id=user_id, task=task, campaign=campaign, now=office.at(day),
                        data=CompleteInput(done_on=day, note=note, request_key=secrets.token_hex(16)),
                        photos=[(f"{task.title}{n + 1}.jpg", _scene(office.rng, taken)) for n in range(2)],
                        store=office.store, limits=office.limits)


def _tasks_of(campaign: Campaign) -> list[CampaignTask]:
    return list(db.session.scalars(sa.select(CampaignTask).where(CampaignTask.campaign_id == campaign.id)
                                   .order_by(CampaignTask.title, CampaignTask.village_id, CampaignTask.id)))


def _hygiene_month(office: Office, event: CampaignEvent, today: date) -> int:
    """April's campaign: every village cleans up and updates its notice board; all but two do both."""
    year = event.year
    campaign = _start(office, event, starts_on=event.starts_on, ends_on=event.ends_on,
                      on=_working_on_or_before(date(year, 3, 27)), title="环境卫生大扫除", due_on=date(year, 4, 25),
                      description="清理卫生死角、沟渠杂草和积存垃圾，开展春季灭鼠和健康教育宣传。")
    services.tasks_add(scope=office.scope, actor_id=office.admin.id, campaign=campaign,
                       now=office.at(_working_on_or_before(date(year, 3, 30))),
                       data=TasksInput(title="更新健康教育宣传栏", due_on=date(year, 4, 15), all_villages=True))
    made = _tasks_of(campaign)
    behind = {t.village_id for t in made}
    behind = set(sorted(behind)[-2:])   # the last two villages leave something undone
    days = [date(year, 4, d) for d in range(3, 29) if is_working_day(date(year, 4, d))]
    for n, task in enumerate(made):
        if task.village_id in behind and task.title == "更新健康教育宣传栏":
            continue
        _complete(office, task, campaign, days[(n * 5) % len(days)],
                  "已更新宣传栏，张贴爱国卫生月主题宣传画。" if "宣传栏" in task.title else "组织村民清理房前屋后和沟渠，清运垃圾。")
    first = next(t for t in made if t.title == "环境卫生大扫除")
    tasks.task_reopen(scope=office.scope, user_id=office.admin.id, task=first,
                      now=office.at(_working_on_or_before(date(year, 4, 27))),
                      data=ReopenInput(note="抽查发现村后沟渠仍有垃圾，请清理后重新上传照片。"))
    _complete(office, first, campaign, _working_on_or_before(date(year, 4, 30)), "已清理村后沟渠并复查。")
    services.campaign_move(scope=office.scope, actor_id=office.admin.id, campaign=campaign, move="close",
                           now=office.at(_working_on_or_before(min(date(year, 5, 8), today - timedelta(days=1)))))
    return len(made)


def _clean_up(office: Office, event: CampaignEvent, today: date) -> int:
    """The next holiday's clean-up (before New Year 2027 on a day late in 2026), under way: a task
    for every village and the demo restaurant; a few done already, one village late with its
    dead-corner task."""
    starts_on = _working_on_or_before(today - timedelta(days=5))
    campaign = _start(office, event, starts_on=starts_on, ends_on=max(event.ends_on, today + timedelta(days=10)),
                      on=starts_on, title="环境卫生大扫除", due_on=max(event.ends_on, today + timedelta(days=7)),
                      description="节前开展环境卫生大扫除，清理卫生死角，做好门前三包。")
    unit_user = db.session.scalar(sa.select(User).where(User.role == Role.UNIT_CONTACT, User.active.is_(True))
                                  .order_by(User.id).limit(1))
    if unit_user is not None and unit_user.unit_id is not None:
        services.tasks_add(scope=office.scope, actor_id=office.admin.id, campaign=campaign, now=office.at(starts_on),
                           data=TasksInput(title="门前三包落实", due_on=today + timedelta(days=5),
                                           unit_ids=[unit_user.unit_id]))
    made = _tasks_of(campaign)
    villages = sorted({t.village_id for t in made if t.unit_id is None})
    services.tasks_add(scope=office.scope, actor_id=office.admin.id, campaign=campaign, now=office.at(starts_on),
                       data=TasksInput(title="清理卫生死角", due_on=_working_on_or_before(today - timedelta(days=1)),
                                       village_ids=villages[:2]))
    done_on = _working_on_or_before(today - timedelta(days=1))
    for task in _tasks_of(campaign):
        if task.title == "清理卫生死角" and task.village_id == villages[0]:
            _complete(office, task, campaign, max(done_on, starts_on), "死角垃圾已清运。")
        elif task.title == "环境卫生大扫除" and task.village_id in villages[2:5]:
            _complete(office, task, campaign, max(done_on, starts_on), "已完成村内大扫除。")
    return len(_tasks_of(campaign))
