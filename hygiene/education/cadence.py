"""The cadence rule, pure: a target is "at least N activities in each window of M months"
(windows are calendar-aligned: M=1 each month, M=3 each quarter, M=12 the year). Given the
activities a village or unit had per month of a year, it says which finished windows fell short
(the months a village missed), how the window in progress stands, and, for long windows, whether
the count so far is behind its share of the months gone by. No database, no app."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache
from pathlib import Path

import yaml

from hygiene.core.periods import add_months
from hygiene.education.status import CONCERN, CadenceState

DEFAULTS = Path(__file__).with_name("targets.yaml")
WINDOW_MONTHS = (1, 2, 3, 4, 6, 12)   # the windows that divide the year
MAX_AT_LEAST = 100


@dataclass(frozen=True)
class Target:
    every_months: int
    at_least: int

    def __post_init__(self) -> None:
        if self.every_months not in WINDOW_MONTHS or not 0 <= self.at_least <= MAX_AT_LEAST:
            raise ValueError(f"a target needs a window of {WINDOW_MONTHS} months and 0-{MAX_AT_LEAST}: {self}")

    @property
    def active(self) -> bool:
        return self.at_least > 0


@dataclass(frozen=True)
class Window:
    start: date
    end: date

    @property
    def months(self) -> range:
        """The months (1-12) the window covers."""
        return range(self.start.month, self.end.month + 1)


@dataclass(frozen=True)
class Assessment:
    """One village's or unit's standing on one kind for one year."""

    target: Target
    state: CadenceState
    missed: tuple[Window, ...] = ()        # finished windows short of the target
    current: Window | None = None          # the window today falls in (None: the year is over)
    done_now: int = 0                      # activities in the current window so far
    expected_now: int = 0                  # behind pace: what the months gone by call for
    done_year: int = 0
    ends_soon: bool = False                # the current window ends within the reminder days, not met
    wanted_now: int | None = None          # what the current window asks (its share, counting began in it)

    @property
    def missing_now(self) -> int:
        wanted = self.target.at_least if self.wanted_now is None else self.wanted_now
        return max(wanted - self.done_now, 0)


@cache
def windows(year: int, every_months: int) -> tuple[Window, ...]:
    """The year's windows of `every_months` months, in order (kept: a county's flags ask for them
    thousands of times)."""
    starts = [date(year, month, 1) for month in range(1, 13, every_months)]
    return tuple(Window(start, add_months(start, every_months) - timedelta(days=1)) for start in starts)


@cache
def counted_window(target: Target, window: Window, count_from: date | None) -> tuple[Window, int] | None:
    """The window the cadence judges and what it asks there. The day counting begins only excuses,
    never makes a window stricter: a window that ended before it is not judged; the window it falls
    in asks the share of the target its months from that month on call for (rounded up), and every
    activity of the whole window counts; a window after it asks the whole target."""
    if count_from is None or count_from <= window.start:
        return window, target.at_least
    if window.end < count_from:
        return None
    months_left = len(_pace_part(window, count_from).months)
    return window, -(-target.at_least * months_left // target.every_months)


def _pace_part(window: Window, count_from: date | None) -> Window:
    """The months of a window the pace is reckoned over: from the month counting began in, when inside."""
    if count_from is None or count_from <= window.start or window.end < count_from:
        return window
    return Window(count_from.replace(day=1), window.end)


def assess(target: Target, per_month: Mapping[int, int], *, year: int, today: date,
           soon_days: int, count_from: date | None = None) -> Assessment:
    """Where a subject stands on `target` in `year`, from its activities per month (1-12)."""
    return assess_months(target, tuple(per_month.get(month, 0) for month in range(1, 13)), year, today, soon_days,
                         count_from)


@lru_cache(maxsize=8192)
def assess_months(target: Target, months: tuple[int, ...], year: int, today: date, soon_days: int,
                  count_from: date | None) -> Assessment:
    """The same from the twelve months' counts in order (as the month counts keep them); kept per
    pattern: most villages of a county share one (every month done), so a county's flags compute
    each pattern once. Windows that ended before `count_from` are not judged; the one it falls in
    asks its share, all its activities counting."""
    done_year = sum(months)
    if not target.active:
        return Assessment(target, CadenceState.NO_TARGET, done_year=done_year)
    missed: list[Window] = []
    current = None
    for window in windows(year, target.every_months):
        if window.start > today:
            break
        judged = counted_window(target, window, count_from)
        if judged is None:
            continue
        counted, wanted = judged
        done = sum(months[month - 1] for month in counted.months)
        if window.end < today:
            if done < wanted:
                missed.append(window)
        else:
            current = (window, _pace_part(window, count_from), wanted, done)
    if current is None:
        state = CadenceState.OVERDUE if missed else CadenceState.ON_TRACK
        return Assessment(target, state, tuple(missed), done_year=done_year)
    window, counted, wanted, done = current
    expected = _expected_by(counted, wanted, today)
    days_left = (window.end - today).days
    state = _state(wanted, bool(missed), done, expected, days_left, soon_days)
    ends_soon = done < wanted and days_left <= soon_days
    return Assessment(target, state, tuple(missed), window, done, expected, done_year, ends_soon, wanted)


def _expected_by(counted: Window, wanted: int, today: date) -> int:
    """In a window of several months: the share of what it asks that the whole months gone by call
    for (four columns a year: one by the end of March, three by the end of September)."""
    months = len(counted.months)
    if months == 1:
        return 0
    months_gone = (today.year - counted.start.year) * 12 + today.month - counted.start.month
    return wanted * months_gone // months


def _state(wanted: int, missed: bool, done: int, expected: int, days_left: int, soon_days: int) -> CadenceState:
    if missed:
        return CadenceState.OVERDUE
    if done < expected:
        return CadenceState.BEHIND
    if done >= wanted:
        return CadenceState.ON_TRACK
    return CadenceState.DUE_SOON if days_left <= soon_days else CadenceState.DUE


def worst(states: list[CadenceState]) -> CadenceState:
    """The state of most concern among a subject's kinds (NO_TARGET when none has a target)."""
    return min(states, key=CONCERN.index, default=CadenceState.NO_TARGET)


def windows_ending_between(start: date, end: date, every_months: int) -> list[Window]:
    """The windows (of any year) that end within [start, end]: what a ranking period judges."""
    found = []
    for year in range(start.year, end.year + 1):
        found += [w for w in windows(year, every_months) if start <= w.end <= end]
    return found


def judged_between(start: date, end: date, target: Target, count_from: date | None) -> list[tuple[Window, int]]:
    """The windows ending within [start, end] that the cadence judges, each with what it asks (its
    share, the window counting began in): what a ranking period or a briefing judges."""
    return [judged for window in windows_ending_between(start, end, target.every_months)
            if (judged := counted_window(target, window, count_from)) is not None]


@dataclass(frozen=True)
class Settings:
    """A township's targets: per subject kind ("village", "unit") and activity kind."""

    targets: Mapping[str, Mapping[str, Target]]
    remind_days_before: int
    count_from: date | None = None      # the day the cadence starts counting (None: always)

    def target(self, subject_kind: str, kind: str) -> Target:
        return self.targets[subject_kind][kind]


def settings_from(raw: Mapping) -> Settings:
    """Settings from their stored or yaml form: {"village": {"board": {"every_months", "at_least"}}, ...}."""
    from hygiene.education.kinds import ActivityKind, SubjectKind

    targets = {s.value: {k.value: Target(int(raw[s.value][k.value]["every_months"]),
                                         int(raw[s.value][k.value]["at_least"]))
                         for k in ActivityKind} for s in SubjectKind}
    count_from = raw.get("count_from")
    return Settings(targets, int(raw["remind_days_before"]),
                    date.fromisoformat(count_from) if isinstance(count_from, str) else count_from)


def default_settings() -> Settings:
    """targets.yaml: what a township starts with."""
    return settings_from(yaml.safe_load(DEFAULTS.read_text("utf-8")))


def settings_as_data(settings: Settings) -> dict:
    """The settings as stored (JSON) and as the yaml writes them."""
    return {subject: {kind: {"every_months": t.every_months, "at_least": t.at_least} for kind, t in kinds.items()}
            for subject, kinds in settings.targets.items()} | {"remind_days_before": settings.remind_days_before}


DEFAULT_SETTINGS = default_settings()
