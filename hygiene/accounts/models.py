"""Users and their roles."""
from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from hygiene.access.roles import Role as Role  # defined with access; imported from here too
from hygiene.clock import UTCDateTime, now_utc
from hygiene.extensions import Model
from hygiene.places.models import Township, Unit, Village


class User(UserMixin, Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(40), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(40))
    phone: Mapped[str] = mapped_column(sa.String(20), default="")
    email: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    # the channels the user wants besides the in-app inbox (which always gets everything)
    notify_by_email: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    notify_by_sms: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[str] = mapped_column(sa.String(20))
    township_id: Mapped[int | None] = mapped_column(sa.ForeignKey("township.id"), index=True)
    village_id: Mapped[int | None] = mapped_column(sa.ForeignKey("village.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    township: Mapped[Township | None] = relationship()
    village: Mapped[Village | None] = relationship()
    unit: Mapped[Unit | None] = relationship()

    # the sign-in this user object was loaded for (set by accounts.sessions), part of get_id()
    session_token: str = ""
    # what the page header counts for this user (the bell's unread messages), read with the
    # sign-in in one statement (accounts.sessions.HEADER_COUNTS); empty when loaded otherwise
    header_counts: dict[str, int] = {}  # noqa: RUF012  (replaced per object, never mutated)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        """What the session and the remember cookie carry: the user and their sign-in's token,
        so ending the sign-in on the server ends both cookies, copies included."""
        return f"{self.id}:{self.session_token}"

    @property
    def name(self) -> str:
        return self.username

    def set_password(self, password: str) -> None:
        self.password_hash = password_hash_of(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __str__(self) -> str:
        return f"{self.display_name} ({self.username})"


def password_hash_of(password: str) -> str:
    """The stored form of a password (salted, with the configured method)."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return generate_password_hash(password, method=method)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class UserSession(Model):
    """One sign-in of a user on one device; a cookie is good only while its row is not ended."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ApiToken(Model):
    """One token of one user; the secret is shown once, the table keeps its SHA-256 only."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    # what the token is for: "client" (made by hand for a script) or "offline" (a phone's field app)
    purpose: Mapped[str] = mapped_column(sa.String(20), default="client")
    digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    hint: Mapped[str] = mapped_column(sa.String(12))  # the secret's last characters, to tell tokens apart
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the field app's token belongs to the sign-in (UserSession.token) it was made from: signing
    # out there revokes it, so a shared phone's next user cannot send as the one who left
    sign_in: Mapped[str | None] = mapped_column(sa.String(64), index=True)

    user: Mapped[User] = relationship()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def __str__(self) -> str:
        return self.name

    def audit_label(self) -> tuple[str, dict]:
        """How the trail names the token (accounts/audit_labels.py)."""
        return "api_token", {"name": self.name}
