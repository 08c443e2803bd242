"""The embedded web server (`flask --app hygiene serve`): waitress, set up for phones on slow links.

waitress reads each request body completely (into memory, then a temporary file past 512 KB)
before a worker thread sees the request, so a photo trickling in at 1 Mbit/s holds no thread:
the threads only ever run the application. Its body limit follows MAX_CONTENT_LENGTH with a
little room, so an upload just over the limit still gets the application's own (Chinese) 413
page, and a body far beyond it is cut off before it fills the disk.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask

from hygiene.extensions import db

BODY_MARGIN = 1024 * 1024  # bytes above MAX_CONTENT_LENGTH that still reach the application's 413 page
DEFAULT_THREADS = 8


def waitress_options(app: Flask, *, host: str, port: int, threads: int | None = None) -> dict[str, Any]:
    """waitress.serve's settings for this application (listen address, threads, limits)."""
    limit = int(app.config.get("MAX_CONTENT_LENGTH") or 0)
    return {
        "host": host, "port": port,
        "threads": threads or int(app.config.get("SERVE_THREADS") or DEFAULT_THREADS),
        "max_request_body_size": limit + BODY_MARGIN if limit else 1024 ** 3,
        "channel_timeout": 300,  # a village phone may pause minutes mid-upload on a weak signal
        "connection_limit": 200,
        "ident": "hygiene",
    }


def sqlite_journal_mode(app: Flask) -> str | None:
    """The journal mode of the app's SQLite database ("wal" as it should be), None on PostgreSQL."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return None
        with db.engine.connect() as conn:
            return str(conn.execute(sa.text("PRAGMA journal_mode")).scalar()).lower()
