"""Making a backup, restoring one, and checking a restored installation against its manifest."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from hygiene.backup import database, photos
from hygiene.backup.database import BackupError
from hygiene.extensions import db
from hygiene.media.models import Photo
from hygiene.media.store import DISPLAY, MARKER, ORIGINAL, THUMB, PhotoStore, photo_key

MANIFEST = "manifest.json"
FORMAT = 1


@dataclass(frozen=True)
class Made:
    folder: Path
    manifest: dict
    photos_written: int
    size_bytes: int


def backup_make(*, store: PhotoStore, dest: Path, now: datetime, link_from: Path | None = None) -> Made:
    """Copy the database, then the photo files, into `dest`, and write the manifest last (a folder
    without one is no finished backup). Safe to repeat into the same folder: it refreshes it."""
    dest.mkdir(parents=True, exist_ok=True)
    (dest / MANIFEST).unlink(missing_ok=True)
    copied = database.dump(db.engine, _tables(), dest)  # first: every photo row it holds has its files
    summary, written = photos.copy_out(store, dest, link_from=link_from)
    manifest = {"format": FORMAT, "made_at": now.isoformat(), "database": copied.kind, "file": copied.file,
                "migration_head": copied.head, "tables": copied.counts, "photos": summary.as_dict()}
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    size = (dest / copied.file).stat().st_size + summary.bytes
    return Made(dest, manifest, written, size)


def manifest_read(src: Path) -> dict:
    """The backup's manifest; BackupError when the folder holds no finished backup."""
    try:
        manifest = json.loads((src / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"{src} holds no finished backup (no readable {MANIFEST}).") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{src}: backup format {manifest.get('format')!r} is not known here.")
    return manifest


def backup_restore(*, store: PhotoStore, src: Path) -> list[str]:
    """Put the backup in `src` into this (empty) installation, then check it; returns the problems
    found (none: the database and the photos are as the manifest says)."""
    manifest = manifest_read(src)
    db.session.remove()
    database.restore(db.engine, manifest["database"], src)
    photos.copy_in(src, store)
    return backup_verify(store=store, manifest=manifest, src=src)


def backup_verify(*, store: PhotoStore, manifest: dict, src: Path) -> list[str]:
    """Compare the installation with the manifest: rows per table, the migration head, every
    photo file of the backup, and every photo row's files."""
    with db.engine.connect() as connection:
        counts, head = database.counts_and_head(connection, list(manifest["tables"]))
    problems = [f"table {name}: {counts[name]} rows, the backup has {rows}"
                for name, rows in manifest["tables"].items() if counts[name] != rows]
    if head != manifest["migration_head"]:
        problems.append(f"migration head {head}, the backup has {manifest['migration_head']}")
    expected = photos.listing(src)
    if photos.summarise(expected).as_dict() != manifest["photos"]:
        problems.append("the backup's photo list does not match its manifest")
    have = photos.store_sizes(store, expected)
    problems += [f"photo file {key}: {have[key]} bytes, the backup has {size}"
                 for key, size in expected.items() if have[key] != size][:20]
    return problems + photo_rows_without_files(store)[:20]


def photo_rows_without_files(store: PhotoStore) -> list[str]:
    """Every photo row whose files are not all in the store, as sentences."""
    missing = []
    for photo_id, sha in db.session.execute(db.select(Photo.id, Photo.sha256).order_by(Photo.id)):
        lost = [name for name in (ORIGINAL, DISPLAY, THUMB, MARKER) if not store.exists(photo_key(sha, name))]
        if lost:
            missing.append(f"photo {photo_id}: no {', '.join(lost)}")
    db.session.rollback()
    return missing


def _tables() -> list[str]:
    return sorted(table.name for table in db.metadata.sorted_tables)
