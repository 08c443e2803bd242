"""Removing crash leftovers older than a day: the photo store's temporary files and sets whose
marker never came, and export files no finished export task owns (a runner died writing them)."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from hygiene.exports.models import ExportTask
from hygiene.exports.services import export_folder
from hygiene.extensions import db
from hygiene.media.store import PhotoStore

LEFTOVER_AGE = timedelta(days=1)


def leftovers_clean(*, store: PhotoStore, now: datetime) -> dict[str, int]:
    """Remove every crash leftover last changed more than a day before `now`; what was removed."""
    before = (now - LEFTOVER_AGE).timestamp()
    remove = getattr(store, "remove_leftovers", None)  # a store that leaves nothing has none
    photo_files = remove(before=before) if remove is not None else 0
    return {"photo_leftovers_removed": photo_files, "export_leftovers_removed": _exports_clean(before)}


def _exports_clean(before: float) -> int:
    """Export files no task names as its result (a task's own file goes with exports_clean)."""
    folder = export_folder()
    if not folder.is_dir():
        return 0
    owned = set(db.session.scalars(sa.select(ExportTask.result_path).where(ExportTask.result_path != "")))
    removed = 0
    for path in folder.iterdir():
        try:
            if path.is_file() and path.name not in owned and path.stat().st_mtime < before:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed
