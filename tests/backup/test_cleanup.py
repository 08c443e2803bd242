"""Crash leftovers older than a day go (the store's temporary files, photo sets whose marker never
came, export files no task owns); a committed set, a young leftover and a finished export stay."""
import os
import time
from datetime import UTC, datetime

import pytest

from hygiene.backup.cleanup import leftovers_clean
from hygiene.backup.jobs import clean_leftovers
from hygiene.core.web import photo_store
from hygiene.exports.services import export_folder
from hygiene.media.store import DISPLAY, MARKER, ORIGINAL, THUMB, FileSystemStore, photo_key
from hygiene.scheduler.runner import run_job

DAY = 24 * 3600
COMMITTED, ORPHAN, YOUNG = "a" * 64, "b" * 64, "c" * 64


def aged(path, seconds):
    stamp = time.time() - seconds
    os.utime(path, (stamp, stamp))


def photo_set(store, sha, *, marker=True, age=2 * DAY):
    for name in (ORIGINAL, DISPLAY, THUMB) + ((MARKER,) if marker else ()):
        store.put(photo_key(sha, name), b"x")
        aged(store.root / sha[:2] / sha / name, age)


@pytest.fixture
def store(tmp_path):
    return FileSystemStore(tmp_path / "uploads")


def test_old_leftovers_go_and_committed_sets_stay(store):
    photo_set(store, COMMITTED)
    photo_set(store, ORPHAN, marker=False)
    photo_set(store, YOUNG, marker=False, age=3600)
    stale_temp = store.root / COMMITTED[:2] / COMMITTED / f".{ORIGINAL}.0123456789ab.tmp"
    stale_temp.write_bytes(b"half")
    aged(stale_temp, 2 * DAY)
    assert ".tmp" not in " ".join(store.keys())

    assert store.remove_leftovers(before=time.time() - DAY) == 4
    assert all(store.exists(photo_key(COMMITTED, name)) for name in (ORIGINAL, DISPLAY, THUMB, MARKER))
    assert not (store.root / ORPHAN[:2] / ORPHAN).exists()
    assert (store.root / YOUNG[:2] / YOUNG / ORIGINAL).is_file()
    assert not stale_temp.exists()
    assert sorted(store.keys()) == sorted([photo_key(COMMITTED, n) for n in (ORIGINAL, DISPLAY, THUMB, MARKER)]
                                          + [photo_key(YOUNG, n) for n in (ORIGINAL, DISPLAY, THUMB)])


def test_the_keys_of_a_store_are_the_keys_put(store):
    photo_set(store, COMMITTED)
    assert sorted(store.keys()) == sorted(photo_key(COMMITTED, n) for n in (ORIGINAL, DISPLAY, THUMB, MARKER))


def test_export_files_no_task_owns_go_after_a_day(app, ctx, tmp_path):
    folder = export_folder()
    folder.mkdir(parents=True, exist_ok=True)
    old, young = folder / "9001-1.xlsx", folder / "9002-1.xlsx"
    for path in (old, young):
        path.write_bytes(b"PK half a workbook")
    aged(old, 2 * DAY)
    removed = leftovers_clean(store=photo_store(), now=datetime.now(UTC))
    assert removed["export_leftovers_removed"] == 1
    assert not old.exists() and young.exists()
    young.unlink()


def test_the_cleanup_command_and_the_weekly_job(app, db, tmp_path):
    result = app.test_cli_runner().invoke(args=["cleanup"])
    assert result.exit_code == 0 and "leftovers" in result.output
    assert run_job(app, "clean_leftovers", clean_leftovers)
