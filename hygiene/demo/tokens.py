"""The demo's API token: the office connected the county's platform two months ago, and it has
read the township's data since (the secret is random and shown to nobody: the token page lists it)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from hygiene.accounts.models import User
from hygiene.accounts.tokens import token_create
from hygiene.clock import local_zone
from hygiene.extensions import db


def demo_tokens(*, today: date) -> None:
    admin = db.session.scalars(sa.select(User).where(User.username == "admin")).one()
    made_on = today - timedelta(days=61)
    token, _secret = token_create(user=admin, name="县级爱卫信息平台对接", purpose="client",
                                  now=datetime.combine(made_on, time(10, 12), local_zone()))
    token.last_used_at = datetime.combine(today - timedelta(days=1), time(23, 30), local_zone())
