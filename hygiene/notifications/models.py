"""The notification outbox."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hygiene.accounts.models import User
from hygiene.clock import UTCDateTime, now_utc
from hygiene.extensions import Model


class ChannelName(StrEnum):
    IN_APP = "in_app"
    EMAIL = "email"
    SMS = "sms"


class Notification(Model):
    """One message to one user over one channel; the row is the outbox entry and its receipt.

    Due means `sent_at IS NULL AND next_attempt_at <= now`: `next_attempt_at` starts at
    `send_after`, moves on with each failure's backoff and is cleared when dispatch gives up
    or when the outcome of a send is unknown (`unconfirmed_at`).
    """

    __tablename__ = "notification"
    __table_args__ = (
        sa.Index("ix_notification_due", "sent_at", "next_attempt_at"),
        sa.Index("ix_notification_inbox", "recipient_id", "channel", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    channel: Mapped[str] = mapped_column(sa.String(10))
    kind: Mapped[str] = mapped_column(sa.String(40))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    link: Mapped[str] = mapped_column(sa.String(300), default="")
    dedupe_key: Mapped[str] = mapped_column(sa.String(255), unique=True)
    send_after: Mapped[datetime] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    gave_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the channel may or may not have taken it (mail server silent after the message was sent):
    # never sent again, so a slow server cannot multiply it
    unconfirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    claimed_by: Mapped[str | None] = mapped_column(sa.String(80))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)

    recipient: Mapped[User] = relationship()

    @property
    def failed(self) -> bool:
        """True once dispatch has given up on this row."""
        return self.gave_up_at is not None

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id} ({self.channel})"

