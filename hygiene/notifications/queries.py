"""Reading the in-app inbox, and the outbox's unconfirmed messages for the office."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.accounts.sessions import HEADER_COUNTS
from hygiene.clock import now_utc
from hygiene.extensions import db
from hygiene.notifications.models import ChannelName, Notification


def _inbox(user_id: int, now: datetime) -> sa.ColumnElement[bool]:
    # An in-app row is delivered once it is due: the inbox does not wait for the dispatcher.
    return sa.and_(Notification.recipient_id == user_id,
                   Notification.channel == ChannelName.IN_APP.value,
                   Notification.send_after <= now)


def unread_count(user_id: int, *, now: datetime | None = None) -> int:
    """How many of the user's in-app notifications are due and unread (one query)."""
    return db.session.scalar(_unread_count(user_id, now=now or now_utc())) or 0


def _unread_count(user_id, *, now) -> sa.Select:
    return sa.select(sa.func.count(Notification.id)).where(_inbox(user_id, now), Notification.read_at.is_(None))


# the bell's count comes with the signed-in user, in the sign-in's statement (accounts/sessions.py)
HEADER_COUNTS["unread_notifications"] = lambda user_id, now: _unread_count(user_id, now=now).scalar_subquery()


def inbox_stmt(user_id: int, *, now: datetime) -> sa.Select:
    """The user's own in-app notifications, newest first."""
    return (sa.select(Notification).where(_inbox(user_id, now))
            .order_by(Notification.send_after.desc(), Notification.id.desc()))


def unconfirmed_count(scope: Scope) -> int:
    """Messages a channel never confirmed (sent once, never again), to users in the scope."""
    stmt = sa.select(sa.func.count(Notification.id)).where(Notification.unconfirmed_at.is_not(None))
    if not scope.is_county_admin:
        stmt = stmt.join(User, User.id == Notification.recipient_id).where(
            User.township_id == scope.township_id)
    return db.session.scalar(stmt) or 0
