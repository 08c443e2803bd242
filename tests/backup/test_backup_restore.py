"""A backup made while inspectors keep writing restores into a fresh installation whole: every
table as the backup saw it, every photo row with its files, byte for byte."""
import threading
import time
from datetime import UTC, date, datetime

import psycopg
import pytest
import sqlalchemy as sa

from config import TestConfig
from hygiene import create_app
from hygiene.access.scope import Scope
from hygiene.accounts.models import Role
from hygiene.backup import photos as backup_photos
from hygiene.backup.services import backup_make, backup_restore, manifest_read
from hygiene.checklists.services import template_save
from hygiene.core.web import photo_limits, photo_store
from hygiene.extensions import db
from hygiene.inspections.models import Answer, Inspection
from hygiene.media.models import Photo
from hygiene.media.services import photos_attach
from hygiene.media.store import DISPLAY, MARKER, ORIGINAL, THUMB, FileSystemStore, photo_key
from tests.inspections.helpers import simple_spec
from tests.media.support import picture

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
WRITERS = 3


def write_one(world, version_id: int, items: list[int], seed: int) -> None:
    """One inspection with an answer per item and a photo of its first item, in one transaction."""
    inspection = Inspection(version_id=version_id, township_id=world.ta, village_id=world.a1, target_kind="unit",
                            target_id=world.unit_a1, unit_id=world.unit_a1, target_label=f"a1饭店 {seed}",
                            planned_date=date(2026, 11, 23), due_date=date(2026, 11, 30))
    db.session.add(inspection)
    db.session.flush()
    db.session.add_all(Answer(inspection_id=inspection.id, item_id=item, result="pass", note=f"{seed}")
                       for item in items)
    photos_attach([(f"{seed}.jpg", picture(seed))], store=photo_store(), limits=photo_limits(),
                   uploaded_by_id=world.user_inspector_a, now=NOW, inspection_id=inspection.id,
                   item_id=items[0], township_id=world.ta, target_kind="unit", target_id=world.unit_a1)
    db.session.commit()


class Writers:
    """Threads writing inspections, answers and photos until stopped; counts what they committed."""

    def __init__(self, app, world, version_id, items):
        self.app, self.world, self.version_id, self.items = app, world, version_id, items
        self.stop, self.done, self.errors = threading.Event(), [0] * WRITERS, []
        self.threads = [threading.Thread(target=self.run, args=(n,)) for n in range(WRITERS)]

    def run(self, n: int) -> None:
        seed = 1000 * (n + 1)
        while not self.stop.is_set():
            seed += 1
            try:
                with self.app.app_context():
                    write_one(self.world, self.version_id, self.items, seed)
                self.done[n] += 1
            except Exception as error:  # noqa: BLE001 - the test fails on any, after joining
                self.errors.append(repr(error))
                return

    def wait_for(self, total: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while sum(self.done) < total and not self.errors and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not self.errors, self.errors
        assert sum(self.done) >= total, "the writers did not get going"

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


@pytest.fixture
def fresh(app, tmp_path):
    """A second, empty installation: its own database (a new SQLite file, or a new PostgreSQL
    database beside the test one) and its own upload folder."""
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        target = url.set(database=str(tmp_path / "restored.db"))
    else:
        target = url.set(database=f"{url.database}_restore")
        _pg_admin(url, f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)', f'CREATE DATABASE "{target.database}"')

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = target.render_as_string(hide_password=False)
        UPLOAD_DIR = str(tmp_path / "restored-uploads")

    restored = create_app(Config)
    yield restored
    with restored.app_context():
        db.session.remove()
        db.engine.dispose()
    if url.get_backend_name() != "sqlite":
        _pg_admin(url, f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')


def _pg_admin(url, *statements):
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)


def sheet(app, world):
    with app.app_context():
        version = template_save(scope=Scope(Role.ADMIN, township_id=world.ta), actor_id=None, spec=simple_spec())
        db.session.commit()
        return version.id, [item.id for item in version.items]


def rows_of(app) -> dict[str, dict]:
    """Every row of every table by primary key."""
    with app.app_context():
        tables = {}
        for table in db.metadata.sorted_tables:
            key = list(table.primary_key.columns)
            tables[table.name] = {tuple(row[c.name] for c in key): dict(row)
                                  for row in db.session.execute(sa.select(table)).mappings()}
        db.session.rollback()
        return tables


def test_a_backup_under_concurrent_writes_restores_every_table_and_every_photo(app, world, fresh, tmp_path,
                                                                              monkeypatch):
    version_id, items = sheet(app, world)
    dest = tmp_path / "backup"
    copy_out = backup_photos.copy_out

    with Writers(app, world, version_id, items) as writers:
        def photos_after_more_writes(store, folder, **kwargs):
            writers.wait_for(sum(writers.done) + 2 * WRITERS)  # photos stored after the database copy
            return copy_out(store, folder, **kwargs)

        monkeypatch.setattr(backup_photos, "copy_out", photos_after_more_writes)
        writers.wait_for(2 * WRITERS)
        with app.app_context():
            made = backup_make(store=photo_store(), dest=dest, now=NOW)
        writers.wait_for(sum(writers.done) + WRITERS)  # and the writes go on after it
    assert not writers.errors, writers.errors

    manifest = manifest_read(dest)
    assert manifest == made.manifest
    source = rows_of(app)
    backed_up = manifest["tables"]["inspection"]
    assert 2 * WRITERS <= backed_up < len(source["inspection"])  # the copy is of a moment mid-writing
    assert manifest["tables"]["answer"] == 4 * backed_up and manifest["tables"]["photo"] == backed_up

    with fresh.app_context():
        problems = backup_restore(store=photo_store(), src=dest)
    assert problems == []

    restored = rows_of(fresh)
    for name, rows in restored.items():
        assert len(rows) == manifest["tables"][name], name
        assert all(source[name][key] == row for key, row in rows.items()), name  # as the source holds them
    assert len(restored["inspection"]) == backed_up
    assert {r["inspection_id"] for r in restored["answer"].values()} == {k[0] for k in restored["inspection"]}

    source_store, restored_store = FileSystemStore(app.config["UPLOAD_DIR"]), FileSystemStore(fresh.config["UPLOAD_DIR"])
    for photo in restored["photo"].values():
        for name in (ORIGINAL, DISPLAY, THUMB, MARKER):
            key = photo_key(photo["sha256"], name)
            with restored_store.open(key) as got, source_store.open(key) as want:
                assert got.read() == want.read()


def test_restore_refuses_a_database_that_is_not_empty(app, world, tmp_path):
    with app.app_context():
        backup_make(store=photo_store(), dest=tmp_path / "b", now=NOW)
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Photo))
    result = app.test_cli_runner().invoke(args=["restore", str(tmp_path / "b")])
    assert result.exit_code != 0
    assert "not empty" in result.output and "restore only into a new, empty database" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Photo)) == before


def test_restore_refuses_a_folder_without_a_finished_backup(fresh, tmp_path):
    (tmp_path / "half").mkdir()
    result = fresh.test_cli_runner().invoke(args=["restore", str(tmp_path / "half")])
    assert result.exit_code != 0 and "no finished backup" in result.output
    with fresh.app_context():
        assert sa.inspect(db.engine).get_table_names() == []


def test_backing_up_into_the_same_folder_again_copies_only_new_photos(app, world, tmp_path):
    version_id, items = sheet(app, world)
    with app.app_context():
        write_one(world, version_id, items, 1)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["backup", str(tmp_path / "b")])
    assert first.exit_code == 0, first.output
    with app.app_context():
        write_one(world, version_id, items, 2)
        again = backup_make(store=photo_store(), dest=tmp_path / "b", now=NOW)
    assert again.photos_written == 4  # the new photo's four files, nothing else
    assert again.manifest["tables"]["photo"] == 2


def test_the_commands_back_up_and_restore_and_say_that_all_matches(app, world, fresh, tmp_path):
    version_id, items = sheet(app, world)
    with app.app_context():
        write_one(world, version_id, items, 7)
    made = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b")])
    assert made.exit_code == 0 and "Backup written to" in made.output, made.output
    restored = fresh.test_cli_runner().invoke(args=["restore", str(tmp_path / "b")])
    assert restored.exit_code == 0, restored.output
    assert "every table and every photo file matches the manifest" in restored.output
    with fresh.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Photo)) == 1


def test_a_restore_that_differs_from_the_manifest_says_where(app, world, fresh, tmp_path):
    import json

    version_id, items = sheet(app, world)
    with app.app_context():
        write_one(world, version_id, items, 8)
        backup_make(store=photo_store(), dest=tmp_path / "b", now=NOW)
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    manifest["tables"]["answer"] += 1  # as if the copy had lost a row
    (tmp_path / "b" / "manifest.json").write_text(json.dumps(manifest))
    result = fresh.test_cli_runner().invoke(args=["restore", str(tmp_path / "b")])
    assert result.exit_code != 0
    assert "table answer: 4 rows, the backup has 5" in result.output
