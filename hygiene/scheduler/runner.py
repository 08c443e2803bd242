"""Running a job and keeping its record: the heartbeat, catching up at start, runs that died.

A job function (declared by its domain, see registry.py) takes `now` and returns what it did
as counts ({"sent": 3, "failed": 0}); `run_job` gives it an application context, commits once, and records the run (also a failed
one) in `job_run`, the counts as JSON, so the jobs page words them in the reader's language.
A run is recorded as "running" before its work and counts only when it finished; a
scheduler killed mid-run leaves "running" behind, which the next scheduler start records as
"died" (record_dead_runs).
"""
from __future__ import annotations

import json
import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import datetime, time, timedelta, tzinfo

import sqlalchemy as sa
from flask import Flask

from hygiene.clock import now_utc
from hygiene.core.unreachable import out_of_reach
from hygiene.extensions import db
from hygiene.scheduler.models import JobRun
from hygiene.scheduler.registry import Job, takeover_hooks
from hygiene.scheduler.run_status import RunStatus

log = logging.getLogger(__name__)


def worker_name() -> str:
    """Who is running: host and process id, as a run records it (and the outbox's `claimed_by`)."""
    return f"{socket.gethostname()}:{os.getpid()}"[:80]


# a stop of the scheduler ends a wait for the database at once (stop_scheduler sets it)
STOPPING = threading.Event()
RETRY_FIRST, RETRY_MAX = 1.0, 60.0  # seconds between tries while the database is out of reach


def run_job(app: Flask, job_id: str, func: Callable[..., dict[str, int]],
            clock: Callable[[], datetime] = now_utc, *, wait: Callable[[float], bool] = STOPPING.wait) -> bool:
    """Run one job in its own app context with one commit, recording its heartbeat either way.

    While the database cannot be reached (OperationalError), wait and try the whole run again,
    the pause doubling up to a minute, for up to SCHEDULER_DB_WAIT_SECONDS: a daily job whose
    time came while the database restarted still runs today, and a sweep is idempotent."""
    limit = float(app.config.get("SCHEDULER_DB_WAIT_SECONDS", 3600))
    pause, waited = RETRY_FIRST, 0.0
    while True:
        try:
            return _run_once(app, job_id, func, clock)
        except (sa.exc.OperationalError, sa.exc.TimeoutError) as error:
            if not out_of_reach(error):
                raise  # a fault of the SQL itself: no waiting cures it
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            if waited >= limit:
                log.error("scheduled job %s: the database stayed out of reach for %d s (%s); "
                          "its next run tries again", job_id, waited, reason)
                return False
            log.warning("scheduled job %s: the database is out of reach (%s); trying again in %d s",
                        job_id, reason, pause)
            if wait(pause):  # the scheduler is stopping
                return False
            waited, pause = waited + pause, min(pause * 2, RETRY_MAX)


def _run_once(app: Flask, job_id: str, func: Callable[..., dict[str, int]],
              clock: Callable[[], datetime]) -> bool:
    with app.app_context():
        now = clock()
        _started(job_id, now)
        db.session.commit()
        try:
            result = func(now=now)
            db.session.commit()
        except Exception as error:
            if out_of_reach(error):
                _discard()
                raise  # the database went away mid-run: nothing was committed, run_job tries again
            db.session.rollback()
            log.exception("scheduled job %s failed", job_id)
            _finished(job_id, clock(), error=f"{type(error).__name__}: {error}")
            db.session.commit()
            return False
        _finished(job_id, clock(), result=result if isinstance(result, str) else json.dumps(result))
        db.session.commit()
        log.debug("scheduled job %s: %s", job_id, result)  # the heartbeat row keeps it too
        return True


def _discard() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - a lost connection cannot roll back; the server already did
        log.debug("rollback after a lost connection failed", exc_info=True)


def job_runs() -> dict[str, JobRun]:
    """Every job's heartbeat by job id."""
    return {run.job_id: run for run in db.session.scalars(sa.select(JobRun))}


def record_dead_runs(now: datetime) -> int:
    """Mark every run still "running" as died; call it only holding the scheduler lock.

    With the lock held no other scheduler runs, so such a run's process was killed mid-job.
    `deaths` counts the deaths in a row: catch-up retries a dead run once (deaths == 1).
    """
    dead = list(db.session.scalars(sa.select(JobRun).where(JobRun.last_status == RunStatus.RUNNING)))
    for run in dead:
        run.last_status, run.deaths, run.last_died_at = RunStatus.DIED, run.deaths + 1, run.last_started_at
        log.warning("scheduled job %s died during its run started at %s", run.job_id, run.last_started_at)
    db.session.flush()
    return len(dead)


def take_over(now: datetime) -> int:
    """What a scheduler does first on taking the lock: record its predecessors' runs that died
    and free their claims at once (the domains' takeover hooks); returns how many claims it freed.

    Only a scheduler runs jobs, and each run records its worker (`worker_name`), so the workers in
    `job_run` are earlier lock holders: with the lock held here, none of them is running jobs any
    more. Claims of anyone else (a web process) are left alone.
    """
    record_dead_runs(now)
    workers = frozenset(db.session.scalars(sa.select(JobRun.worker).where(JobRun.worker != "").distinct()))
    freed = sum(hook(workers=workers, now=now) for hook in takeover_hooks()) if workers else 0
    if freed:
        log.warning("took over from %s: freed %d claims they held", ", ".join(sorted(workers)), freed)
    db.session.flush()
    return freed


def _started(job_id: str, now: datetime) -> None:
    run = db.session.scalar(sa.select(JobRun).where(JobRun.job_id == job_id))
    if run is None:
        run = JobRun(job_id=job_id, runs=0, deaths=0)
        db.session.add(run)
    run.last_started_at, run.last_status, run.worker = now, RunStatus.RUNNING, worker_name()


def _finished(job_id: str, now: datetime, *, result: str = "", error: str = "") -> None:
    run = db.session.scalar(sa.select(JobRun).where(JobRun.job_id == job_id))
    assert run is not None  # _started wrote it
    run.last_finished_at, run.runs, run.deaths = now, run.runs + 1, 0  # a run counts once finished
    run.last_status = RunStatus.ERROR if error else RunStatus.OK
    run.last_result = result[:2000]
    if error:
        run.last_error, run.last_error_at = error[:4000], now


def catch_up_due(job: Job, run: JobRun | None, now: datetime, zone: tzinfo) -> bool:
    """Run at start? Sweeps on an interval always; a daily job when its last fire time passed
    without a run that finished, except that a run that died is retried once, not forever.

    Only a finished run counts (a run is recorded as started before its work, and a scheduler
    killed mid-run leaves it "running", which record_dead_runs turns into "died"). Coalescing
    means days of downtime cost one run; a daily job never run before counts from today's
    midnight, so a 02:00 start sends no 07:30 digest.
    """
    if job.every is not None:
        return True
    fire = last_fire_time(job, now, zone)
    finished = run.last_finished_at if run else None
    if finished is not None and finished >= fire:
        return False
    if run is not None and run.last_status == RunStatus.DIED and run.last_started_at is not None \
            and run.last_started_at >= fire:
        return run.deaths == 1  # this fire time's run died once: one more try
    return fire >= (finished or datetime.combine(now.astimezone(zone).date(), time(0), tzinfo=zone))


def last_fire_time(job: Job, now: datetime, zone: tzinfo) -> datetime:
    """The daily job's latest fire time at or before `now`."""
    today = now.astimezone(zone).date()
    assert job.at is not None  # a daily job
    fire = datetime.combine(today, job.at, tzinfo=zone)
    return fire if fire <= now else datetime.combine(today - timedelta(days=1), job.at, tzinfo=zone)
