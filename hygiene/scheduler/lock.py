"""The lock that lets one scheduler run per database and dies with the process that holds it.

PostgreSQL: a session-level advisory lock on a connection of its own, held for the life of the
process; the server drops it when that connection ends, also after kill -9. SQLite: an
exclusive flock on a file beside the database; the kernel drops it when the process dies.
A scheduler started beside a running one stands by (`wait_for_scheduler_lock`): it tries the
lock every few seconds and takes over once the holder is gone.
"""
from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from typing import IO, Protocol

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.engine import URL, Connection, Engine

from hygiene.extensions import db

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]  # no fcntl on Windows: msvcrt locks instead
    import msvcrt

log = logging.getLogger(__name__)

LOCK_KEY = 0x68796769656E65  # "hygiene" in ASCII: the advisory lock's bigint key
# The server notices a vanished lock holder (a dead host, not just a dead process) in ~90 s.
KEEPALIVE = "-c tcp_keepalives_idle=60 -c tcp_keepalives_interval=10 -c tcp_keepalives_count=3"


class SchedulerLock(Protocol):
    def release(self) -> None:
        """Give the lock back (the death of the process gives it back too)."""

    def held(self) -> bool:
        """Whether this process still holds the lock (a lost database connection loses it)."""


class FileLock:
    def __init__(self, path: str, handle: IO[str]):
        self.path, self.handle = path, handle

    def release(self) -> None:
        if self.handle.closed:
            return
        if fcntl is not None:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()

    def held(self) -> bool:
        return not self.handle.closed  # a flock lasts as long as the open file


class AdvisoryLock:
    def __init__(self, engine: Engine, connection: Connection):
        self.engine, self.connection = engine, connection

    def release(self) -> None:
        if self.connection.closed:
            return
        try:
            if not self.connection.invalidated:
                self.connection.scalar(sa.select(sa.func.pg_advisory_unlock(LOCK_KEY)))
                self.connection.commit()
        except sa.exc.SQLAlchemyError:
            log.warning("the scheduler lock's connection had already ended (the lock with it)")
        finally:
            self.connection.close()
            self.engine.dispose()

    def held(self) -> bool:
        """The session lock lives as long as its connection: ask over it (a network cut, a
        restarted server or pg_terminate_backend end it while this process lives on)."""
        if self.connection.closed or self.connection.invalidated:
            return False
        try:
            self.connection.scalar(sa.select(1))
            self.connection.commit()
        except sa.exc.DBAPIError:
            return False
        return True


def acquire_scheduler_lock(app: Flask) -> FileLock | AdvisoryLock | None:
    """Take the scheduler lock of the app's database without waiting; None when another holds it."""
    with app.app_context():
        url = db.engine.url
    if url.get_backend_name() == "postgresql":
        return _advisory_lock(url)
    return _file_lock(lock_path(app, url))


def wait_for_scheduler_lock(app: Flask, *, every: float,
                            sleep: Callable[[float], None] = time.sleep) -> FileLock | AdvisoryLock:
    """Try the lock every `every` seconds until it is ours; a database that does not answer for
    a while is waited for too (it says so in the log)."""
    while True:
        try:
            lock = acquire_scheduler_lock(app)
        except sa.exc.OperationalError as error:
            log.warning("standing by: the database does not answer (%s)", str(error).splitlines()[0])
            lock = None
        if lock is not None:
            return lock
        sleep(every)


def lock_path(app: Flask, url: URL) -> str:
    """SCHEDULER_LOCK_FILE, else '<database file>.scheduler.lock', else '<instance>/scheduler.lock'."""
    configured = app.config.get("SCHEDULER_LOCK_FILE")
    if configured:
        return configured
    if url.database and url.database != ":memory:":
        return f"{url.database}.scheduler.lock"
    return os.path.join(app.instance_path, "scheduler.lock")


def _file_lock(path: str) -> FileLock | None:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")  # held open for the life of the process
    try:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    except OSError:
        handle.close()
        return None
    if fcntl is not None:  # for the person wondering who holds it
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
    return FileLock(path, handle)


def _advisory_lock(url: URL) -> AdvisoryLock | None:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool, connect_args={"options": KEEPALIVE})
    connection = engine.connect()
    try:
        taken = connection.scalar(sa.select(sa.func.pg_try_advisory_lock(LOCK_KEY)))
        connection.commit()  # the lock belongs to the session; no transaction stays open
    except Exception:
        connection.close()
        engine.dispose()
        raise
    if not taken:
        connection.close()
        engine.dispose()
        return None
    return AdvisoryLock(engine, connection)
