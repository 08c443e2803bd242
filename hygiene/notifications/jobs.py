"""The scheduled sweeps, each a thin call into domain services, and the heartbeat around them.

A job function takes `now` and returns what it did as counts ({"sent": 3, "failed": 0});
`run_job` gives it an application context, commits once, and records the run (also a failed
one) in `job_run`, the counts as JSON, so the jobs page words them in the reader's language.
A run is recorded as "running" before its work and counts only when it finished; a
scheduler killed mid-run leaves "running" behind, which the next scheduler start records as
"died" (record_dead_runs).
"""
from __future__ import annotations

import importlib
import json
import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask

from hygiene.clock import local_today, now_utc
from hygiene.extensions import db
from hygiene.notifications.dispatch import dispatch_due, worker_name
from hygiene.notifications.models import JobRun
from hygiene.notifications.services import digest_enqueue

log = logging.getLogger(__name__)

DISPATCH_BATCH = 100
DISPATCH_BUDGET = 45  # seconds one dispatch run may keep draining full batches
MISSING = object()
DIED = "died"


def dispatch_notifications(*, now: datetime) -> dict[str, int]:
    """Send what is due, batch after batch while batches come back full."""
    sent = failed = unconfirmed = 0
    started = time.monotonic()
    while True:
        result = dispatch_due(now=now, worker_id=worker_name(), batch=DISPATCH_BATCH)
        sent, failed = sent + result.sent, failed + result.failed
        unconfirmed += result.unconfirmed
        if result.handled < DISPATCH_BATCH or time.monotonic() - started > DISPATCH_BUDGET:
            return {"sent": sent, "failed": failed} | ({"unconfirmed": unconfirmed} if unconfirmed else {})


def scan_deadlines(*, now: datetime) -> dict[str, int]:
    """Queue reminders for rectification deadlines and inspections that come near or pass."""
    counts: dict[str, int] = {}
    for target in ("hygiene.rectifications.jobs:scan_deadlines", "hygiene.inspections.reminders:scan"):
        outcome = call_optional(target, now=now)
        counts |= {} if outcome is MISSING else outcome
    return counts


def generate_inspections(*, now: datetime) -> dict[str, int]:
    """Make the inspections of every plan period that has begun (idempotent)."""
    from hygiene.inspections.planning import plans_generate_due

    return {"inspections_made": plans_generate_due(today=local_today(now))}


def morning_digest(*, now: datetime) -> dict[str, int]:
    """Queue each user's digest of what is due today, from the domains that provide items."""
    items: dict[int, list[str]] = {}
    for target in ("hygiene.rectifications.jobs:digest_items",
                   "hygiene.inspections.reminders:digest_items"):
        found = call_optional(target, now=now)
        for user_id, lines in ({} if found is MISSING else found).items():
            items.setdefault(user_id, []).extend(lines)
    return {"digests_queued": digest_enqueue(now=now, items_by_user=items)}


def recompute_deadlines(*, now: datetime) -> dict[str, int]:
    """Recompute provisional deadlines of the years the official calendar now knows."""
    outcome = call_optional("hygiene.rectifications.deadlines:recompute_provisional", now=now)
    return {} if outcome is MISSING else outcome


def call_optional(target: str, **kwargs: Any) -> Any:
    """Call 'package.module:function' when that module exists yet, else return MISSING.

    Only the absence of the module itself is forgiven; an import error inside it is a bug.
    """
    module_name, _, function = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name and (module_name + ".").startswith(error.name + "."):
            return MISSING
        raise
    return getattr(module, function)(**kwargs)


def run_job(app: Flask, job_id: str, func: Callable[..., dict[str, int]],
            clock: Callable[[], datetime] = now_utc) -> bool:
    """Run one job in its own app context with one commit, recording its heartbeat either way."""
    with app.app_context():
        now = clock()
        _started(job_id, now)
        db.session.commit()
        try:
            result = func(now=now)
            db.session.commit()
        except Exception as error:
            db.session.rollback()
            log.exception("scheduled job %s failed", job_id)
            _finished(job_id, clock(), error=f"{type(error).__name__}: {error}")
            db.session.commit()
            return False
        _finished(job_id, clock(), result=result if isinstance(result, str) else json.dumps(result))
        db.session.commit()
        log.debug("scheduled job %s: %s", job_id, result)  # the heartbeat row keeps it too
        return True


def job_runs() -> dict[str, JobRun]:
    """Every job's heartbeat by job id."""
    return {run.job_id: run for run in db.session.scalars(sa.select(JobRun))}


def record_dead_runs(now: datetime) -> int:
    """Mark every run still "running" as died; call it only holding the scheduler lock.

    With the lock held no other scheduler runs, so such a run's process was killed mid-job.
    `deaths` counts the deaths in a row: catch-up retries a dead run once (deaths == 1).
    """
    dead = list(db.session.scalars(sa.select(JobRun).where(JobRun.last_status == "running")))
    for run in dead:
        run.last_status, run.deaths, run.last_died_at = DIED, run.deaths + 1, run.last_started_at
        log.warning("scheduled job %s died during its run started at %s", run.job_id, run.last_started_at)
    db.session.flush()
    return len(dead)


def _started(job_id: str, now: datetime) -> None:
    run = db.session.scalar(sa.select(JobRun).where(JobRun.job_id == job_id))
    if run is None:
        run = JobRun(job_id=job_id, runs=0, deaths=0)
        db.session.add(run)
    run.last_started_at, run.last_status, run.worker = now, "running", worker_name()


def _finished(job_id: str, now: datetime, *, result: str = "", error: str = "") -> None:
    run = db.session.scalar(sa.select(JobRun).where(JobRun.job_id == job_id))
    run.last_finished_at, run.runs, run.deaths = now, run.runs + 1, 0  # a run counts once finished
    run.last_status = "error" if error else "ok"
    run.last_result = result[:2000]
    if error:
        run.last_error, run.last_error_at = error[:4000], now
