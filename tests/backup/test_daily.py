"""The daily backup: a dated folder a day, photos linked from the day before, old days pruned
(never the newest finished one), and a failure told to the administrators and on the jobs page."""
import os
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from hygiene.backup import database
from hygiene.backup.daily import backup_daily, finished, prune
from hygiene.backup.database import BackupError, client_new_enough
from hygiene.backup.jobs import daily_backup
from hygiene.backup.services import MANIFEST
from hygiene.core.web import photo_store
from hygiene.extensions import db
from hygiene.notifications.models import Notification
from hygiene.scheduler.runner import run_job
from tests.backup.test_backup_restore import sheet, write_one

NOW = datetime(2026, 11, 30, 18, 30, tzinfo=UTC)  # 02:30 on 1 December in Shanghai


@pytest.fixture
def backups(app, tmp_path):
    app.config["BACKUP_DIR"] = str(tmp_path / "backups")
    yield tmp_path / "backups"
    app.config["BACKUP_DIR"] = ""


def test_each_day_gets_its_folder_and_unchanged_photos_are_linked_not_copied(app, world, tmp_path):
    version_id, items = sheet(app, world)
    with app.app_context():
        write_one(world, version_id, items, 1)
        first, _ = backup_daily(store=photo_store(), root=tmp_path, today=date(2026, 11, 30), now=NOW, keep_days=7)
        second, _ = backup_daily(store=photo_store(), root=tmp_path, today=date(2026, 12, 1), now=NOW, keep_days=7)
    assert [f.name for f in finished(tmp_path)] == ["2026-11-30", "2026-12-01"]
    assert first.photos_written >= 4 and second.photos_written == 0
    listed = (tmp_path / "2026-12-01" / "photos.tsv").read_text().splitlines()
    key = listed[0].split("\t")[0]
    assert os.path.samefile(tmp_path / "2026-11-30" / "photos" / key, tmp_path / "2026-12-01" / "photos" / key)


def test_old_days_go_but_the_newest_finished_backup_stays(tmp_path):
    for day in ("2026-11-01", "2026-11-20", "2026-11-28", "2026-11-29"):
        (tmp_path / day).mkdir()
    (tmp_path / "2026-11-01" / MANIFEST).write_text("{}")
    (tmp_path / "notes").mkdir()  # not a dated folder: never touched
    removed = prune(tmp_path, today=date(2026, 11, 30), keep_days=7)
    assert removed == 1  # 2026-11-20; 2026-11-01 is the newest finished backup, however old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-11-01", "2026-11-28", "2026-11-29", "notes"]


def test_the_job_does_nothing_without_a_backup_dir(app, world):
    assert run_job(app, "daily_backup", daily_backup, lambda: NOW)
    page = _jobs_page(app)
    assert "BACKUP_DIR" in page


def test_the_job_backs_up_into_todays_folder_and_the_jobs_page_shows_it(app, world, backups, login):
    assert run_job(app, "daily_backup", daily_backup, lambda: NOW)
    assert (backups / "2026-12-01" / MANIFEST).is_file()  # the local date in Shanghai
    page = login("admin_a").get("/admin/jobs/").get_data(as_text=True)
    assert "2026-12-01 02:30" in page and "MB" in page


def test_a_failed_backup_tells_every_administrator_once_and_the_page_says_why(app, world, backups, monkeypatch, login):
    def broken(*_args, **_kwargs):
        raise BackupError("pg_dump failed: disk full")

    monkeypatch.setattr(database, "dump", broken)
    assert not run_job(app, "daily_backup", daily_backup, lambda: NOW)
    assert not run_job(app, "daily_backup", daily_backup, lambda: NOW)  # a second try the same day
    with app.app_context():
        told = db.session.scalars(sa.select(Notification.recipient_id).where(
            Notification.kind == "backup_failed", Notification.channel == "in_app")).all()
    assert sorted(told) == sorted([world.user_county, world.user_admin_a, world.user_admin_b])
    page = login("admin_a").get("/admin/jobs/").get_data(as_text=True)
    assert "disk full" in page
    assert not finished(backups)


def test_a_pg_client_older_than_the_server_is_refused_with_a_clear_message():
    client_new_enough("pg_dump", "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)", 15)
    with pytest.raises(BackupError, match="older than the server"):
        client_new_enough("pg_dump", "pg_dump (PostgreSQL) 13.4", 15)


def test_a_missing_pg_dump_is_named(monkeypatch):
    monkeypatch.setattr(database.shutil, "which", lambda _name: None)
    with pytest.raises(BackupError, match="pg_dump was not found"):
        database._pg_tool("pg_dump", engine=None)  # type: ignore[arg-type]


def _jobs_page(app):
    client = app.test_client()
    client.post("/login", data={"username": "county", "password": "pw-12345678"})
    return client.get("/admin/jobs/").get_data(as_text=True)
