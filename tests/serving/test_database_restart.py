"""The database really going away, with served processes on it.

PostgreSQL pass: a PRIVATE cluster (initdb into a temporary folder, its own port and socket; the
shared server at 5432 is never touched) under waitress (`flask serve`, production settings) and
a `flask --app hygiene scheduler` process; `pg_ctl restart -m fast`, then a stop, a few seconds
down, and a start: pages answer 503 in Chinese meanwhile (never 500), the same sign-in works after
without restarting anything, a form posted during the outage wrote nothing and its resend works,
and the scheduler takes its lock again and sends what fell due during the outage.

SQLite pass: another process holds the write lock longer than the busy timeout: a write answers 503
(not 500), pages that only read keep working (WAL), and the resend works once the lock is gone.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.serving.conftest import NO_INITDB
from tests.serving.served import ROOT, csrf, free_port, migrate, server_env, serving, signed_in, stop
from tests.serving.test_database_gone import DB_MESSAGE

ON_POSTGRESQL = os.environ.get("TEST_DATABASE_URL", "").startswith("postgres")
VILLAGE = "停电村"  # the form posted while the database is gone


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false")


# --- a seeded installation on any database URL ------------------------------------------------------


@contextmanager
def installation(url: str, folder: Path):
    """An application object on `url` (migrated by a process of its own) with a township, a
    village and its administrator `admin`; yields it for reading what the served processes wrote."""
    from config import TestConfig
    from hygiene import create_app
    from hygiene.accounts.models import User
    from hygiene.extensions import db
    from hygiene.places.models import Township, Village

    migrate(url, folder)

    class Private(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        UPLOAD_DIR = str(folder / "uploads")

    app = create_app(Private)
    with app.app_context():
        township = Township(name="清溪镇")
        db.session.add(township)
        db.session.flush()
        db.session.add(Village(name="东山村", township_id=township.id))
        admin = User(username="admin", display_name="管理员", role="admin", township_id=township.id)
        admin.set_password(PASSWORD)
        db.session.add(admin)
        db.session.commit()
        app.config["TOWNSHIP"] = township.id
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def villages_named(app, name: str) -> int:
    from hygiene.extensions import db
    from hygiene.places.models import Village

    with app.app_context():
        try:
            return db.session.scalar(sa.select(sa.func.count(Village.id)).where(Village.name == name))
        finally:
            db.session.remove()


def new_village(browser, base: str, app) -> int:
    """Post the new-village form (the token read before); the status it answered."""
    return browser.post(f"{base}/register/villages/new", timeout=60, allow_redirects=False, data={
        "name": VILLAGE, "township_id": app.config["TOWNSHIP"], "csrf_token": app.config["FORM_TOKEN"]}).status_code


def answers_503_in_chinese(browser, base: str, url: str = "/") -> None:
    page = browser.get(f"{base}{url}", timeout=30)
    assert page.status_code == 503 and DB_MESSAGE in page.text, (url, page.status_code, page.text[:300])


# --- PostgreSQL: a private cluster, restarted for real ----------------------------------------------


class Cluster:
    """A PostgreSQL cluster of the test's own: initdb, pg_ctl, a free port, its socket in its folder."""

    def __init__(self, folder: Path, bin_dir: Path):
        self.folder, self.bin, self.port = folder, bin_dir, free_port()
        self.data, self.log = folder / "data", folder / "postgres.log"
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/hygiene"

    def run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.as_postgres, str(self.bin / tool), *args], check=True, capture_output=True,
                       timeout=120, cwd=self.folder)

    def pg_ctl(self, action: str, *args: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -F"
        self.run("pg_ctl", action, "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o", options, *args)

    def create(self) -> None:
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(self.folder, account.pw_uid, account.pw_gid)
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale",
                 "--no-sync")
        self.pg_ctl("start")
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "hygiene")


@pytest.fixture
def cluster():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        if in_ci():
            pytest.fail(NO_INITDB.replace("is SKIPPED", "cannot run: CI must install PostgreSQL"), pytrace=False)
        pytest.skip(NO_INITDB)
    folder = Path(tempfile.mkdtemp(prefix="hygiene-pg-"))
    private = Cluster(folder, Path(found[-1]).parent)
    try:
        private.create()
        yield private
    finally:
        subprocess.run([*private.as_postgres, str(private.bin / "pg_ctl"), "stop", "-D", str(private.data),
                        "-m", "immediate", "-w"], capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


class Output:
    """The lines a process prints, read as they come (a thread of their own)."""

    def __init__(self, process: subprocess.Popen):
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, args=(process,), daemon=True)
        self.reader.start()

    def _read(self, process: subprocess.Popen) -> None:
        for line in process.stdout:
            self.lines.append(line)

    def wait_for(self, text: str, *, after: int = 0, seconds: float = 45) -> int:
        """The index of the first line from `after` on that contains `text`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for index in range(after, len(self.lines)):
                if text in self.lines[index]:
                    return index
            time.sleep(0.1)
        raise AssertionError(f"no {text!r} within {seconds:g} s:\n{''.join(self.lines[after:])}")


def sent_at(app, notification_id: int):
    from hygiene.extensions import db
    from hygiene.notifications.models import Notification

    with app.app_context():
        try:
            return db.session.get(Notification, notification_id).sent_at
        finally:
            db.session.remove()


@pytest.mark.skipif(not ON_POSTGRESQL, reason="a database restart needs PostgreSQL (the PostgreSQL pass runs it)")
def test_a_real_postgresql_restart_answers_503_then_the_same_sign_in_and_the_scheduler_carry_on(cluster):
    from hygiene.accounts.models import User
    from hygiene.clock import now_utc
    from hygiene.extensions import db
    from hygiene.notifications.services import notify

    production = {"HYGIENE_CONFIG": "production", "HYGIENE_INSECURE_COOKIES": "1"}
    with installation(cluster.url, cluster.folder) as app, \
            serving(cluster.url, cluster.folder, "--no-scheduler", **production) as (base, _web):
        scheduler = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "hygiene", "scheduler"], cwd=ROOT, text=True,
            env=server_env(cluster.url, cluster.folder, PYTHONUNBUFFERED="1", SCHEDULER_STANDBY_SECONDS="1",
                           **production), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        said = Output(scheduler)
        try:
            running = said.wait_for("Scheduler running")
            browser = signed_in(base, "admin", PASSWORD)
            assert browser.get(f"{base}/", timeout=30).status_code == 200
            app.config["FORM_TOKEN"] = csrf(browser.get(f"{base}/register/villages/new", timeout=30).text)

            # 1. pg_ctl restart -m fast while pages are being read
            seen: list[tuple[int, str]] = []
            restarting = threading.Event()

            def reader() -> None:
                while not restarting.is_set():
                    for url in ("/", "/register/villages/"):
                        page = browser.get(f"{base}{url}", timeout=30)
                        seen.append((page.status_code, page.text))

            watcher = threading.Thread(target=reader)
            watcher.start()
            time.sleep(0.5)
            cluster.pg_ctl("restart", "-m", "fast")
            time.sleep(0.5)
            restarting.set()
            watcher.join(60)
            assert seen and {status for status, _text in seen} <= {200, 503}, [status for status, _ in seen]
            assert all(DB_MESSAGE in text for status, text in seen if status == 503)
            assert browser.get(f"{base}/", timeout=30).status_code == 200  # same sign-in, no process restarted
            lost = said.wait_for("standing by", after=running)
            running = said.wait_for("Scheduler running", after=lost)  # its lock taken again

            # 2. a stop, a few seconds down, a start; a notification falls due during the outage
            with app.app_context():
                [due] = notify(recipient=db.session.scalar(sa.select(User).where(User.username == "admin")),
                               kind="digest", subject="今日待办", body="", dedupe_key="outage",
                               send_after=now_utc() + timedelta(seconds=2))
                db.session.commit()
                due_id = due.id
                db.session.remove()
            cluster.pg_ctl("stop", "-m", "fast")
            down = time.monotonic()
            answers_503_in_chinese(browser, base, "/")
            answers_503_in_chinese(browser, base, "/register/villages/")
            assert new_village(browser, base, app) == 503  # posted during the outage
            time.sleep(max(0.0, 4 - (time.monotonic() - down)))
            cluster.pg_ctl("start")

            assert browser.get(f"{base}/", timeout=30).status_code == 200
            assert villages_named(app, VILLAGE) == 0  # the form posted during the outage wrote nothing
            assert new_village(browser, base, app) == 302  # sent again: kept
            assert villages_named(app, VILLAGE) == 1
            said.wait_for("Scheduler running", after=running + 1)
            deadline = time.monotonic() + 30
            while sent_at(app, due_id) is None and time.monotonic() < deadline:
                time.sleep(0.3)
            assert sent_at(app, due_id) is not None, "what fell due during the outage was not sent after it"
            assert scheduler.poll() is None
        finally:
            stop(scheduler)
            said.reader.join(10)
            scheduler.stdout.close()


# --- SQLite: the database file locked by another process ---------------------------------------------


@pytest.mark.skipif(ON_POSTGRESQL, reason="a locked SQLite file: the SQLite pass runs it")
def test_a_sqlite_file_locked_longer_than_the_busy_timeout_answers_503_then_works(tmp_path):
    from tests.serving.served import migrated_sqlite

    url = migrated_sqlite(tmp_path)
    with installation(url, tmp_path) as app, serving(url, tmp_path, "--no-scheduler") as (base, _web):
        browser = signed_in(base, "admin", PASSWORD)
        assert browser.get(f"{base}/", timeout=30).status_code == 200
        app.config["FORM_TOKEN"] = csrf(browser.get(f"{base}/register/villages/new", timeout=30).text)
        holder = sqlite3.connect(tmp_path / "hygiene.db", isolation_level=None, timeout=1)
        try:
            holder.execute("BEGIN EXCLUSIVE")  # the write lock, held past the 5 s busy timeout
            started = time.monotonic()
            refused = browser.post(f"{base}/register/villages/new", timeout=60, allow_redirects=False, data={
                "name": VILLAGE, "township_id": app.config["TOWNSHIP"], "csrf_token": app.config["FORM_TOKEN"]})
            assert refused.status_code == 503 and DB_MESSAGE in refused.text, (refused.status_code, refused.text[:300])
            assert time.monotonic() - started >= 4  # it waited for the lock first
            assert browser.get(f"{base}/register/villages/", timeout=30).status_code == 200  # reading goes on
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert villages_named(app, VILLAGE) == 0
        assert new_village(browser, base, app) == 302  # sent again once the lock is gone: kept
        assert villages_named(app, VILLAGE) == 1
