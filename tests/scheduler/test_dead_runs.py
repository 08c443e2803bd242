"""A scheduler killed during a daily job: the run is recorded as died and retried once."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from hygiene.extensions import db
from hygiene.scheduler.models import JobRun
from tests.notifications.support import T0

ROOT = Path(__file__).resolve().parents[2]
DIGEST_FIRED = T0 - timedelta(hours=1, minutes=30)  # 07:30 in Beijing on Monday 2 March 2026
KILLED_MIDWAY = """
import sys, time
from datetime import datetime
from config import TestConfig
from hygiene import create_app
from hygiene.scheduler.runner import run_job

class Config(TestConfig):
    SQLALCHEMY_DATABASE_URI = sys.argv[1]

def blocks(*, now):
    print("working", flush=True)
    time.sleep(60)
    return "never reached"

run_job(create_app(Config), sys.argv[2], blocks, clock=lambda: datetime.fromisoformat(sys.argv[3]))
"""


def kill_during(app, job_id, started):
    """Run `job_id` in a process of its own and kill -9 it while the job function works."""
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_MIDWAY, app.config["SQLALCHEMY_DATABASE_URI"], job_id,
         started.isoformat()], cwd=ROOT, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert process.stdout.readline().strip() == "working"
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
        process.stdout.close()


def heartbeat(app, job_id):
    with app.app_context():
        return db.session.scalar(sa.select(JobRun).where(JobRun.job_id == job_id))


def next_runs(app, now):
    from hygiene.scheduler.scheduling import build_scheduler

    scheduler = build_scheduler(app, now=now)
    scheduler.start(paused=True)
    try:
        return {job.id: job.next_run_time for job in scheduler.get_jobs()}
    finally:
        scheduler.shutdown(wait=False)


def test_a_digest_killed_midway_is_rerun_once_at_the_next_start_and_the_page_says_so(app, world, login):
    from hygiene.scheduler.runner import run_job

    run_job(app, "morning_digest", lambda *, now: "3 digests queued", clock=lambda: DIGEST_FIRED - timedelta(days=1))
    kill_during(app, "morning_digest", DIGEST_FIRED + timedelta(seconds=2))
    assert heartbeat(app, "morning_digest").last_status == "running"  # what the dead process left

    assert next_runs(app, T0)["morning_digest"] == T0  # 09:00 start: the 07:30 digest runs now
    run = heartbeat(app, "morning_digest")
    assert (run.last_status, run.deaths, run.runs) == ("died", 1, 1)  # the dead run did not count
    page = login("admin_a").get("/admin/jobs/?lang=en").text
    assert "died" in page and "died with the scheduler" in page and "run again once" in page

    assert run_job(app, "morning_digest", lambda *, now: "3 digests queued", clock=lambda: T0)
    run = heartbeat(app, "morning_digest")
    assert (run.last_status, run.deaths, run.runs) == ("ok", 0, 2)
    assert "It was run again at" in login("admin_a").get("/admin/jobs/?lang=en").text
    assert next_runs(app, T0 + timedelta(minutes=5))["morning_digest"] > T0 + timedelta(hours=20)


def test_a_run_that_dies_again_on_its_retry_is_not_retried_a_third_time(app, world, login):
    from hygiene.scheduler.runner import run_job

    generated = T0 - timedelta(hours=7, minutes=55)  # 01:05 in Beijing
    run_job(app, "generate_inspections", lambda *, now: "0 inspections made",
            clock=lambda: generated - timedelta(days=1))
    kill_during(app, "generate_inspections", generated)
    assert next_runs(app, T0)["generate_inspections"] == T0  # retried once
    kill_during(app, "generate_inspections", T0)  # ... and the retry dies too
    later = T0 + timedelta(hours=1)
    assert next_runs(app, later)["generate_inspections"] > later + timedelta(hours=10)  # tomorrow 01:05
    run = heartbeat(app, "generate_inspections")
    assert (run.last_status, run.deaths) == ("died", 2)
    assert "2 times in a row, so it is not retried" in login("admin_a").get("/admin/jobs/?lang=en").text


def test_a_finished_run_clears_nothing_it_should_not(app, db):
    from hygiene.scheduler.runner import record_dead_runs, run_job

    run_job(app, "scan_deadlines", lambda *, now: "ok", clock=lambda: T0)
    with app.app_context():
        assert record_dead_runs(T0) == 0  # a finished run is never taken for a dead one
    assert heartbeat(app, "scan_deadlines").last_died_at is None
