"""The export jobs: run the queued exports every few seconds, clean old files at night.

They run where the scheduled jobs run (the scheduler process of a county, or the scheduler
embedded in `flask serve` on one machine), never in a web worker, so a county's year of answers
does not hold a web worker for a minute, and no Redis is needed beside the database.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from time import monotonic

from flask_babel import lazy_gettext as _l

from hygiene.clock import now_utc
from hygiene.exports.services import export_claim, export_run, exports_clean, requeue_stale
from hygiene.extensions import db
from hygiene.scheduler import Job, register
from hygiene.scheduler.runner import worker_name

RUN_BUDGET = 300  # seconds one run keeps taking queued tasks; the next run takes the rest


def run_exports(*, now: datetime) -> dict[str, int]:
    """Requeue tasks whose runner died, then claim and run queued tasks one at a time.

    Commits its claim before the long work (so the page shows "running" and no other runner
    takes it) and each outcome after it; the job's run record commits the rest."""
    requeued = requeue_stale(now=now, worker=worker_name())
    db.session.commit()
    done = 0
    started = monotonic()
    while monotonic() - started < RUN_BUDGET:
        task_id = export_claim(now=now_utc(), worker=worker_name())
        db.session.commit()
        if task_id is None:
            break
        export_run(task_id)
        db.session.commit()
        done += 1
    return {"exports_made": done} | ({"exports_requeued": requeued} if requeued else {})


def clean_exports(*, now: datetime) -> dict[str, int]:
    return {"exports_removed": exports_clean(now=now)}


register(Job("run_exports", run_exports, _l("Run the exports people asked for"), _l("every 5 seconds"),
             every=timedelta(seconds=5)))
register(Job("clean_exports", clean_exports, _l("Delete export files older than a week"),
             _l("daily at 03:20"), at=time(3, 20)))
