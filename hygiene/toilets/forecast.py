"""The forecast against the deadline, as a pure rule: at the recent pace, how many will be done
by the deadline, and when the quota would be reached."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

PACE_WINDOW_DAYS = 28  # the recent pace: accepted toilets per day over the last four weeks


@dataclass(frozen=True)
class Forecast:
    quota: int
    done: int
    pace_per_week: float           # over the last PACE_WINDOW_DAYS
    expected_by_deadline: int      # done plus the pace until the deadline (may pass the quota)
    finish_on: date | None         # the day the quota is reached at this pace; None if never (no pace)
    behind: bool                   # the quota will not be reached by the deadline at this pace

    @property
    def remaining(self) -> int:
        return max(self.quota - self.done, 0)


def forecast(*, quota: int, done: int, done_recently: int, today: date, deadline: date,
             window_days: int = PACE_WINDOW_DAYS) -> Forecast:
    """`done_recently` of the `done` were accepted within the last `window_days` days (today
    included). Past the deadline nothing more counts: what is done is what was done."""
    if quota < 0 or done < 0 or not 0 <= done_recently <= done or window_days <= 0:
        raise ValueError("a forecast needs quota, done >= 0 and 0 <= done_recently <= done")
    per_day = done_recently / window_days
    days_left = max((deadline - today).days, 0)
    expected = done + math.floor(per_day * days_left + 1e-9)
    remaining = max(quota - done, 0)
    if remaining == 0:
        finish_on: date | None = today
    elif per_day > 0:
        finish_on = today + timedelta(days=math.ceil(remaining / per_day - 1e-9))
    else:
        finish_on = None
    return Forecast(quota, done, round(per_day * 7, 1), expected, finish_on,
                    behind=remaining > 0 and (finish_on is None or finish_on > deadline))
