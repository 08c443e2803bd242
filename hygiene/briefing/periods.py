"""The briefing's periods: a month (by default the one before) or a week, and their issue numbers."""
from __future__ import annotations

from datetime import date

from hygiene.core.periods import Period, add_months, parse_period, period_containing

KINDS = ("week", "month")


def last_month(today: date) -> Period:
    """The month before the one `today` is in: what the briefing of the first working day covers."""
    return period_containing("month", add_months(today, -1))


def read_period(text: str | None, today: date) -> tuple[Period, bool]:
    """The period asked for ("2026-10" or "2026-W44"), or last month; True when the text was
    given and could not be read (or names a period not yet begun), so the page can say so."""
    if not (text or "").strip():
        return last_month(today), False
    try:
        period = parse_period(text or "", kinds=KINDS)
    except ValueError:
        return last_month(today), True
    if period.start > today or period.start.year < 2000:
        return last_month(today), True
    return period, False


def issue_number(period: Period) -> int:
    """第N期: a monthly briefing is numbered by its month, a weekly one by its ISO week."""
    return period.start.isocalendar().week if period.kind == "week" else period.start.month
