"""Sign-ins as server-side rows: a session or remember cookie is good only while its row lives.

Each sign-in gets a fresh random token that User.get_id() puts into both cookies; signing out
ends that row, so a copied cookie dies with it; a password change or deactivation ends every
row of the user, on every device."""
from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from hygiene.accounts.models import ApiToken, User, UserSession
from hygiene.clock import now_utc
from hygiene.extensions import db


def session_start(user: User) -> UserSession:
    """Open a sign-in for `user` and bind its token to the user object for login_user();
    the user's ended or expired sign-ins are forgotten on the way, so the table stays small."""
    expired = now_utc() - current_app.config["REMEMBER_COOKIE_DURATION"] - timedelta(days=1)
    db.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id, sa.or_(
        UserSession.ended_at.is_not(None), UserSession.created_at < expired)))
    row = UserSession(user_id=user.id)
    db.session.add(row)
    db.session.flush()
    user.session_token = row.token
    return row


# The counts every signed-in page's header shows (the bell's unread messages), by name: each a
# correlated count of the user's rows as of the bound parameter "now", read in the sign-in's own
# statement, so a page pays no round trip for its header. Registered by the domain that owns the
# rows (notifications/queries.py), so this module imports no domain above it.
HEADER_COUNTS: dict[str, Callable[[Any, sa.BindParameter], sa.ColumnElement[int]]] = {}


@functools.cache
def _sign_in_stmt(names: tuple[str, ...]) -> sa.Select:
    """The sign-in, its user and the header's counts in one statement, built once per process:
    every signed-in request runs it, and building it again each time cost a third of its time."""
    now: sa.BindParameter[Any] = sa.bindparam("now")
    return (sa.select(User, *(HEADER_COUNTS[name](User.id, now).label(name) for name in names))
            .join(UserSession, UserSession.user_id == User.id)
            .where(UserSession.token == sa.bindparam("token"), UserSession.ended_at.is_(None)))


def session_user(cookie_id: str) -> User | None:
    """The active user of a live sign-in named by a cookie's "<user id>:<token>", else None;
    with the header's counts (User.header_counts)."""
    user_id, _sep, token = (cookie_id or "").partition(":")
    if not (user_id.isdigit() and token) or len(user_id) > 10:
        return None
    names = tuple(HEADER_COUNTS)
    row = db.session.execute(_sign_in_stmt(names), {"token": token, "now": now_utc()}).first()
    if row is None:
        return None
    user = row[0]
    if not hmac.compare_digest(str(user.id), user_id) or not user.active:
        return None
    user.session_token = token
    user.header_counts = {name: int(count or 0) for name, count in zip(names, row[1:], strict=True)}
    return user


def session_end(token: str) -> None:
    """End one sign-in (signing out), and the field app's tokens made from it: on a shared phone
    the next person cannot send or read as the one who signed out."""
    if token:
        now = now_utc()
        db.session.execute(sa.update(UserSession).where(
            UserSession.token == token, UserSession.ended_at.is_(None)).values(ended_at=now))
        db.session.execute(sa.update(ApiToken).where(
            ApiToken.sign_in == token, ApiToken.revoked_at.is_(None)).values(revoked_at=now)
            .execution_options(synchronize_session=False))


def sessions_end_all(user_id: int) -> int:
    """End every sign-in of a user (password changed, deactivated, "sign out everywhere"),
    the field app's on their phones too (its offline token is a sign-in of that phone); tokens
    made by hand for a script stay until revoked on the token page."""
    now = now_utc()
    db.session.execute(sa.update(ApiToken).where(
        ApiToken.user_id == user_id, ApiToken.purpose == "offline", ApiToken.revoked_at.is_(None))
        .values(revoked_at=now).execution_options(synchronize_session=False))
    result = db.session.execute(sa.update(UserSession).where(
        UserSession.user_id == user_id, UserSession.ended_at.is_(None)).values(ended_at=now))
    return result.rowcount or 0  # type: ignore[attr-defined]  # DML gives a CursorResult, typed as Result
