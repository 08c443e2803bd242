"""The food registers' pure rules (no database): the defaults from rules.yaml, a cook's or
worker's certificate state on a day, when a banquet needs its on-site check, when a
registration came late, and a certificate's yearly expiry."""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml

RULES = Path(__file__).with_name("rules.yaml")

VALID, EXPIRING, EXPIRED, MISSING = "valid", "expiring", "expired", "missing"


@dataclass(frozen=True)
class FoodRules:
    """One township's rules: the settings row, else rules.yaml's defaults."""

    days_ahead: int
    check_min_diners: int
    remind_days: int

    def needs_check(self, diners: int) -> bool:
        """A banquet this large needs the office's on-site check (§5.1)."""
        return diners >= self.check_min_diners

    def registered_late(self, *, registered_on: date, held_on: date) -> bool:
        """Registered fewer than `days_ahead` days before the banquet."""
        return (held_on - registered_on).days < self.days_ahead


@cache
def _raw() -> dict[str, Any]:
    return yaml.safe_load(RULES.read_text("utf-8"))


def default_rules() -> FoodRules:
    """What a new township starts with (rules.yaml)."""
    raw = _raw()
    return FoodRules(days_ahead=int(raw["banquets"]["days_ahead"]),
                     check_min_diners=int(raw["banquets"]["check_min_diners"]),
                     remind_days=int(raw["certificates"]["remind_days"]))


def check_points() -> dict[str, dict[str, str]]:
    """What an on-site check covers: key -> {zh, en} names, in the sheet's order."""
    return {point["key"]: point["name"] for point in _raw()["banquets"]["check_points"]}


def food_categories() -> tuple[str, ...]:
    """The register's unit categories whose workers keep health certificates."""
    return tuple(_raw()["certificates"]["food_categories"])


def valid_months() -> int:
    return int(_raw()["certificates"]["valid_months"])


def default_expiry(issued_on: date, months: int | None = None) -> date:
    """The last valid day of a certificate issued on `issued_on`: the day before the same date
    `months` later (a 29 February issue runs to 28 February)."""
    months = valid_months() if months is None else months
    month_index = issued_on.month - 1 + months
    year, month = issued_on.year + month_index // 12, month_index % 12 + 1
    day = min(issued_on.day, calendar.monthrange(year, month)[1])
    return date(year, month, day) - timedelta(days=1)


def certificate_state(*, number: str, expires_on: date | None, on: date, warn_days: int = 0) -> str:
    """A certificate's state on a day: missing (no number or expiry), expired, expiring (within
    `warn_days`), or valid."""
    if not number or expires_on is None:
        return MISSING
    if expires_on < on:
        return EXPIRED
    if (expires_on - on).days < warn_days:
        return EXPIRING
    return VALID
