"""The peak-season spray cadence (every 2-3 days in June-August by default), from rules.yaml."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import yaml

RULES = Path(__file__).with_name("rules.yaml")


@dataclass(frozen=True)
class SprayCadence:
    months: frozenset[int]
    every_days_min: int
    every_days_max: int

    def __post_init__(self) -> None:
        if not self.months <= set(range(1, 13)) or not 1 <= self.every_days_min <= self.every_days_max:
            raise ValueError(f"A spray cadence needs months 1-12 and 1 <= min <= max days: {self}")

    def in_season(self, day: date) -> bool:
        return day.month in self.months

    def next_due(self, last_spray: date) -> date:
        """The latest day the next round may start: `every_days_max` days after the last."""
        return last_spray + timedelta(days=self.every_days_max)

    def is_overdue(self, last_spray: date | None, today: date) -> bool:
        """True in season when no round was sprayed within the longest allowed interval."""
        if not self.in_season(today):
            return False
        return last_spray is None or today > self.next_due(last_spray)


def default_cadence() -> SprayCadence:
    """The default from rules.yaml: what a new township starts with."""
    raw = yaml.safe_load(RULES.read_text("utf-8"))["peak_spray_cadence"]
    return SprayCadence(frozenset(raw["months"]), int(raw["every_days_min"]), int(raw["every_days_max"]))


@dataclass(frozen=True)
class ReminderRules:
    """A township's reminder rules: the spray cadence, and how many days before a round ends
    a target still behind its goal is reminded."""

    cadence: SprayCadence
    days_before_end: int

    def in_end_window(self, ends_on: date, today: date) -> bool:
        """From `days_before_end` days before the round's end to the end day itself."""
        return ends_on - timedelta(days=self.days_before_end) <= today <= ends_on


def default_rules() -> ReminderRules:
    raw = yaml.safe_load(RULES.read_text("utf-8"))["round_reminders"]
    return ReminderRules(default_cadence(), int(raw["days_before_end"]))


DEFAULT_CADENCE = default_cadence()
DEFAULT_RULES = default_rules()
