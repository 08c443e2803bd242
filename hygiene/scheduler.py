"""APScheduler set-up, the one module that imports it: the job registry, the lock, the entry points.

Production runs `flask --app hygiene scheduler` (one process per database); the laptop mode runs
`flask --app hygiene serve`, the web server with the scheduler embedded. Either way a lock that
dies with its process keeps a second scheduler from starting. Jobs are thin: see
hygiene/notifications/jobs.py. All "what is due" state lives in our tables, so the job store is
memory and a restart loses nothing.
"""
from __future__ import annotations

import atexit
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

import click
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_babel import lazy_gettext as _l

from hygiene.clock import local_zone, now_utc
from hygiene.extensions import db
from hygiene.notifications import jobs
from hygiene.notifications.lock import SchedulerLock, acquire_scheduler_lock
from hygiene.notifications.models import JobRun

log = logging.getLogger(__name__)

EXTENSION = "hygiene.scheduler"
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 300}
ALIVE_WITHIN = timedelta(minutes=5)  # a dispatch heartbeat older than this: no scheduler runs

__all__ = ["JOBS", "Job", "acquire_scheduler_lock", "build_scheduler", "start_embedded"]


@dataclass(frozen=True)
class Job:
    """A job runs either every `every` or daily at `at`, local time in the office's zone."""

    id: str
    func: Callable[..., dict[str, int]]
    title: str
    schedule: str
    every: timedelta | None = None
    at: time | None = None

    def trigger(self, zone: tzinfo) -> BaseTrigger:
        if self.every is not None:
            return IntervalTrigger(seconds=int(self.every.total_seconds()), timezone=zone)
        return CronTrigger(hour=self.at.hour, minute=self.at.minute, timezone=zone)


JOBS = (
    Job("dispatch_notifications", jobs.dispatch_notifications, _l("Send due notifications"),
        _l("every minute"), every=timedelta(minutes=1)),
    Job("scan_deadlines", jobs.scan_deadlines, _l("Look for deadlines that come near or pass"),
        _l("every hour"), every=timedelta(hours=1)),
    Job("generate_inspections", jobs.generate_inspections, _l("Make the planned inspections"),
        _l("daily at 01:05"), at=time(1, 5)),
    Job("recompute_deadlines", jobs.recompute_deadlines,
        _l("Recompute provisional deadlines once the official calendar knows their year"),
        _l("daily at 02:10"), at=time(2, 10)),
    Job("morning_digest", jobs.morning_digest, _l("Morning digest of what is due today"),
        _l("daily at 07:30"), at=time(7, 30)),
)


@dataclass
class Running:
    scheduler: BaseScheduler
    lock: SchedulerLock
    mode: str  # "embedded" or "process"


def build_scheduler(app: Flask, *, blocking: bool = False,
                    now: datetime | None = None) -> BackgroundScheduler | BlockingScheduler:
    """A scheduler with every job of JOBS; a job that missed its time while down runs at start."""
    now = now or now_utc()
    with app.app_context():
        jobs.record_dead_runs(now)  # the caller holds the lock: a run still "running" has died
        db.session.commit()
        runs = jobs.job_runs()
        workers = 1 if db.engine.dialect.name == "sqlite" else 4  # SQLite: one writer anyway
        zone = local_zone()
    cls = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = cls(timezone=zone, jobstores={"default": MemoryJobStore()},
                    executors={"default": ThreadPoolExecutor(workers)}, job_defaults=JOB_DEFAULTS)
    for job in JOBS:
        first = {"next_run_time": now} if catch_up_due(job, runs.get(job.id), now, zone) else {}
        scheduler.add_job(jobs.run_job, job.trigger(zone), args=(app, job.id, job.func), id=job.id,
                          name=job.id, **first)
    scheduler.add_listener(_log_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)
    return scheduler


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
    if run is not None and run.last_status == jobs.DIED and run.last_started_at >= fire:
        return run.deaths == 1  # this fire time's run died once: one more try
    return fire >= (finished or datetime.combine(now.astimezone(zone).date(), time(0), tzinfo=zone))


def last_fire_time(job: Job, now: datetime, zone: tzinfo) -> datetime:
    """The daily job's latest fire time at or before `now`."""
    today = now.astimezone(zone).date()
    fire = datetime.combine(today, job.at, tzinfo=zone)
    return fire if fire <= now else datetime.combine(today - timedelta(days=1), job.at, tzinfo=zone)


def _log_event(event: JobEvent) -> None:
    if event.code == EVENT_JOB_ERROR:
        log.error("scheduled job %s raised: %s", event.job_id, event.exception)
    else:
        log.warning("scheduled job %s skipped its run at %s (missed or still running)",
                    event.job_id, event.scheduled_run_time)


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
                    _database_label(app))
        return None
    scheduler = build_scheduler(app)
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
    if running.scheduler.running:
        running.scheduler.shutdown(wait=wait)
    running.lock.release()


def running_here(app: Flask) -> Running | None:
    """The scheduler this process runs, if any."""
    return app.extensions.get(EXTENSION)


@dataclass(frozen=True)
class JobStatus:
    job: Job
    run: JobRun | None
    next_run: datetime | None


def job_statuses(app: Flask, *, now: datetime) -> list[JobStatus]:
    """Each job with its heartbeat and next run (live if this process schedules, else predicted)."""
    runs = jobs.job_runs()
    running = running_here(app)
    statuses = []
    for job in JOBS:
        run = runs.get(job.id)
        if running is not None:
            live = running.scheduler.get_job(job.id)
            next_run = live.next_run_time if live else None
        else:
            next_run = _predicted_next(job, run, now)
        statuses.append(JobStatus(job, run, next_run))
    return statuses


def scheduler_alive(statuses: list[JobStatus], *, now: datetime) -> bool:
    """True when the minute-by-minute dispatch job has run recently, wherever the scheduler is."""
    return any(s.job.id == "dispatch_notifications" and s.run and s.run.last_started_at
               and now - s.run.last_started_at <= ALIVE_WITHIN for s in statuses)


def _predicted_next(job: Job, run: JobRun | None, now: datetime) -> datetime | None:
    if job.every is not None and run and run.last_started_at:
        return run.last_started_at + job.every
    return job.trigger(local_zone()).get_next_fire_time(None, now)


def _database_label(app: Flask) -> str:
    with app.app_context():
        return db.engine.url.render_as_string(hide_password=True)


def _log_to_stderr() -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def _exit_on_sigterm(_signum, _frame) -> None:
    raise SystemExit(0)


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the scheduled jobs in this process (production: exactly one per database)."""
    app = current_app._get_current_object()
    _log_to_stderr()
    lock = acquire_scheduler_lock(app)
    if lock is None:
        raise click.ClickException(
            f"another scheduler holds the lock for {_database_label(app)}; this one does not start.")
    scheduler = build_scheduler(app, blocking=True)
    app.extensions[EXTENSION] = Running(scheduler, lock, "process")
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    click.echo(f"Scheduler running for {_database_label(app)}; stop with Ctrl+C or SIGTERM.")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        stop_scheduler(app)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--scheduler/--no-scheduler", "with_scheduler", default=None,
              help="Run the scheduler in this process (default: the SCHEDULER_EMBEDDED setting).")
@with_appcontext
def serve_command(host: str, port: int, with_scheduler: bool | None) -> None:
    """Serve the web application in one process, with the scheduler embedded (the laptop mode)."""
    from werkzeug.serving import run_simple

    app = current_app._get_current_object()
    _log_to_stderr()
    if with_scheduler is None:
        with_scheduler = app.config.get("SCHEDULER_EMBEDDED", True)
    if with_scheduler and start_embedded(app) is None:
        click.echo("Scheduler not started here: another process runs it for this database.", err=True)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)  # so atexit stops the scheduler cleanly
    # No reloader: it would fork a second process, and with it a second scheduler.
    run_simple(host, port, app, use_reloader=False, use_debugger=app.debug, threaded=True)
