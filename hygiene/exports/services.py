"""Asking for an export, claiming it once, running it, telling the user, cleaning old files.

Services flush and never commit: the view that asks commits, and the runner (jobs.py) commits
its claim before the long work and the outcome after it. A task is claimed with one
conditional UPDATE (status queued → running), so two runners never both run it. A running task
tells its progress every few thousand rows through its own short transaction, which is also
its heartbeat: a task running in another process than the scheduler's (which was killed and
started again), or silent for STALE_AFTER, lost its runner and is queued again, up to
MAX_ATTEMPTS times.
"""
from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.clock import now_utc
from hygiene.core.excel import write_workbook
from hygiene.errors import NotFound
from hygiene.exports.models import ExportTask
from hygiene.exports.registry import ExportKind, Params, export_kind
from hygiene.exports.status import CLAIM, FAIL, FINISH, REQUEUE, TaskStatus
from hygiene.extensions import db
from hygiene.notifications.services import NotifySpec, tell

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=5)   # a running task silent this long has lost its runner
MAX_ATTEMPTS = 3                     # runs of one task before it is given up
KEEP_FOR = timedelta(days=7)         # a finished task's file is kept this long


def export_ask(*, user: User, kind: ExportKind, params: Params, total: int, now: datetime) -> ExportTask:
    """The user's task for this export: the one already queued or running with the same
    parameters (a double tap, a resent form), else a new queued one."""
    key = pending_key(user.id, kind.key, params)
    found = _pending(key)
    if found is not None:
        return found
    ascii_name, name = kind.file_names(params)
    task = ExportTask(user_id=user.id, kind=kind.key, params=params, pending_key=key, status=TaskStatus.QUEUED,
                      total=total, file_name=name[:200], ascii_name=ascii_name[:200], created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(task)
    except IntegrityError:  # the other tap inserted it first
        found = _pending(key)
        assert found is not None  # the unique key that refused ours is its
        return found
    return task


def pending_key(user_id: int, kind: str, params: Params) -> str:
    text = json.dumps([user_id, kind, params], sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _pending(key: str) -> ExportTask | None:
    return db.session.scalar(sa.select(ExportTask).where(ExportTask.pending_key == key))


def export_task_get(*, user_id: int, task_id: int) -> ExportTask:
    """One of the user's own tasks; anyone else's (or none) is NotFound, so ids tell nothing."""
    task = db.session.get(ExportTask, task_id)
    if task is None or task.user_id != user_id:
        raise NotFound("no such export")
    return task


# --- the runner's side -----------------------------------------------------------------------

def requeue_stale(*, now: datetime, worker: str) -> int:
    """Queue again the running tasks whose runner died; give up those that died too often.

    Only the process holding the scheduler lock runs exports, so a task running in another
    process (a scheduler killed and started again) has died; so has one silent for STALE_AFTER."""
    stale = sa.and_(REQUEUE.clause(ExportTask.status),
                    sa.or_(ExportTask.heartbeat_at < now - STALE_AFTER, ExportTask.worker != worker))
    given_up = db.session.execute(
        sa.update(ExportTask).where(stale, ExportTask.attempts >= MAX_ATTEMPTS)
        .values(status=FAIL.target, pending_key=None, finished_at=now,
                error=f"stopped {MAX_ATTEMPTS} times without finishing"),
        execution_options={"synchronize_session": False})
    again = db.session.execute(
        sa.update(ExportTask).where(stale).values(status=REQUEUE.target, worker=""),
        execution_options={"synchronize_session": False})
    return again.rowcount + given_up.rowcount  # type: ignore[attr-defined]  # DML gives a CursorResult


def export_claim(*, now: datetime, worker: str) -> int | None:
    """Take the oldest queued task: one conditional UPDATE, so it runs once however many
    runners look; returns its id, or None when nothing is queued (or another took it)."""
    task_id = db.session.scalar(sa.select(ExportTask.id).where(CLAIM.clause(ExportTask.status))
                                .order_by(ExportTask.id).limit(1))
    if task_id is None:
        return None
    claimed = db.session.execute(
        sa.update(ExportTask).where(ExportTask.id == task_id, CLAIM.clause(ExportTask.status))
        .values(status=CLAIM.target, worker=worker, started_at=now, heartbeat_at=now, progress=0,
                attempts=ExportTask.attempts + 1),
        execution_options={"synchronize_session": False})
    return task_id if claimed.rowcount == 1 else None  # type: ignore[attr-defined]


def export_run(task_id: int, *, clock: Callable[[], datetime] = now_utc) -> None:
    """Write the claimed task's workbook with the asker's scope as it is now, then record the
    outcome and queue the in-app notice. Flushes; the runner commits."""
    task = db.session.get(ExportTask, task_id)
    assert task is not None and task.status == TaskStatus.RUNNING  # export_claim took it
    user = db.session.get(User, task.user_id)
    kind = export_kind(task.kind)
    folder = export_folder()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{task.id}-{task.attempts}.xlsx"
    try:
        if user is None or not user.active or kind is None:
            raise RuntimeError("the user or the export kind no longer exists")
        rows = write_workbook(kind.sheets(Scope.of(user), task.params), str(folder / name),
                              progress=_progress_teller(task.id, clock))
    except Exception as error:  # noqa: BLE001 - any failure is the task's outcome, shown to its user
        log.exception("export %s failed", task_id)
        (folder / name).unlink(missing_ok=True)
        db.session.rollback()
        _finish(task_id, FAIL.target, now=clock(), error=f"{type(error).__name__}: {error}"[:2000])
        return
    _finish(task_id, FINISH.target, now=clock(), path=name, rows=rows)


def _progress_teller(task_id: int, clock: Callable[[], datetime]) -> Callable[[int], None]:
    """Progress and heartbeat in a transaction of their own: the runner's session stays reading."""
    def tell_progress(rows: int) -> None:
        with db.engine.begin() as connection:
            connection.execute(sa.update(ExportTask).where(ExportTask.id == task_id)
                               .values(progress=rows, heartbeat_at=clock()))
    return tell_progress


def _finish(task_id: int, status: TaskStatus, *, now: datetime, path: str = "", rows: int = 0,
            error: str = "") -> None:
    task = db.session.get(ExportTask, task_id)
    assert task is not None
    task.status, task.finished_at, task.pending_key, task.heartbeat_at = status, now, None, now
    task.result_path, task.error = path, error
    if status == TaskStatus.DONE:
        task.progress = task.total = rows
    user = db.session.get(User, task.user_id)
    if user is not None:
        done = status == TaskStatus.DONE
        subject = (_l("Your export “%(name)s” is ready to download.", name=task.file_name)
                   if done else _l("Your export “%(name)s” failed.", name=task.file_name))
        body = (_l("Open it to download the file; it is kept for a week.") if done
                else _l("Please export again; if it fails again, tell the hygiene office."))
        tell([NotifySpec(recipient=user, kind="export", subject=subject, body=body,
                         dedupe_key=f"export:{task.id}:{task.attempts}", send_after=now,
                         link=f"/exports/tasks/{task.id}", channels=["in_app"])])
    db.session.flush()


def export_folder() -> Path:
    configured = current_app.config.get("EXPORT_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "exports"


def export_result(task: ExportTask) -> Path | None:
    """The finished task's file, or None when it is not done or was cleaned away."""
    if task.status != TaskStatus.DONE or not task.result_path:
        return None
    path = export_folder() / task.result_path
    return path if path.is_file() else None


def exports_clean(*, now: datetime) -> int:
    """Delete the files (and the records) of tasks finished more than KEEP_FOR ago."""
    old = list(db.session.scalars(sa.select(ExportTask).where(
        ExportTask.finished_at.is_not(None), ExportTask.finished_at < now - KEEP_FOR)))
    for task in old:
        if task.result_path:
            (export_folder() / task.result_path).unlink(missing_ok=True)
        db.session.delete(task)
    db.session.flush()
    return len(old)
