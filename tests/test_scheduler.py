"""The scheduler: job heartbeats, catching up at start, one scheduler per database, entry points."""
from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from hygiene.accounts.models import User
from hygiene.extensions import db
from tests.notifications.support import T0

ROOT = Path(__file__).resolve().parents[1]
HOLD_LOCK = """
import sys, time
from config import TestConfig
from hygiene import create_app
from hygiene.scheduler.lock import acquire_scheduler_lock

class Config(TestConfig):
    SQLALCHEMY_DATABASE_URI = sys.argv[1]

lock = acquire_scheduler_lock(create_app(Config))
print("locked" if lock else "busy", flush=True)
time.sleep(60)
"""


def job(job_id):
    from hygiene.scheduler import registered_job

    return registered_job(job_id)


def heartbeat(app, job_id):
    from hygiene.scheduler.models import JobRun

    with app.app_context():
        return db.session.scalar(sa.select(JobRun).where(JobRun.job_id == job_id))


def test_a_job_run_records_its_heartbeat_and_a_failure_keeps_its_error(app, db):
    from hygiene.scheduler.runner import run_job

    def broken(*, now):
        db.session.add(User(username="half-done", display_name="x", password_hash="x", role="admin"))
        db.session.flush()
        raise RuntimeError("scan exploded")

    assert run_job(app, "scan_deadlines", lambda *, now: "3 reminders", clock=lambda: T0)
    assert (heartbeat(app, "scan_deadlines").last_status, heartbeat(app, "scan_deadlines").last_result) == (
        "ok", "3 reminders")
    assert not run_job(app, "scan_deadlines", broken, clock=lambda: T0 + timedelta(hours=1))
    run = heartbeat(app, "scan_deadlines")
    assert (run.runs, run.last_status, run.last_error_at) == (2, "error", T0 + timedelta(hours=1))
    assert "scan exploded" in run.last_error and run.worker.endswith(f":{os.getpid()}")
    with app.app_context():  # the failed job's own writes were rolled back
        assert db.session.scalar(sa.select(User).where(User.username == "half-done")) is None


def test_the_hourly_scan_runs_the_sweeps_of_both_domains_under_one_id(app, db):
    with app.app_context():
        summary = job("scan_deadlines").func(now=T0)
        assert set(summary) == {"reminders", "newly_overdue", "inspection_reminders"}
        assert job("generate_inspections").func(now=T0) == {"inspections_made": 0}


def test_the_dispatch_job_sends_what_is_due(app, world):
    from hygiene.notifications.jobs import dispatch_notifications
    from hygiene.notifications.services import notify
    from hygiene.scheduler.runner import run_job

    with app.app_context():
        notify(recipient=db.session.get(User, world.user_admin_a), kind="digest", subject="今日待办",
               body="", dedupe_key="2026-03-02", send_after=T0)
        db.session.commit()
    assert run_job(app, "dispatch_notifications", dispatch_notifications, clock=lambda: T0)
    assert json.loads(heartbeat(app, "dispatch_notifications").last_result) == {"sent": 1, "failed": 0}


def test_the_scheduler_runs_in_beijing_time_with_safe_job_defaults(app, db):
    from hygiene.scheduler import registered_jobs
    from hygiene.scheduler.scheduling import build_scheduler

    scheduler = build_scheduler(app, now=T0)
    scheduler.start(paused=True)
    try:
        assert str(scheduler.timezone) == "Asia/Shanghai"
        assert {j.id for j in scheduler.get_jobs()} == {j.id for j in registered_jobs()}
        dispatch = scheduler.get_job("dispatch_notifications")
        assert (dispatch.coalesce, dispatch.max_instances, dispatch.misfire_grace_time) == (True, 1, 300)
        assert all(str(j.trigger.timezone) == "Asia/Shanghai" for j in scheduler.get_jobs())
    finally:
        scheduler.shutdown(wait=False)


def finished_at(moment):
    """A heartbeat whose last run started and finished at `moment`."""
    from hygiene.scheduler.models import JobRun

    return JobRun(last_started_at=moment, last_finished_at=moment, last_status="ok", deaths=0)


def test_at_start_sweeps_run_once_and_daily_jobs_only_when_their_time_passed_unrun(app, db):
    from hygiene.clock import zone_named
    from hygiene.scheduler.runner import catch_up_due

    beijing = zone_named("Asia/Shanghai")
    beijing_0200 = datetime(2026, 3, 1, 18, 0, tzinfo=UTC)
    beijing_0900 = T0
    assert catch_up_due(job("dispatch_notifications"), finished_at(T0 - timedelta(days=3)), T0, beijing)
    assert catch_up_due(job("scan_deadlines"), None, T0, beijing)
    digest = job("morning_digest")  # 07:30
    assert not catch_up_due(digest, None, beijing_0200, beijing)  # never at 2 a.m.
    assert catch_up_due(digest, None, beijing_0900, beijing)
    assert catch_up_due(digest, finished_at(beijing_0900 - timedelta(days=2)), beijing_0900, beijing)
    assert not catch_up_due(digest, finished_at(beijing_0900 - timedelta(hours=1, minutes=29)),
                            beijing_0900, beijing)  # ran 07:31
    generate = job("generate_inspections")  # 01:05
    assert catch_up_due(generate, finished_at(beijing_0200 - timedelta(hours=2)), beijing_0200, beijing)
    assert not catch_up_due(generate, finished_at(beijing_0200 - timedelta(minutes=50)), beijing_0200,
                            beijing)  # ran 01:10


def test_missed_jobs_are_due_at_once_when_the_scheduler_is_built(app, db):
    from hygiene.scheduler.runner import run_job
    from hygiene.scheduler.scheduling import build_scheduler

    run_job(app, "generate_inspections", lambda *, now: "", clock=lambda: T0)  # ran today 09:00
    scheduler = build_scheduler(app, now=T0 + timedelta(hours=1))
    scheduler.start(paused=True)
    try:
        assert scheduler.get_job("dispatch_notifications").next_run_time == T0 + timedelta(hours=1)
        assert scheduler.get_job("morning_digest").next_run_time == T0 + timedelta(hours=1)  # 07:30 unrun
        assert scheduler.get_job("generate_inspections").next_run_time > T0 + timedelta(hours=15)
    finally:
        scheduler.shutdown(wait=False)


def test_a_second_scheduler_cannot_take_the_lock_until_the_first_lets_go(app):
    from hygiene.scheduler.lock import acquire_scheduler_lock

    first = acquire_scheduler_lock(app)
    assert first is not None
    try:
        assert acquire_scheduler_lock(app) is None  # a second open file / a second connection
    finally:
        first.release()
    again = acquire_scheduler_lock(app)
    assert again is not None
    again.release()


def test_the_file_lock_lies_beside_the_sqlite_database(app, tmp_path):
    from hygiene.scheduler.lock import lock_path

    url = sa.engine.make_url(f"sqlite:///{tmp_path}/hygiene.db")
    assert lock_path(app, url) == f"{tmp_path}/hygiene.db.scheduler.lock"
    assert lock_path(app, sa.engine.make_url("sqlite://")).endswith(os.path.join("instance", "scheduler.lock"))


def test_a_lock_holder_killed_with_sigkill_leaves_the_lock_free(app):
    from hygiene.scheduler.lock import acquire_scheduler_lock

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, url], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert _first_line(holder) == "locked"
        assert acquire_scheduler_lock(app) is None
        holder.send_signal(signal.SIGKILL)
        holder.wait(5)
        lock = _retry(lambda: acquire_scheduler_lock(app))
        assert lock is not None
        lock.release()
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.stdout.close()


def _first_line(process, timeout=20) -> str:
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        assert selector.select(timeout), "the lock-holding process did not answer"
        return process.stdout.readline().strip()


def _retry(attempt, seconds=5.0):
    deadline = time.monotonic() + seconds
    while (result := attempt()) is None and time.monotonic() < deadline:
        time.sleep(0.05)  # the server notices the closed connection within moments
    return result


def test_the_embedded_scheduler_catches_up_at_start_and_a_second_one_does_not_start(app, world):
    from hygiene.clock import now_utc
    from hygiene.notifications.models import Notification
    from hygiene.notifications.services import notify
    from hygiene.scheduler.scheduling import running_here, start_embedded, stop_scheduler

    with app.app_context():
        notify(recipient=db.session.get(User, world.user_admin_a), kind="digest", subject="今日待办",
               body="", dedupe_key="boot", send_after=now_utc() - timedelta(minutes=1))
        db.session.commit()
    scheduler = start_embedded(app)
    try:
        assert scheduler is not None and scheduler.running and running_here(app).mode == "embedded"
        assert start_embedded(_second_app(app)) is None  # the lock is taken
        sent = _retry(lambda: _sent(app, Notification) or None)
        assert sent == 1
    finally:
        stop_scheduler(app)
    assert running_here(app) is None


def _sent(app, model):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(model.id)).where(model.sent_at.is_not(None)))


def _second_app(app):
    from config import TestConfig
    from hygiene import create_app

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]

    return create_app(Config)


def test_the_scheduler_command_refuses_to_start_beside_another_scheduler(app, db):
    from hygiene.scheduler.cli import scheduler_command
    from hygiene.scheduler.lock import acquire_scheduler_lock

    held = acquire_scheduler_lock(app)
    try:
        result = app.test_cli_runner().invoke(scheduler_command, ["--no-standby"])
    finally:
        held.release()
    assert result.exit_code == 1 and "another scheduler holds the lock" in result.output
