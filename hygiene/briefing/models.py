"""The briefing's own records: links shared with leaders who have no account, and the months
already sent, so the monthly job sends each township's briefing once."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hygiene.clock import UTCDateTime, now_utc
from hygiene.extensions import Model


class BriefingLink(Model):
    """A read-only address of one township's briefing of one period; revoked, it answers 404."""

    __tablename__ = "briefing_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"), index=True)
    period_key: Mapped[str] = mapped_column(sa.String(10))
    token: Mapped[str] = mapped_column(sa.String(43), unique=True)
    request_key: Mapped[str] = mapped_column(sa.String(64), unique=True)  # one link per form shown
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    def __str__(self) -> str:
        return f"briefing {self.period_key} link"


class BriefingDispatch(Model):
    """One township's briefing of one period, sent: the job's record that it is done, and to whom."""

    __tablename__ = "briefing_dispatch"
    __table_args__ = (sa.UniqueConstraint("township_id", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(sa.ForeignKey("township.id"))
    period_key: Mapped[str] = mapped_column(sa.String(10))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now_utc)
    recipient_ids: Mapped[list] = mapped_column(sa.JSON)
