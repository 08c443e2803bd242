"""`flask backup DEST`, `flask restore SRC` and `flask cleanup`."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from hygiene.backup.database import BackupError
from hygiene.clock import now_utc
from hygiene.core.web import photo_store
from hygiene.extensions import db


@click.command("backup")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_command(dest: Path) -> None:
    """Copy the database, then the photos, into DEST while the system runs (photos already in
    DEST are kept, so backing up into the same folder again copies only new ones)."""
    from hygiene.backup.services import backup_make

    try:
        made = backup_make(store=photo_store(), dest=dest, now=now_utc())
    except (BackupError, OSError) as error:
        raise click.ClickException(str(error)) from error
    photos = made.manifest["photos"]
    click.echo(f"Backup written to {dest}: {sum(made.manifest['tables'].values())} rows in "
               f"{len(made.manifest['tables'])} tables, {photos['count']} photo files "
               f"({made.photos_written} copied now), {made.size_bytes / 1_000_000:.1f} MB.")


@click.command("restore")
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def restore_command(src: Path) -> None:
    """Put the backup in SRC into this installation (its database must be empty), then check it."""
    from hygiene.backup.services import backup_restore

    try:
        problems = backup_restore(store=photo_store(), src=src)
    except (BackupError, OSError) as error:
        raise click.ClickException(str(error)) from error
    if problems:
        raise click.ClickException("Restored, but it differs from the backup's manifest:\n" + "\n".join(problems))
    click.echo(f"Restored from {src}; every table and every photo file matches the manifest.")


@click.command("cleanup")
@with_appcontext
def cleanup_command() -> None:
    """Remove crash leftovers older than a day (never a photo set that was committed)."""
    from hygiene.backup.cleanup import leftovers_clean

    removed = leftovers_clean(store=photo_store(), now=now_utc())
    db.session.commit()
    click.echo(f"Removed {removed['photo_leftovers_removed']} photo store leftovers and "
               f"{removed['export_leftovers_removed']} export leftovers.")
