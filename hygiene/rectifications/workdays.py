"""Working days by the official calendar (holidays and their shifted workdays, 调休).

`chinese_calendar` knows the State Council's published years; for later years (not yet
published) every Monday to Friday counts as a working day.
"""
from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar


def is_working_day(day: date) -> bool:
    """True on an official working day (including a weekend made a workday by 调休)."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the calendar has not been published for
        return day.weekday() < 5


def next_working_day(day: date) -> date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (the issue day itself does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    for _ in range(days):
        day = next_working_day(day + timedelta(days=1))
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count
