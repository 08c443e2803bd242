"""A village or unit completes its task with a note and photos (on a phone), once per form:
a resend or identical posts at the same moment complete it once and keep the photos once; bad
input and bad photos are refused with nothing written; the office reopens a task, and only the
task's own people may do either."""
import os
import threading
import uuid
from datetime import timedelta

import sqlalchemy as sa

from hygiene.audit.models import AuditEvent
from hygiene.campaigns.models import Campaign
from hygiene.campaigns.status import TaskStatus
from hygiene.extensions import db
from hygiene.media.models import Photo
from tests.campaigns.helpers import (
    TODAY,
    add_campaign,
    complete_data,
    counts,
    jpeg,
    post_form,
    signed_in,
    status_of,
    task_of,
)


def complete(client, task_id, **changes):
    return client.post(f"/campaigns/tasks/{task_id}/complete", data=complete_data(**changes),
                       content_type="multipart/form-data")


def stored_files(app):
    return sorted(os.path.join(d, f) for d, _dirs, files in os.walk(app.config["UPLOAD_DIR"]) for f in files)


def test_a_village_contact_completes_its_task_with_photos(app, client, login, world):
    with app.app_context():
        ids = add_campaign(world)
    login("village_a1")
    page = client.get(f"/campaigns/tasks/{ids['a1']}").get_data(as_text=True)
    assert 'name="photos"' in page and 'capture="environment"' in page
    answer = complete(client, ids["a1"], photos=[("扫除前.jpg", jpeg()), ("扫除后.jpg", jpeg((200, 30, 30)))])
    assert answer.status_code == 303
    task = task_of(app, ids["a1"])
    assert (task.status, task.done_on, task.done_note) == (TaskStatus.DONE, TODAY, "村内主干道和沟渠已清理")
    with app.app_context():
        photos = list(db.session.scalars(sa.select(Photo).where(Photo.campaign_task_id == task.id)))
        assert len(photos) == 2 and {p.purpose for p in photos} == {"campaign_task"}
    shown = client.get(f"/campaigns/tasks/{ids['a1']}").get_data(as_text=True)
    assert f"/inspections/photos/{photos[0].id}/thumb" in shown
    thumb = client.get(f"/inspections/photos/{photos[0].id}/thumb")
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    thumb.close()
    login("village_b1")
    assert client.get(f"/campaigns/tasks/{ids['a1']}").status_code == 404
    assert client.get(f"/inspections/photos/{photos[0].id}/thumb").status_code == 404


def test_a_resent_form_completes_once_and_keeps_its_photos_once(app, client, login, world):
    with app.app_context():
        ids = add_campaign(world)
    login("village_a1")
    key = uuid.uuid4().hex
    assert complete(client, ids["a1"], request_key=key, photos=[("a.jpg", jpeg())]).status_code == 303
    before = counts(app)
    again = complete(client, ids["a1"], request_key=key, photos=[("a.jpg", jpeg())])
    assert again.status_code == 303
    assert counts(app) == before
    other = complete(client, ids["a1"], photos=[("b.jpg", jpeg((1, 2, 3)))])   # another form: already done
    assert other.status_code == 303
    assert counts(app) == before


def test_bad_completion_input_is_refused_and_nothing_is_written(app, client, login, world):
    with app.app_context():
        ids = add_campaign(world)
    login("village_a1")
    before, files = counts(app), stored_files(app)
    for changes in ({"done_on": ""}, {"done_on": "2026-02-30"}, {"done_on": (TODAY + timedelta(days=1)).isoformat()},
                    {"done_on": (TODAY - timedelta(days=30)).isoformat()}, {"done_on": "99999-01-01"},
                    {"note": "x" * 2001}, {"photos": [("a.jpg", jpeg()), ("not.jpg", b"not an image")]}):
        answer = complete(client, ids["a1"], **changes)
        assert answer.status_code == 422, changes
        assert 'class="error' in answer.get_data(as_text=True), changes
    assert complete(client, ids["a1"], note="扫\x00除").status_code == 400
    assert counts(app) == before and stored_files(app) == files
    assert task_of(app, ids["a1"]).status == TaskStatus.OPEN


def test_only_the_tasks_own_contact_or_the_office_completes_it(app, client, login, world):
    with app.app_context():
        ids = add_campaign(world, places=(("a1", None), ("a1", "unit_a1")))
    login("unit_a1")
    assert complete(client, ids["a1"]).status_code == 404            # the village's task: not the unit's to see
    assert complete(client, ids["unit_a1"]).status_code == 303
    login("village_a1")
    assert client.get(f"/campaigns/tasks/{ids['unit_a1']}").status_code == 200   # sees its units' tasks
    with app.app_context():
        ids2 = add_campaign(world, places=(("a1", "unit_a1"),), title="门前三包", name="另一活动")
    assert complete(client, ids2["unit_a1"]).status_code == 403      # ...but the unit completes its own
    login("inspector_a")
    assert complete(client, ids["a1"]).status_code == 403
    login("admin_a")
    assert complete(client, ids["a1"]).status_code == 303            # a village that phoned it in


def test_a_closed_campaigns_tasks_are_not_completed(app, client, login, world):
    with app.app_context():
        ids = add_campaign(world)
        db.session.get(Campaign, ids["campaign"]).status = "closed"
        db.session.commit()
    login("village_a1")
    assert 'name="photos"' not in client.get(f"/campaigns/tasks/{ids['a1']}").get_data(as_text=True)
    assert complete(client, ids["a1"]).status_code == 303
    assert task_of(app, ids["a1"]).status == TaskStatus.OPEN


def test_the_office_reopens_a_done_task_saying_why(app, client, login, world):
    with app.app_context():
        ids = add_campaign(world)
    login("village_a1")
    complete(client, ids["a1"])
    assert client.post(f"/campaigns/tasks/{ids['a1']}/reopen", data={"note": "不干净"}).status_code == 403
    login("admin_a")
    assert client.post(f"/campaigns/tasks/{ids['a1']}/reopen", data={"note": ""}).status_code == 422
    assert task_of(app, ids["a1"]).status == TaskStatus.DONE
    assert client.post(f"/campaigns/tasks/{ids['a1']}/reopen", data={"note": "沟渠仍有垃圾"}).status_code == 303
    assert client.post(f"/campaigns/tasks/{ids['a1']}/reopen", data={"note": "沟渠仍有垃圾"}).status_code == 303
    task = task_of(app, ids["a1"])
    assert (task.status, task.reopened, task.reopen_note) == (TaskStatus.OPEN, 1, "沟渠仍有垃圾")
    login("village_a1")
    page = client.get(f"/campaigns/tasks/{ids['a1']}").get_data(as_text=True)
    assert "沟渠仍有垃圾" in page
    assert complete(client, ids["a1"]).status_code == 303
    assert task_of(app, ids["a1"]).status == TaskStatus.DONE


def test_identical_completions_at_the_same_moment_complete_once(app, live, world):
    with app.app_context():
        ids = add_campaign(world)
    opener = signed_in(live, "village_a1")
    start, statuses, key = threading.Barrier(4), [], uuid.uuid4().hex

    def post():
        start.wait()
        statuses.append(post_form(opener, f"{live}/campaigns/tasks/{ids['a1']}/complete",
                                  {"done_on": TODAY.isoformat(), "note": "已完成", "request_key": key}))

    workers = [threading.Thread(target=post) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert statuses == [303] * 4
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.entity_type == "campaign_task", AuditEvent.action == "complete")) == 1
    assert status_of(opener, f"{live}/campaigns/tasks/{ids['a1']}") == 200


def test_a_campaign_not_yet_started_says_so_and_its_task_opens_on_the_first_day(app, client, login, world):
    with app.app_context():
        ids = add_campaign(world, starts_on=TODAY + timedelta(days=3), due_on=TODAY + timedelta(days=10))
    login("admin_a")
    assert "未开始" in client.get("/campaigns/").get_data(as_text=True)
    assert "未开始" in client.get(f"/campaigns/{ids['campaign']}").get_data(as_text=True)
    login("village_a1")
    page = client.get(f"/campaigns/tasks/{ids['a1']}").get_data(as_text=True)
    assert 'name="photos"' not in page
    assert (TODAY + timedelta(days=3)).isoformat() in page and "起" in page
    assert complete(client, ids["a1"]).status_code == 303
    assert task_of(app, ids["a1"]).status == TaskStatus.OPEN


def test_a_sent_back_task_tells_its_contact_shows_why_and_keeps_the_earlier_completion(app, client, login, world):
    from hygiene.accounts.models import User
    from hygiene.notifications.models import Notification

    with app.app_context():
        ids = add_campaign(world)
    login("village_a1")
    assert complete(client, ids["a1"], note="第一次清理", photos=[("前.jpg", jpeg())]).status_code == 303
    login("admin_a")
    assert client.post(f"/campaigns/tasks/{ids['a1']}/reopen", data={"note": "沟渠仍有垃圾"}).status_code == 303
    assert client.post(f"/campaigns/tasks/{ids['a1']}/reopen", data={"note": "沟渠仍有垃圾"}).status_code == 303
    with app.app_context():
        told = db.session.execute(sa.select(User.username, Notification.body, Notification.link)
                                  .join(User, User.id == Notification.recipient_id)
                                  .where(Notification.kind == "campaign_task_reopened",
                                         Notification.channel == "in_app")).all()
        first_photo = db.session.scalar(sa.select(Photo.id).where(Photo.campaign_task_id == ids["a1"]))
    assert [(u, link) for u, _b, link in told] == [("village_a1", f"/campaigns/tasks/{ids['a1']}")]
    assert "沟渠仍有垃圾" in told[0][1]
    login("village_a1")
    listed = client.get("/campaigns/").get_data(as_text=True)
    assert "已退回" in listed and "沟渠仍有垃圾" in listed
    page = client.get(f"/campaigns/tasks/{ids['a1']}").get_data(as_text=True)
    assert "第一次清理" in page and f"/inspections/photos/{first_photo}/thumb" in page and 'name="photos"' in page
    assert complete(client, ids["a1"], note="第二次清理").status_code == 303
    page = client.get(f"/campaigns/tasks/{ids['a1']}").get_data(as_text=True)
    assert "第一次清理" in page and "第二次清理" in page and "已退回" not in page.split("<h1>")[1].split("</div>")[0]
