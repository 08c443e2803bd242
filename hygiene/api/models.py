"""API tokens: a user's key for scripts and for the offline field app, kept only as a digest."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hygiene.accounts.models import User
from hygiene.clock import UTCDateTime, now_utc
from hygiene.extensions import Model


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

    user: Mapped[User] = relationship()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
