"""Helpers shared by the notification tests: a fixed clock, a free port, phones."""
from __future__ import annotations

import socket
from datetime import UTC, datetime

from hygiene.extensions import db

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in Beijing


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
