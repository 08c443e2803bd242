"""Scaffolding for the notification tests until the migration and the registrations land.

TEMPORARY: the outbox tables are made here with create_all (and dropped at the end of the run)
because no migration creates them yet, and `notifications_app` registers the blueprints that
create_app does not register yet. Nothing here imports hygiene.notifications at module level:
the db fixture empties every table in the metadata, so the models may only join the metadata
once their tables exist. Remove this file's use once the migration is in.
"""
from __future__ import annotations

import socket
from datetime import datetime, timezone

from hygiene.extensions import db

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)  # Monday 09:00 in Beijing
_made: set[str] = set()


def ensure_tables(app) -> None:
    """Create the outbox and heartbeat tables once per run (after dropping any stale copy)."""
    from hygiene.notifications.models import JobRun, Notification

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url in _made:
        return
    tables = [Notification.__table__, JobRun.__table__]
    with app.app_context():
        db.metadata.drop_all(bind=db.engine, tables=tables)
        db.metadata.create_all(bind=db.engine, tables=tables)
    _made.add(url)


def drop_tables(app) -> None:
    """Drop them again, so the next run's drop_all of user_account is not blocked by a foreign key."""
    from hygiene.notifications.models import JobRun, Notification

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url not in _made:
        return
    with app.app_context():
        db.session.remove()
        db.metadata.drop_all(bind=db.engine, tables=[Notification.__table__, JobRun.__table__])
    _made.discard(url)


def notifications_app(app):
    """The session's app when it has the blueprints, else a second app on the same database."""
    if "notifications" in app.blueprints and "jobs" in app.blueprints:
        return app
    from config import TestConfig
    from hygiene import create_app
    from hygiene.notifications.job_views import bp as jobs_bp
    from hygiene.notifications.views import bp as notifications_bp

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        UPLOAD_DIR = app.config["UPLOAD_DIR"]

    second = create_app(Config)
    second.register_blueprint(notifications_bp)
    second.register_blueprint(jobs_bp)
    return second


def free_port() -> int:
    """A TCP port nobody listens on (closed again at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def set_phone(app, user_id: int, phone: str) -> None:
    from hygiene.accounts.models import User

    with app.app_context():
        db.session.get(User, user_id).phone = phone
        db.session.commit()
