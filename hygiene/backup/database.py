"""Copying the database out and back: SQLite's online backup API, or pg_dump/pg_restore.

Each copy reports the row count of every table and the migration head as the copy holds them
(on PostgreSQL read in the very snapshot pg_dump dumps), for the manifest.
"""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, make_url

SQLITE_FILE, PG_FILE = "hygiene.db", "hygiene.dump"


class BackupError(RuntimeError):
    """A backup or restore that cannot go on, with a message for the person running it."""


@dataclass(frozen=True)
class Copied:
    kind: str  # "sqlite" | "postgresql"
    file: str
    head: str
    counts: dict[str, int]


def dump(engine: Engine, tables: list[str], dest: Path) -> Copied:
    """Copy the database into `dest` (a folder) consistently while others write."""
    if engine.dialect.name == "sqlite":
        return _sqlite_dump(engine, tables, dest)
    return _pg_dump(engine, tables, dest)


def restore(engine: Engine, kind: str, src: Path) -> None:
    """Put a copy into the (empty) database of `engine`; refuses one with tables in it."""
    if kind != _kind(engine):
        raise BackupError(f"The backup is of a {kind} database; this installation uses {_kind(engine)}.")
    taken = sa.inspect(engine).get_table_names()
    if taken:
        raise BackupError(f"The database is not empty ({len(taken)} tables, e.g. {sorted(taken)[0]}); "
                          "restore only into a new, empty database.")
    if kind == "sqlite":
        _sqlite_restore(engine, src / SQLITE_FILE)
    else:
        _pg_restore(engine, src / PG_FILE)


def counts_and_head(connection: Connection, tables: list[str]) -> tuple[dict[str, int], str]:
    """Rows per table and the migration head, as this connection sees them."""
    counts = {name: connection.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one()
              for name in tables}
    head = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() or ""
    return counts, head


def _kind(engine: Engine) -> str:
    return "sqlite" if engine.dialect.name == "sqlite" else "postgresql"


def _sqlite_dump(engine: Engine, tables: list[str], dest: Path) -> Copied:
    target = dest / SQLITE_FILE
    target.unlink(missing_ok=True)
    out = sqlite3.connect(target)
    try:
        raw = engine.raw_connection()
        try:
            raw.driver_connection.backup(out)  # type: ignore[union-attr]  # one step: one consistent read
        finally:
            raw.close()
    finally:
        out.close()
    copy = sa.create_engine(f"sqlite:///{target}")
    try:
        with copy.connect() as connection:
            counts, head = counts_and_head(connection, tables)
    finally:
        copy.dispose()
    return Copied("sqlite", SQLITE_FILE, head, counts)


def _sqlite_restore(engine: Engine, file: Path) -> None:
    source = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
    raw = engine.raw_connection()
    try:
        source.backup(raw.driver_connection)  # type: ignore[arg-type]
    finally:
        raw.close()
        source.close()
    engine.dispose()


def _pg_dump(engine: Engine, tables: list[str], dest: Path) -> Copied:
    binary = _pg_tool("pg_dump", engine)
    target = dest / PG_FILE
    with engine.connect() as connection:
        connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot = connection.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
            counts, head = counts_and_head(connection, tables)
            _run([binary, "-Fc", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                  "-f", str(target), *_pg_args(engine)], engine, "pg_dump")
    return Copied("postgresql", PG_FILE, head, counts)


def _pg_restore(engine: Engine, file: Path) -> None:
    binary = _pg_tool("pg_restore", engine)
    _run([binary, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
          *_pg_args(engine), str(file)], engine, "pg_restore")


def _pg_tool(name: str, engine: Engine) -> str:
    """The client binary, refused when missing or older than the server (it would fail or lose data)."""
    binary = shutil.which(name)
    if binary is None:
        raise BackupError(f"{name} was not found; install the PostgreSQL client tools "
                          "(Debian: apt install postgresql-client) of the server's major version.")
    said = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False).stdout
    with engine.connect() as connection:
        server = int(connection.execute(sa.text("SHOW server_version_num")).scalar_one()) // 10000
    client_new_enough(binary, said, server)
    return binary


def client_new_enough(binary: str, said: str, server: int) -> None:
    """Refuse a client whose `--version` answer is of a major version older than the server's."""
    found = re.search(r"\) (\d+)|(\d+)\.", said)
    major = int(found.group(1) or found.group(2)) if found else None
    if major is None or major < server:
        raise BackupError(f"{binary} is of PostgreSQL {major or '?'}, older than the server ({server}); "
                          f"install the client tools of version {server} or later.")


def _pg_args(engine: Engine) -> list[str]:
    """Connection arguments from the URL's parts; the password goes in the environment."""
    url = make_url(engine.url)
    args = [f"--dbname={url.database}"]
    if url.host:
        args.append(f"--host={url.host}")
    if url.port:
        args.append(f"--port={url.port}")
    if url.username:
        args.append(f"--username={url.username}")
    return args + ["--no-password"]


def _run(command: list[str], engine: Engine, name: str) -> None:
    env = dict(os.environ)
    password = make_url(engine.url).password
    if password:
        env["PGPASSWORD"] = str(password)
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise BackupError(f"{name} failed: {done.stderr.strip()[-1500:]}")
