"""Reminders through the outbox before a campaign starts and before each task is due (days
from the office's settings, with defaults), each once however often the job runs; and the task
roster as Excel, within the exporter's scope."""
from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import sqlalchemy as sa
from openpyxl import load_workbook

from hygiene.accounts.models import User
from hygiene.campaigns.models import CampaignTask
from hygiene.campaigns.reminders import scan_campaigns
from hygiene.campaigns.status import TaskStatus
from hygiene.extensions import db
from hygiene.notifications.models import Notification
from tests.campaigns.helpers import TODAY, add_campaign

START = date(2026, 12, 22)


def morning(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 0, 30, tzinfo=UTC)  # 08:30 in Shanghai


def scan(app, day: date) -> dict[str, int]:
    with app.app_context():
        result = scan_campaigns(now=morning(day))
        db.session.commit()
        return result


def sent(app, kind: str) -> list[tuple[str, str]]:
    with app.app_context():
        return [(user, link) for user, link in db.session.execute(
            sa.select(User.username, Notification.link).join(User, User.id == Notification.recipient_id)
            .where(Notification.kind == kind, Notification.channel == "in_app").order_by(Notification.id))]


def test_people_are_told_before_the_start_and_before_each_due_date_once(app, world):
    with app.app_context():
        ids = add_campaign(world, starts_on=START, due_on=START + timedelta(days=8),
                           places=(("a1", None), ("a1", "unit_a1")))
    assert scan(app, START - timedelta(days=4)) == {"campaign_starting": 0, "campaign_task_due": 0}
    assert scan(app, START - timedelta(days=3))["campaign_starting"] == 3   # village, unit, the office's admin
    assert sorted(u for u, _link in sent(app, "campaign_starting")) == ["admin_a", "unit_a1", "village_a1"]
    assert scan(app, START - timedelta(days=2)) == {"campaign_starting": 0, "campaign_task_due": 0}
    assert scan(app, START + timedelta(days=5))["campaign_task_due"] == 0
    assert scan(app, START + timedelta(days=6))["campaign_task_due"] == 2
    assert scan(app, START + timedelta(days=6))["campaign_task_due"] == 0
    assert sorted(sent(app, "campaign_task_due")) == [("unit_a1", f"/campaigns/tasks/{ids['unit_a1']}"),
                                                      ("village_a1", f"/campaigns/tasks/{ids['a1']}")]


def test_the_office_sets_its_own_days_and_done_tasks_are_not_reminded(app, client, login, world):
    with app.app_context():
        ids = add_campaign(world, starts_on=START, due_on=START + timedelta(days=8))
        db.session.get(CampaignTask, ids["a2"]).status = TaskStatus.DONE
        db.session.commit()
    login("admin_a")
    assert client.post("/campaigns/settings", data={"days_before_start": "31", "days_before_due": "5"}).status_code == 422
    assert client.post("/campaigns/settings", data={"days_before_start": "-1", "days_before_due": "5"}).status_code == 422
    assert client.post("/campaigns/settings", data={"days_before_start": "7", "days_before_due": "5"}).status_code == 303
    assert scan(app, START - timedelta(days=7))["campaign_starting"] == 2    # village_a1 and the admin
    assert scan(app, START + timedelta(days=3))["campaign_task_due"] == 1    # a2's task is done; a2 has no contact anyway
    login("village_a1")
    assert client.get("/campaigns/settings").status_code == 403


def test_the_task_roster_exports_the_tasks_the_exporter_may_see(app, client, login, world):
    with app.app_context():
        ids = add_campaign(world, places=(("a1", None), ("a2", None), ("a1", "unit_a1")))
        task = db.session.get(CampaignTask, ids["a1"])
        task.status, task.done_on, task.done_note = TaskStatus.DONE, TODAY, "已清理"
        db.session.commit()
    login("admin_a")
    answer = client.get(f"/exports/campaign_tasks.xlsx?campaign_id={ids['campaign']}")
    assert answer.status_code == 200
    sheet = list(load_workbook(BytesIO(answer.data)).active.iter_rows(values_only=True))
    assert "元旦前环境卫生大扫除" in sheet[0][0]
    assert sheet[1][:4] == ("序号", "村/社区", "单位", "任务")
    assert sorted((line[1], line[2] or "", line[5]) for line in sheet[2:]) == [
        ("甲一村", "", "已完成"), ("甲一村", "a1饭店", "未完成"), ("甲二村", "", "未完成")]
    login("unit_a1")
    mine = list(load_workbook(BytesIO(client.get(f"/exports/campaign_tasks.xlsx?campaign_id={ids['campaign']}").data))
                .active.iter_rows(values_only=True))
    assert [line[2] for line in mine[2:]] == ["a1饭店"]
    login("admin_b")
    assert client.get(f"/exports/campaign_tasks.xlsx?campaign_id={ids['campaign']}").status_code == 404
    assert client.get("/exports/campaign_tasks.xlsx?campaign_id=99999999999999999999").status_code == 400  # unreadable: refused, not a 500
