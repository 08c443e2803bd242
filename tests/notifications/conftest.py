"""Notification fixtures: e-mail addresses and a mail server port."""
from __future__ import annotations

import pytest

from tests.inspections.conftest import inspection  # noqa: F401  (fixture, for the domain events)
from tests.rectifications.conftest import order  # noqa: F401  (fixture, for the domain events)


@pytest.fixture
def emails(monkeypatch):
    """Give every user the address '<username>@example.cn'."""
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
