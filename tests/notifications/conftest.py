"""Notification fixtures: the outbox tables, an app with the inbox pages, e-mail addresses."""
from __future__ import annotations

import pytest

from tests.notifications.support import drop_tables, ensure_tables, notifications_app


@pytest.fixture(scope="session", autouse=True)
def _outbox_tables(app):
    """TEMPORARY until the migration exists: see tests/notifications/support.py."""
    ensure_tables(app)
    yield
    drop_tables(app)


@pytest.fixture(scope="session")
def inbox_app(app):
    """TEMPORARY until create_app registers the blueprints: the app that serves the inbox pages."""
    second = notifications_app(app)
    yield second
    if second is not app:
        from hygiene.extensions import db

        with second.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def client(inbox_app, db):
    return inbox_app.test_client()


@pytest.fixture
def emails(monkeypatch):
    """Give every user the address '<username>@example.cn' (User has no email column yet)."""
    from hygiene.notifications import channels

    monkeypatch.setattr(channels, "email_address", lambda user: f"{user.username}@example.cn")


@pytest.fixture
def mail_server(app, monkeypatch):
    """Point MAIL_SERVER at a port on 127.0.0.1 (closed unless a test listens there)."""
    from tests.notifications.support import free_port

    port = free_port()
    for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_USE_TLS": False,
                       "MAIL_FROM": "aiweiban@example.cn", "MAIL_USERNAME": ""}.items():
        monkeypatch.setitem(app.config, key, value)
    return port
