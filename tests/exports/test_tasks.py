"""Background exports: asked once, run once, progress shown, the file only for the one who asked."""
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from hygiene.exports import jobs, services, views
from hygiene.exports.models import ExportTask
from hygiene.exports.status import TaskStatus
from hygiene.extensions import db
from hygiene.notifications.models import Notification
from tests.exports_helpers import NOVEMBER, book, inspected, table  # noqa: F401  (fixture)
from tests.inspections.conftest import inspection  # noqa: F401  (fixture)

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


@pytest.fixture
def background(app, monkeypatch, tmp_path):
    """Every export goes to the background; files go to a folder of the test."""
    monkeypatch.setattr(views, "SYNC_ROWS", 0)
    monkeypatch.setitem(app.config, "EXPORT_DIR", str(tmp_path / "exports"))
    return tmp_path / "exports"


def ask(client, url=NOVEMBER):
    """Ask for the export as the confirmation page does; returns the task's id."""
    page = client.get(url)
    assert page.status_code == 200 and "后台" in page.text
    response = client.post(url)
    assert response.status_code == 303, response.status_code
    return int(response.headers["Location"].rsplit("/", 1)[1])


def run(app, now=NOW):
    with app.app_context():
        return jobs.run_exports(now=now)


def task_of(app, task_id):
    with app.app_context():
        task = db.session.get(ExportTask, task_id)
        db.session.expunge(task)
        return task


def test_a_big_export_runs_in_the_background_and_its_file_is_the_same_as_a_small_ones(
        app, client, login, inspected, background, monkeypatch):  # noqa: F811
    login("admin_a")
    monkeypatch.setattr(views, "SYNC_ROWS", 10**9)
    direct = book(client.get(NOVEMBER))
    monkeypatch.setattr(views, "SYNC_ROWS", 0)
    task_id = ask(client)
    assert task_of(app, task_id).status == TaskStatus.QUEUED
    page = client.get(f"/exports/tasks/{task_id}")
    assert page.status_code == 200 and "等待开始" in page.text and "export-progress" in page.text
    assert client.get(f"/exports/tasks/{task_id}.json").json == {
        "status": "queued", "label": "等待开始……", "percent": 0, "progress": 0, "total": task_of(app, task_id).total, "finished": False}
    assert run(app) == {"exports_made": 1}
    task = task_of(app, task_id)
    assert (task.status, task.pending_key, task.attempts, task.percent) == ("done", None, 1, 100)
    assert client.get(f"/exports/tasks/{task_id}.json").json["finished"] is True
    assert "export-download" in client.get(f"/exports/tasks/{task_id}").text
    with client.get(f"/exports/tasks/{task_id}/download") as download:
        assert 'filename="inspections-2026-11-01-2026-11-30.xlsx"' in download.headers["Content-Disposition"]
        assert download.headers["Cache-Control"] == "private, no-store"
        later = book(download)
    assert [table(sheet) for sheet in later.worksheets] == [table(sheet) for sheet in direct.worksheets]
    assert run(app) == {"exports_made": 0}  # done once, not again


def test_the_asker_gets_an_in_app_notice_linking_to_the_task(app, client, login, world, inspected, background):  # noqa: F811
    login("village_a1")
    task_id = ask(client)
    run(app)
    with app.app_context():
        notices = list(db.session.scalars(sa.select(Notification).where(Notification.kind == "export")))
        assert [(n.recipient_id, n.channel, n.link) for n in notices] == [
            (world.user_village_a1, "in_app", f"/exports/tasks/{task_id}")]
        assert "可以下载" in notices[0].subject and "保留一周" in notices[0].body  # the body says more than the title
    assert "可以下载" in client.get("/notifications/").text


def test_a_double_tapped_export_finds_the_task_already_asked_for(app, client, login, inspected, background):  # noqa: F811
    login("admin_a")
    first, second = ask(client), ask(client)
    assert first == second
    other = ask(client, NOVEMBER.replace("2026-11-30", "2026-11-29"))
    assert other != first
    login("inspector_a")
    assert ask(client) not in (first, other)  # another user's same export is their own task
    run(app)
    login("admin_a")
    assert ask(client) not in (first, other)  # once done, asking again makes a fresh file


def test_nobody_else_sees_or_downloads_someones_export(app, client, login, inspected, background):  # noqa: F811
    login("admin_a")
    task_id = ask(client)
    run(app)
    for username in ("village_a1", "admin_b", "inspector_a", "county"):
        login(username)
        for url in (f"/exports/tasks/{task_id}", f"/exports/tasks/{task_id}.json",
                    f"/exports/tasks/{task_id}/download"):
            assert client.get(url).status_code == 404, (username, url)
    for url in ("/exports/tasks/99999999999999999999", "/exports/tasks/99999999999999999999/download",
                "/exports/tasks/2147483648.json", "/exports/nothing.xlsx"):
        assert client.get(url).status_code == 404, url
    client.post("/logout")
    assert client.get(f"/exports/tasks/{task_id}/download").status_code == 302  # to the sign-in page


def test_a_village_contacts_background_export_holds_only_its_village(app, client, login, inspected, background):  # noqa: F811
    login("village_a1")
    task_id = ask(client)
    run(app)
    with client.get(f"/exports/tasks/{task_id}/download") as download:
        inspections, answers = book(download).worksheets
    assert {r[3] for r in table(inspections)} == {"甲一村"} and {r[0] for r in table(answers)} == {inspected.a1}


def test_a_bad_date_range_is_refused_before_any_task(app, client, login, world, background):
    login("admin_a")
    response = client.post("/exports/inspections.xlsx?start=2026-13-01")
    assert response.status_code == 400 and "YYYY-MM-DD" in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportTask)) == 0


def test_a_failing_export_is_recorded_and_its_user_told(app, client, login, inspected, background, monkeypatch):  # noqa: F811
    login("admin_a")
    task_id = ask(client)

    def broken(scope, params):
        raise RuntimeError("disk full")

    from hygiene.exports import registry
    kind = registry.export_kind("inspections")
    monkeypatch.setitem(registry._KINDS, "inspections", type(kind)(**{**vars(kind), "sheets": broken}))
    run(app)
    task = task_of(app, task_id)
    assert (task.status, task.pending_key) == ("failed", None) and "disk full" in task.error
    assert "导出失败" in client.get(f"/exports/tasks/{task_id}").text
    assert client.get(f"/exports/tasks/{task_id}/download").status_code == 302
    assert list(background.iterdir()) == []  # no half-written file left behind
    with app.app_context():
        assert "失败" in db.session.scalar(sa.select(Notification.subject).where(Notification.kind == "export"))


def test_a_task_whose_runner_died_is_run_again_after_a_restart(app, client, login, inspected, background):  # noqa: F811
    login("admin_a")
    task_id = ask(client)
    with app.app_context():  # a scheduler took it and was killed mid-file
        db.session.execute(sa.update(ExportTask).values(status="running", worker="old-host:1", attempts=1,
                                                        heartbeat_at=NOW, started_at=NOW))
        db.session.commit()
    assert run(app) == {"exports_made": 1, "exports_requeued": 1}
    task = task_of(app, task_id)
    assert (task.status, task.attempts) == ("done", 2)


def test_a_silent_task_of_this_process_is_taken_again_and_given_up_after_three_tries(app, ctx, world):
    from hygiene.scheduler.runner import worker_name

    task = ExportTask(user_id=world.user_admin_a, kind="orders", params={}, pending_key="k", status="running",
                      worker=worker_name(), attempts=1, heartbeat_at=NOW, created_at=NOW)
    db.session.add(task)
    db.session.flush()
    assert services.requeue_stale(now=NOW + timedelta(minutes=1), worker=worker_name()) == 0  # still alive
    assert services.requeue_stale(now=NOW + timedelta(minutes=6), worker=worker_name()) == 1
    db.session.refresh(task)
    assert task.status == "queued"
    task.status, task.attempts = "running", services.MAX_ATTEMPTS
    db.session.flush()
    services.requeue_stale(now=NOW + timedelta(minutes=20), worker=worker_name())
    db.session.refresh(task)
    assert (task.status, task.pending_key) == ("failed", None)


def test_two_runners_claiming_at_once_run_a_task_once(app, world):
    with app.app_context():
        db.session.add(ExportTask(user_id=world.user_admin_a, kind="orders", params={}, pending_key="k",
                                  status="queued", created_at=NOW))
        db.session.commit()
    ready = threading.Barrier(2)
    claimed: list = []

    def claim(name):
        with app.app_context():
            ready.wait()
            claimed.append(services.export_claim(now=NOW, worker=name))
            db.session.commit()

    threads = [threading.Thread(target=claim, args=(f"w{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed, key=str) == sorted([None, claimed[0] or claimed[1]], key=str)
    assert claimed.count(None) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(ExportTask.attempts)) == 1


def test_old_files_and_their_tasks_are_cleaned(app, client, login, inspected, background):  # noqa: F811
    login("admin_a")
    task_id = ask(client)
    run(app)
    files = list(background.iterdir())
    assert len(files) == 1
    with app.app_context():
        assert jobs.clean_exports(now=datetime.now(UTC) + timedelta(days=1)) == {"exports_removed": 0}
        assert jobs.clean_exports(now=datetime.now(UTC) + timedelta(days=8)) == {"exports_removed": 1}
        db.session.commit()  # as the job's run does
    assert not files[0].exists()
    assert client.get(f"/exports/tasks/{task_id}").status_code == 404


def test_small_exports_still_answer_in_the_request(client, login, inspected, app):  # noqa: F811
    login("admin_a")
    assert client.get("/exports/orders.xlsx").mimetype.endswith("sheet")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportTask)) == 0


def test_the_office_sets_how_big_an_export_may_be_before_it_goes_to_the_background(
        app, client, login, inspected, monkeypatch):  # noqa: F811
    login("admin_a")
    monkeypatch.setitem(app.config, "EXPORT_SYNC_ROWS", 0)
    assert "后台" in client.get(NOVEMBER).text  # asks to run it in the background
    monkeypatch.setitem(app.config, "EXPORT_SYNC_ROWS", 10**9)
    assert client.get(NOVEMBER).headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml")


def test_the_confirmation_leads_back_to_the_list_it_came_from_and_never_off_the_site(
        client, login, inspected, background):  # noqa: F811
    login("admin_a")
    came_from = client.get(NOVEMBER, headers={"Referer": "http://localhost/inspections/?start=2026-11-01"})
    assert '<a class="button secondary" href="/inspections/?start=2026-11-01">' in came_from.text
    foreign = client.get(NOVEMBER, headers={"Referer": "http://evil.example/inspections/"})
    assert '<a class="button secondary" href="/">' in foreign.text and "evil.example" not in foreign.text
