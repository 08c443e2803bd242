"""Helpers for the API's tests: a token for a user of the `world`, headers to send it."""
from __future__ import annotations

from hygiene.accounts.models import User
from hygiene.accounts.tokens import token_create
from hygiene.clock import now_utc
from hygiene.extensions import db


def token_for(app, user_id: int, *, purpose: str = "client", name: str = "test") -> str:
    with app.app_context():
        user = db.session.get(User, user_id)
        _token, secret = token_create(user=user, name=name, purpose=purpose, now=now_utc())
        db.session.commit()
        return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
