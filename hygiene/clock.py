"""The one clock: aware UTC now, and conversion to the office's local time."""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def now_utc() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def local_today(now: datetime | None = None) -> date:
    """Return the business date in Asia/Shanghai."""
    return (now or now_utc()).astimezone(LOCAL_TZ).date()


def to_local(moment: datetime | None) -> datetime | None:
    """Convert a stored UTC datetime to Asia/Shanghai for display."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL_TZ)


class UTCDateTime(sa.types.TypeDecorator):
    """A datetime column that only accepts aware values and always returns aware UTC."""

    impl = sa.DateTime
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(timezone=True)

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
