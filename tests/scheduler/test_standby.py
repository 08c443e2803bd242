"""Scheduler standby: a second scheduler waits for the lock, takes over within the minute when the
holder is killed, and sends at once what the dead one had claimed, never what a web process holds."""
from __future__ import annotations

import os
import selectors
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from hygiene.accounts.models import User
from hygiene.clock import now_utc
from hygiene.extensions import db
from hygiene.notifications.models import Notification
from hygiene.notifications.services import notify
from hygiene.scheduler.models import JobRun

ROOT = Path(__file__).resolve().parents[2]
TAKEOVER_WITHIN = 60  # seconds: the promise to the office
WEB_WORKER = "web-host:4242"  # a live web process's claim: never taken


def queued(app, world, key: str, *, claimed_by: str | None = None) -> int:
    """A notification due now; with `claimed_by`, claimed by that worker for five more minutes."""
    with app.app_context():
        [row] = notify(recipient=db.session.get(User, world.user_admin_a), kind="digest", subject="今日待办",
                       body="", dedupe_key=key, send_after=now_utc() - timedelta(minutes=1))
        if claimed_by:
            row.claimed_by, row.claimed_until = claimed_by, now_utc() + timedelta(minutes=5)
        db.session.commit()
        return row.id


def row(app, row_id: int) -> Notification:
    with app.app_context():
        found = db.session.get(Notification, row_id)
        db.session.expunge(found)
        return found


# --- the takeover, in the process ----------------------------------------------------------------


def test_taking_over_frees_the_dead_holders_claims_and_leaves_a_web_process_claim(app, world):
    from hygiene.scheduler.runner import take_over

    dead = queued(app, world, "dead", claimed_by="old-host:1")
    web = queued(app, world, "web", claimed_by=WEB_WORKER)
    with app.app_context():
        db.session.add(JobRun(job_id="dispatch_notifications", worker="old-host:1", last_status="running"))
        db.session.commit()
        assert take_over(now_utc()) == 1
        db.session.commit()
        assert db.session.scalar(sa.select(JobRun.last_status)) == "died"
    assert row(app, dead).claimed_by is None and row(app, dead).claimed_until is None
    assert row(app, web).claimed_by == WEB_WORKER


# --- two scheduler processes, kill -9 ------------------------------------------------------------


def scheduler_process(app) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1", "HYGIENE_CONFIG": "test",
           "TEST_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SCHEDULER_STANDBY_SECONDS": "2"}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "hygiene", "scheduler"], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def line_with(process: subprocess.Popen, text: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if selector.select(deadline - time.monotonic()):
                line = process.stdout.readline()
                if text in line:
                    return line
                assert line, f"the scheduler ended before saying {text!r}"
    raise AssertionError(f"no {text!r} within {timeout} s")


def until(check, timeout: float):
    deadline = time.monotonic() + timeout
    while not (result := check()) and time.monotonic() < deadline:
        time.sleep(0.2)
    return result


def dispatched_by(app, worker: str) -> bool:
    with app.app_context():
        return db.session.scalar(sa.select(JobRun).where(
            JobRun.job_id == "dispatch_notifications", JobRun.worker == worker, JobRun.last_status == "ok")) is not None


def test_a_standby_takes_over_within_a_minute_of_a_kill_and_sends_the_dead_ones_claims(app, world):
    holder = scheduler_process(app)
    standby = None
    try:
        line_with(holder, "Scheduler running")
        holder_worker = f"{socket.gethostname()}:{holder.pid}"[:80]
        assert until(lambda: dispatched_by(app, holder_worker), 60), "the holder never dispatched"
        standby = scheduler_process(app)
        line_with(standby, "standing by")
        orphan = queued(app, world, "orphan", claimed_by=holder_worker)  # the holder died while sending
        web = queued(app, world, "web", claimed_by=WEB_WORKER)

        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        killed = time.monotonic()
        line_with(standby, "taking over", timeout=TAKEOVER_WITHIN)
        assert until(lambda: row(app, orphan).sent_at, TAKEOVER_WITHIN), "the dead holder's claim waited"
        assert time.monotonic() - killed < TAKEOVER_WITHIN
        assert until(lambda: dispatched_by(app, f"{socket.gethostname()}:{standby.pid}"[:80]), 30)
        assert row(app, web).sent_at is None and row(app, web).claimed_by == WEB_WORKER

        standby.send_signal(signal.SIGTERM)
        assert standby.wait(90) == 0  # the same
    finally:
        for process in (holder, standby):
            if process is not None:
                if process.poll() is None:
                    process.kill()
                    process.wait(10)
                process.stdout.close()


def test_a_standby_stopped_while_waiting_exits_cleanly(app, db):
    from hygiene.scheduler.lock import acquire_scheduler_lock

    held = acquire_scheduler_lock(app)
    standby = scheduler_process(app)
    try:
        line_with(standby, "standing by")
        standby.send_signal(signal.SIGTERM)
        assert standby.wait(20) == 0
    finally:
        held.release()
        if standby.poll() is None:
            standby.kill()
            standby.wait(10)
        standby.stdout.close()


def test_a_holder_that_loses_its_lock_connection_stops_and_stands_by_again(app, db):
    """PostgreSQL: the advisory lock ends with its connection (a network cut, a server restart)
    while the process lives on; the holder notices, stops its jobs and stands by."""
    import pytest

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("a flock cannot be lost while its process lives")
    holder = scheduler_process(app)
    try:
        line_with(holder, "Scheduler running")
        with app.app_context(), db.engine.begin() as connection:
            ended = connection.scalar(sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' "
                "AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"))
        assert ended == 1
        line_with(holder, "standing by", timeout=30)
        line_with(holder, "taking over", timeout=30)  # nobody else took it: the lock is its again
        line_with(holder, "Scheduler running", timeout=30)
        holder.send_signal(signal.SIGTERM)
        assert holder.wait(90) == 0  # its catch-up jobs finish first: slow when both passes run at once
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(10)
        holder.stdout.close()
