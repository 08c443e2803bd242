"""The cadence rule without a database: which windows a village missed, how the window in
progress stands, and when a yearly target is behind its share of the months gone by."""
from datetime import date

import pytest

from hygiene.education.cadence import (
    DEFAULT_SETTINGS,
    Target,
    assess,
    windows,
    windows_ending_between,
    worst,
)
from hygiene.education.status import CadenceState

MONTHLY = Target(every_months=1, at_least=1)
QUARTERLY_TWO = Target(every_months=3, at_least=2)
FOUR_A_YEAR = Target(every_months=12, at_least=4)
NONE = Target(every_months=1, at_least=0)


@pytest.mark.parametrize(("target", "per_month", "today", "state", "missed", "done_now"), [
    # a board every month, all months so far done, November not yet: due (ends in 24 days)
    (MONTHLY, {m: 1 for m in range(1, 11)}, date(2026, 11, 6), CadenceState.DUE, [], 0),
    # ... the same in the last week of November: due soon
    (MONTHLY, {m: 1 for m in range(1, 11)}, date(2026, 11, 25), CadenceState.DUE_SOON, [], 0),
    # November done too: on track
    (MONTHLY, {m: 1 for m in range(1, 12)}, date(2026, 11, 25), CadenceState.ON_TRACK, [], 1),
    # March missed: overdue, and March is named, even though November is done
    (MONTHLY, {m: 1 for m in range(1, 12) if m != 3}, date(2026, 11, 25), CadenceState.OVERDUE, [3], 1),
    # two months missed
    (MONTHLY, {m: 2 for m in (1, 2, 5)}, date(2026, 6, 10), CadenceState.OVERDUE, [3, 4], 0),
    # on the window's last day it is still the current window, not missed
    (MONTHLY, {}, date(2026, 1, 31), CadenceState.DUE_SOON, [], 0),
    # two a quarter: one in Q1 is short (missed), Q2 so far has two
    (QUARTERLY_TWO, {2: 1, 4: 1, 5: 1}, date(2026, 5, 20), CadenceState.OVERDUE, [1], 2),
    # two a quarter: Q2 in May with one, not yet behind (half a quarter gone: one wanted)
    (QUARTERLY_TWO, {1: 2, 4: 1}, date(2026, 5, 20), CadenceState.DUE, [], 1),
    # two a quarter: Q2 in June with none: one month gone wants 0, two gone want 1 -> behind
    (QUARTERLY_TWO, {1: 2}, date(2026, 6, 2), CadenceState.BEHIND, [], 0),
    # four columns a year: in November, 10 months gone want 3; one is behind
    (FOUR_A_YEAR, {2: 1}, date(2026, 11, 29), CadenceState.BEHIND, [], 1),
    # three by November is on pace but not met: due
    (FOUR_A_YEAR, {2: 1, 5: 1, 9: 1}, date(2026, 11, 29), CadenceState.DUE, [], 3),
    # four by November: on track
    (FOUR_A_YEAR, {2: 2, 5: 1, 9: 1}, date(2026, 11, 29), CadenceState.ON_TRACK, [], 4),
    # no target: nothing is flagged whatever happened
    (NONE, {}, date(2026, 11, 29), CadenceState.NO_TARGET, [], 0),
])
def test_assess(target, per_month, today, state, missed, done_now):
    a = assess(target, per_month, year=2026, today=today, soon_days=7)
    assert a.state == state
    assert [w.start.month for w in a.missed] == missed
    assert a.done_now == done_now


def test_a_past_year_has_no_window_in_progress_and_names_every_missed_month():
    a = assess(MONTHLY, {m: 1 for m in range(1, 13) if m not in (2, 7)}, year=2025, today=date(2026, 3, 1),
               soon_days=7)
    assert a.current is None and a.state == CadenceState.OVERDUE
    assert [w.start for w in a.missed] == [date(2025, 2, 1), date(2025, 7, 1)]
    full = assess(FOUR_A_YEAR, {3: 4}, year=2025, today=date(2026, 3, 1), soon_days=7)
    assert (full.state, full.missed) == (CadenceState.ON_TRACK, ())


def test_a_future_year_asks_nothing_yet():
    a = assess(MONTHLY, {}, year=2027, today=date(2026, 11, 29), soon_days=7)
    assert a.missed == () and a.current is None and a.state == CadenceState.ON_TRACK


def test_windows_line_up_with_the_calendar():
    assert [(w.start, w.end) for w in windows(2024, 6)] == [(date(2024, 1, 1), date(2024, 6, 30)),
                                                             (date(2024, 7, 1), date(2024, 12, 31))]
    assert windows(2024, 1)[1].end == date(2024, 2, 29)  # a leap year's February
    assert len(windows(2026, 3)) == 4


def test_a_ranking_period_judges_the_windows_that_end_within_it():
    october = (date(2026, 10, 1), date(2026, 10, 31))
    assert [w.start for w in windows_ending_between(*october, 1)] == [date(2026, 10, 1)]
    assert windows_ending_between(*october, 12) == []
    assert len(windows_ending_between(date(2026, 1, 1), date(2026, 12, 31), 3)) == 4


def test_a_target_outside_the_allowed_windows_is_refused():
    with pytest.raises(ValueError):
        Target(every_months=5, at_least=1)
    with pytest.raises(ValueError):
        Target(every_months=1, at_least=-1)


def test_the_defaults_are_the_work_plans():
    village = DEFAULT_SETTINGS.targets["village"]
    assert (village["board"], village["lecture"], village["column"]) == (
        Target(1, 1), Target(1, 1), Target(12, 4))
    assert DEFAULT_SETTINGS.targets["unit"]["column"] == Target(12, 4)
    assert not DEFAULT_SETTINGS.targets["unit"]["lecture"].active


def test_the_worst_state_leads():
    assert worst([CadenceState.ON_TRACK, CadenceState.OVERDUE, CadenceState.DUE]) == CadenceState.OVERDUE
    assert worst([]) == CadenceState.NO_TARGET
