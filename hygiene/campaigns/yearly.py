"""The built-in events of a year (calendar.yaml), dated: pure, no database.

Holidays come from `chinese_calendar`, which carries the State Council's published years. For a
year it does not know the statutory first day off is used (1 January, 1 May, 1 October; 除夕 from
the lunar calendar, by lunar_python) and the event says its dates are provisional, so the office
is told and can check them when the year's arrangement is published."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import chinese_calendar
import yaml
from chinese_calendar import constants as official
from lunar_python import Lunar

DATA_FILE = Path(__file__).with_name("calendar.yaml")
FIRST_YEAR, LAST_YEAR = 2000, 2100   # the years a calendar can be generated for
HOLIDAYS = {"new_year": chinese_calendar.Holiday.new_years_day, "spring_festival": chinese_calendar.Holiday.spring_festival,
            "labour_day": chinese_calendar.Holiday.labour_day, "national_day": chinese_calendar.Holiday.national_day}


@dataclass(frozen=True)
class YearlyEvent:
    key: str
    name: str
    starts_on: date
    ends_on: date
    edition: int | None = None
    holiday_on: date | None = None     # the holiday's first day off, for a clean-up
    provisional: bool = False          # the holiday's year is not in the official calendar


@cache
def data() -> dict:
    with DATA_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def edition(year: int) -> int:
    """The Patriotic Hygiene Month's number in `year` (the 27th was in 2015)."""
    return year - int(data()["hygiene_month"]["edition_base"])


def official_years() -> frozenset[int]:
    return frozenset(day.year for day in official.holidays)


def holiday_start(holiday: str, year: int) -> tuple[date, bool]:
    """The first day off of `holiday` in `year`, and whether it is provisional (an unknown year)."""
    if year in official_years():
        wanted = HOLIDAYS[holiday].value
        # New Year's days off may begin on 30 or 31 December of the year before
        first, last = (date(year - 1, 12, 20), date(year, 1, 10)) if holiday == "new_year" else (
            date(year, 1, 1), date(year, 12, 31))
        days = sorted(day for day, name in official.holidays.items() if first <= day <= last and name == wanted)
        if days:
            return days[0], False
    return statutory_start(holiday, year), True


def statutory_start(holiday: str, year: int) -> date:
    """The law's first day off: fixed Gregorian days, and 除夕 (the eve of 正月初一) for the Spring Festival."""
    if holiday == "spring_festival":
        solar = Lunar.fromYmd(year, 1, 1).getSolar()
        return date(solar.getYear(), solar.getMonth(), solar.getDay()) - timedelta(days=1)
    return {"new_year": date(year, 1, 1), "labour_day": date(year, 5, 1), "national_day": date(year, 10, 1)}[holiday]


def year_events(year: int) -> list[YearlyEvent]:
    """Every built-in event of `year`, in calendar order, named as the office writes them (zh)."""
    made = [_dated(spec, year) for spec in data()["events"]]
    return sorted(made, key=lambda event: (event.starts_on, event.key))


def _dated(spec: dict, year: int) -> YearlyEvent:
    name = str(spec["name"])
    if "before" in spec:
        holiday_on, provisional = holiday_start(spec["before"], year + 1 if spec.get("next_year") else year)
        ends_on = holiday_on - timedelta(days=1)
        return YearlyEvent(spec["key"], name, ends_on - timedelta(days=int(spec["days"]) - 1), ends_on,
                           holiday_on=holiday_on, provisional=provisional)
    number = edition(year) if "{edition}" in name else None
    return YearlyEvent(spec["key"], name.format(edition=number), date(year, *spec["start"]), date(year, *spec["end"]),
                       edition=number)


def reminder_defaults() -> tuple[int, int]:
    """Days before a start and before a due date that reminders go out, unless the office set its own."""
    raw = data()["reminders"]
    return int(raw["days_before_start"]), int(raw["days_before_due"])
