"""What the jobs page shows of each job: its last run and its next one."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask

from hygiene.clock import local_zone
from hygiene.scheduler.models import JobRun
from hygiene.scheduler.registry import Job, registered_jobs
from hygiene.scheduler.run_status import RunStatus
from hygiene.scheduler.runner import job_runs
from hygiene.scheduler.scheduling import running_here, trigger_for

ALIVE_WITHIN = timedelta(minutes=5)  # a dispatch heartbeat older than this: no scheduler runs


@dataclass(frozen=True)
class JobStatus:
    job: Job
    run: JobRun | None
    next_run: datetime | None

    @property
    def last_status(self) -> RunStatus | None:
        """The last run's status (None before the first run, or for one this version does not know)."""
        if self.run is None or not RunStatus.known(self.run.last_status):
            return None
        return RunStatus(self.run.last_status)

    @property
    def died(self) -> bool:
        """Its last run died with the scheduler (killed or crashed) before it finished."""
        return self.last_status is RunStatus.DIED


def job_statuses(app: Flask, *, now: datetime) -> list[JobStatus]:
    """Each job with its heartbeat and next run (live if this process schedules, else predicted)."""
    runs = job_runs()
    running = running_here(app)
    statuses = []
    for job in registered_jobs():
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
    return trigger_for(job, local_zone()).get_next_fire_time(None, now)
