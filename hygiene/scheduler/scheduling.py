"""APScheduler set-up, the one module that imports it: build, start and stop the scheduler.

Production runs `flask --app hygiene scheduler` (one process per database); the laptop mode runs
`flask --app hygiene serve`, the web server with the scheduler embedded (see cli.py). Either way
a lock that dies with its process keeps a second scheduler from starting. The jobs come from the
registry (each domain's jobs.py). All "what is due" state lives in our tables, so the job store
is memory and a restart loses nothing.
"""
from __future__ import annotations

import atexit
import logging
from dataclasses import dataclass
from datetime import datetime, tzinfo

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from hygiene.clock import local_zone, now_utc
from hygiene.extensions import db
from hygiene.scheduler.lock import SchedulerLock, acquire_scheduler_lock
from hygiene.scheduler.registry import Job, registered_jobs
from hygiene.scheduler.runner import STOPPING, catch_up_due, job_runs, run_job, take_over

log = logging.getLogger(__name__)

EXTENSION = "hygiene.scheduler"
LOCK_WATCH = "scheduler_lock_watch"  # not a domain job: the scheduler's own check of its lock
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 300}


def trigger_for(job: Job, zone: tzinfo) -> BaseTrigger:
    """Every `job.every`, or daily at `job.at` local time in the office's zone."""
    if job.every is not None:
        return IntervalTrigger(seconds=int(job.every.total_seconds()), timezone=zone)
    assert job.at is not None  # a job runs every so often or daily at a time
    return CronTrigger(hour=job.at.hour, minute=job.at.minute, timezone=zone)


@dataclass
class Running:
    scheduler: BaseScheduler
    lock: SchedulerLock
    mode: str  # "embedded" or "process"


def build_scheduler(app: Flask, *, blocking: bool = False,
                    now: datetime | None = None) -> BackgroundScheduler | BlockingScheduler:
    """A scheduler with every registered job; a job that missed its time while down runs at start."""
    now = now or now_utc()
    with app.app_context():
        take_over(now)  # the caller holds the lock: a run still "running" has died, claims are free
        db.session.commit()
        runs = job_runs()
        workers = 1 if db.engine.dialect.name == "sqlite" else 4  # SQLite: one writer anyway
        zone = local_zone()
    cls = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = cls(timezone=zone, jobstores={"default": MemoryJobStore()},
                    executors={"default": ThreadPoolExecutor(workers), "watch": ThreadPoolExecutor(1)},
                    job_defaults=JOB_DEFAULTS)
    for job in registered_jobs():
        first = {"next_run_time": now} if catch_up_due(job, runs.get(job.id), now, zone) else {}
        scheduler.add_job(run_job, trigger_for(job, zone), args=(app, job.id, job.func), id=job.id,
                          name=job.id, **first)
    scheduler.add_listener(_log_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)
    return scheduler


def watch_lock(scheduler: BaseScheduler, lock: SchedulerLock, every: float) -> None:
    """Check every so often that the lock is still ours; if it is lost (its database connection
    ended), stop this scheduler at once, as a standby may already have taken over."""
    def check() -> None:
        if not lock.held():
            log.error("The scheduler lock was lost (its database connection ended); stopping this "
                      "scheduler, as another may have taken over.")
            scheduler.shutdown(wait=False)

    scheduler.add_job(check, IntervalTrigger(seconds=max(every, 1)), id=LOCK_WATCH, name=LOCK_WATCH,
                      executor="watch")  # never queued behind a long export


def _log_event(event: JobEvent) -> None:
    if event.code == EVENT_JOB_ERROR:
        log.error("scheduled job %s raised: %s", event.job_id, event.exception)
    else:  # a missed run is an execution event (one time), a run still going a submission (a list)
        when = getattr(event, "scheduled_run_time", None) or getattr(event, "scheduled_run_times", None)
        log.warning("scheduled job %s skipped its run at %s (missed or still running)", event.job_id, when)


def start_embedded(app: Flask) -> BackgroundScheduler | None:
    """Start the scheduler inside this web process if it can take the lock; else log and return None.

    Call it from the single-process `serve` command only, never from create_app: every web
    worker that called it would try to start one.
    """
    if EXTENSION in app.extensions:
        return app.extensions[EXTENSION].scheduler
    lock = acquire_scheduler_lock(app)
    if lock is None:
        log.warning("Scheduler NOT started in this process: another one holds the lock (%s).",
                    database_label(app))
        return None
    scheduler = build_scheduler(app)
    watch_lock(scheduler, lock, float(app.config.get("SCHEDULER_STANDBY_SECONDS", 5)))
    scheduler.start()
    app.extensions[EXTENSION] = Running(scheduler, lock, "embedded")
    atexit.register(stop_scheduler, app)
    log.info("Scheduler started in this process (embedded mode).")
    return scheduler


def stop_scheduler(app: Flask, *, wait: bool = True) -> None:
    """Shut down this process's scheduler, letting a running job finish, and release the lock."""
    running = app.extensions.pop(EXTENSION, None)
    if running is None:
        return
    STOPPING.set()  # a job waiting for the database gives up instead of holding the shutdown
    try:
        if running.scheduler.running:
            running.scheduler.shutdown(wait=wait)
    finally:
        STOPPING.clear()
    running.lock.release()


def running_here(app: Flask) -> Running | None:
    """The scheduler this process runs, if any."""
    return app.extensions.get(EXTENSION)


def database_label(app: Flask) -> str:
    """The app's database URL without its password, for messages about the lock."""
    with app.app_context():
        return db.engine.url.render_as_string(hide_password=True)
