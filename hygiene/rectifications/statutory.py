"""The statutory holidays of a year by the law's rule (statutory_holidays.yaml), for the years
whose official arrangement is not published yet.

The rule is data; this module only reads it and turns lunar dates and solar terms into days
of the Gregorian calendar with `lunar_python` (pure Python, maintained, and it gives both the
lunar calendar and the 24 solar terms, so 清明 needs no second library).
"""
from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from pathlib import Path

import yaml
from lunar_python import Lunar, Solar

RULES_FILE = Path(__file__).with_name("statutory_holidays.yaml")


@cache
def _versions() -> list[dict]:
    with RULES_FILE.open(encoding="utf-8") as handle:
        versions = yaml.safe_load(handle)["versions"]
    return sorted(versions, key=lambda version: version["in_force_from"])


def rules_for(year: int) -> list[dict]:
    """The holidays of the law's version in force in `year` (the oldest one before it)."""
    versions = _versions()
    in_force = [v for v in versions if v["in_force_from"] <= year] or versions[:1]
    return in_force[-1]["holidays"]


@cache
def statutory_holidays(year: int) -> frozenset[date]:
    """Every statutory day off of `year` (a Spring Festival's 除夕 may fall in the year before)."""
    days: set[date] = set()
    for rule in rules_for(year):
        first = _first_day(rule, year) + timedelta(days=rule.get("from", 0))
        days.update(first + timedelta(days=n) for n in range(rule["days"]))
    return frozenset(days)


def _first_day(rule: dict, year: int) -> date:
    kind = rule["calendar"]
    if kind == "solar":
        return date(year, rule["month"], rule["day"])
    if kind == "lunar":
        solar = Lunar.fromYmd(year, rule["month"], rule["day"]).getSolar()
        return date(solar.getYear(), solar.getMonth(), solar.getDay())
    if kind == "solar_term":
        # the lunar year that contains 1 April holds this Gregorian year's spring terms
        term = Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()[rule["term"]]
        return date(term.getYear(), term.getMonth(), term.getDay())
    raise ValueError(f"unknown calendar {kind!r} in {RULES_FILE.name}")
