"""Where a round stands on a day, as a pure rule: upcoming, running or ended."""
from __future__ import annotations

from datetime import date, timedelta

from hygiene.pests.rounds.status import SEEN_BY_TARGETS

UPCOMING = "upcoming"
RUNNING = "under_way"
ENDED = "over"
RECENT_DAYS = 30  # the board keeps a round for a month after it ends, for the late mop-ups


def phase_on(starts_on: date, ends_on: date, day: date) -> str:
    """UPCOMING before the first day, RUNNING from the first to the last day, ENDED after."""
    if day < starts_on:
        return UPCOMING
    return RUNNING if day <= ends_on else ENDED


SEASON_OF_MONTH = {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring",
                   6: "summer", 7: "summer", 8: "summer", 9: "autumn", 10: "autumn", 11: "autumn"}


def season_of(day: date) -> str:
    """The season a round starting on `day` is called by default: Mar-May spring, Jun-Aug summer,
    Sep-Nov autumn, Dec-Feb winter (the office may call it otherwise)."""
    return SEASON_OF_MONTH[day.month]


def may_fall_behind(status: str, starts_on: date, day: date) -> bool:
    """Whether a round's targets can be behind on `day`: only once its targets see it (announced,
    or closed after that) and it has started; a planned, cancelled or upcoming round has no one behind."""
    return status in SEEN_BY_TARGETS and starts_on <= day


def recently_ended(ends_on: date, day: date, days: int = RECENT_DAYS) -> bool:
    """True when the round ended at most `days` days before `day` (or has not ended yet)."""
    return ends_on >= day - timedelta(days=days)
