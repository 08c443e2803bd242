"""The one clock: aware UTC now, and conversion to the office's local time.

The office's zone is the TIMEZONE setting (HYGIENE_TIMEZONE, default Asia/Shanghai): business
dates, display and the scheduler's triggers all read it through `local_zone()`. Outside an
application (a bare script, a pure unit test) the default zone applies.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from typing import overload
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "Asia/Shanghai"


@cache
def zone_named(name: str) -> ZoneInfo:
    """The IANA zone `name`; a name that is no zone fails loudly (at start, see check_timezone)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise RuntimeError(f"HYGIENE_TIMEZONE {name!r} is not a known IANA time zone") from error


def local_zone() -> ZoneInfo:
    """The office's time zone: the application's TIMEZONE setting, else Asia/Shanghai."""
    name = current_app.config.get("TIMEZONE") if has_app_context() else None
    return zone_named(name or DEFAULT_TIMEZONE)


def check_timezone(config) -> None:
    """Refuse to start with a TIMEZONE that is no time zone, rather than fail on the first date."""
    zone_named(config.get("TIMEZONE") or DEFAULT_TIMEZONE)


def now_utc() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def local_today(now: datetime | None = None) -> date:
    """Return the business date in the office's zone."""
    return (now or now_utc()).astimezone(local_zone()).date()


@overload
def to_local(moment: datetime) -> datetime: ...
@overload
def to_local(moment: None) -> None: ...
def to_local(moment: datetime | None) -> datetime | None:
    """Convert a stored UTC datetime to the office's zone for display."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(local_zone())


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
