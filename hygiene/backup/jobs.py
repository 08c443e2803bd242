"""The backup jobs: the daily backup (off while BACKUP_DIR is empty) and the weekly removal of
crash leftovers; the jobs page tells how the last backup went."""
from __future__ import annotations

import json
import logging
from datetime import datetime, time, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.accounts.models import Role, User
from hygiene.backup.cleanup import leftovers_clean
from hygiene.backup.daily import backup_daily
from hygiene.clock import local_today, to_local
from hygiene.core.web import photo_store
from hygiene.extensions import db
from hygiene.notifications.services import NotifySpec, tell
from hygiene.scheduler import Job, register, register_page_note
from hygiene.scheduler.models import JobRun
from hygiene.scheduler.run_status import RunStatus

log = logging.getLogger(__name__)


def daily_backup(*, now: datetime) -> dict[str, int]:
    """Back up into today's folder and prune; a failure tells the administrators, then fails the run."""
    root = current_app.config.get("BACKUP_DIR") or ""
    if not root:
        return {}
    try:
        made, removed = backup_daily(store=photo_store(), root=Path(root), today=local_today(now), now=now,
                                     keep_days=int(current_app.config.get("BACKUP_KEEP_DAYS", 7)))
    except Exception as error:
        db.session.rollback()
        backup_failed_tell(now=now, why=f"{type(error).__name__}: {error}")
        db.session.commit()  # the run's rollback must not take the message with it
        raise
    return {"backup_bytes": made.size_bytes, "photos_copied": made.photos_written, "backups_removed": removed}


def backup_failed_tell(*, now: datetime, why: str) -> int:
    """Tell every active administrator, once a day, that the backup failed and why."""
    admins = db.session.scalars(sa.select(User).where(User.role == Role.ADMIN.value, User.active.is_(True)))
    day = local_today(now).isoformat()
    return tell([NotifySpec(recipient=admin, kind="backup_failed", subject=_l("The daily backup failed"),
                            body=_l("The backup of %(day)s failed: %(why)s. Until it works, the data are "
                                    "not backed up; please tell whoever runs the server.", day=day, why=why[:500]),
                            dedupe_key=f"backup_failed:{day}", send_after=now, link="/admin/jobs/")
                 for admin in admins])


def clean_leftovers(*, now: datetime) -> dict[str, int]:
    return leftovers_clean(store=photo_store(), now=now)


register(Job("daily_backup", daily_backup, _l("Back up the database and the photos (BACKUP_DIR)"),
             _l("daily at 02:30"), at=time(2, 30)))
register(Job("clean_leftovers", clean_leftovers, _l("Remove crash leftovers older than a day"),
             _l("weekly"), every=timedelta(days=7)))


@register_page_note
def last_backup(_scope) -> str:
    """How the last daily backup went, or that backups are off."""
    if not current_app.config.get("BACKUP_DIR"):
        return _("Daily backups are off: set BACKUP_DIR to a folder on another disk to switch them on.")
    run = db.session.scalar(sa.select(JobRun).where(JobRun.job_id == "daily_backup"))
    if run is None or run.last_finished_at is None:
        return _("No backup has been made yet.")
    when = to_local(run.last_finished_at).strftime("%Y-%m-%d %H:%M")
    if run.last_status == RunStatus.ERROR:
        return _("The last backup failed (%(when)s): %(why)s", when=when, why=run.last_error[:300])
    size = json.loads(run.last_result or "{}").get("backup_bytes", 0) if run.last_result.startswith("{") else 0
    return _("Last backup: %(when)s, %(size)s MB, ok.", when=when, size=f"{size / 1_000_000:.1f}")
