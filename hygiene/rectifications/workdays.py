"""Working days by the official calendar (holidays and their shifted workdays, 调休).

`chinese_calendar` carries the State Council's published years. For a later year, not yet
published, the statutory holidays of the law (statutory.py, from a data table) are days off
besides weekends; 调休 cannot be foreseen, so a deadline that counts such a day is provisional
(`Deadline.provisional`) and is recomputed when a newer `chinesecalendar` knows its year.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

import chinese_calendar
from chinese_calendar import constants as official

from hygiene.rectifications.statutory import statutory_holidays


class Deadline(NamedTuple):
    day: date
    provisional: bool  # counted through a year the official calendar does not know yet


_known: tuple[tuple[int, int], frozenset[int]] | None = None


def official_years() -> frozenset[int]:
    """The years whose official arrangement `chinese_calendar` carries."""
    global _known
    size = (len(official.holidays), len(official.workdays))  # a newer table, a new answer
    if _known is None or _known[0] != size:
        _known = (size, frozenset(day.year for day in official.holidays))
    return _known[1]


def is_official(day: date) -> bool:
    """True when the official calendar knows `day`'s year."""
    return day.year in official_years()


def is_working_day(day: date) -> bool:
    """True on a working day: official when published (调休 included), else by the law's rule."""
    if is_official(day):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5 and day not in statutory_holidays(day.year)


def next_working_day(day: date) -> date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (the issue day itself does not count)."""
    return deadline_after(start, days).day


def deadline_after(start: date, days: int) -> Deadline:
    """`days` working days after `start`, provisional when a day counted lies in an unknown year."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    for _ in range(days):
        day = next_working_day(day + timedelta(days=1))
    return Deadline(day, days > 0 and _unknown_between(start + timedelta(days=1), day))


def moved_to_working_day(day: date) -> Deadline:
    """A deadline set by hand, moved off a day off; provisional when it relied on an unknown year."""
    moved = next_working_day(day)
    return Deadline(moved, _unknown_between(day, moved))


def _unknown_between(first: date, last: date) -> bool:
    known = official_years()
    return any(year not in known for year in range(first.year, last.year + 1))


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count
