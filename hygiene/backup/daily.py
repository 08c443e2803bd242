"""The daily backup: a dated folder under BACKUP_DIR each day, older ones removed after
BACKUP_KEEP_DAYS (never the newest finished one), photos hard-linked from the day before."""
from __future__ import annotations

import re
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

from hygiene.backup.services import MANIFEST, Made, backup_make
from hygiene.media.store import PhotoStore

_DATED = re.compile(r"\d{4}-\d{2}-\d{2}")


def backup_daily(*, store: PhotoStore, root: Path, today: date, now: datetime, keep_days: int) -> tuple[Made, int]:
    """Make today's backup in root/YYYY-MM-DD, then prune; returns it and the folders removed."""
    root.mkdir(parents=True, exist_ok=True)
    earlier = [folder for folder in finished(root) if folder.name != today.isoformat()]
    made = backup_make(store=store, dest=root / today.isoformat(), now=now,
                       link_from=earlier[-1] if earlier else None)
    return made, prune(root, today=today, keep_days=keep_days)


def finished(root: Path) -> list[Path]:
    """The dated folders holding a finished backup (a manifest), oldest first."""
    return [folder for folder in _dated(root) if (folder / MANIFEST).is_file()]


def prune(root: Path, *, today: date, keep_days: int) -> int:
    """Remove dated folders older than keep_days, except the newest finished backup."""
    done = finished(root)
    keep = done[-1] if done else None
    oldest = (today - timedelta(days=max(keep_days, 1))).isoformat()
    removed = 0
    for folder in _dated(root):
        if folder != keep and folder.name < oldest:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def _dated(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if p.is_dir() and _DATED.fullmatch(p.name)) if root.is_dir() else []
