"""The deadline forecast and the toilet kinds data (hygiene/toilets/forecast.py, kinds.py)."""
from datetime import date

import pytest

from hygiene.toilets.forecast import forecast
from hygiene.toilets.kinds import PROBLEM_KINDS, TOILET_TYPES
from hygiene.toilets.status import DONE, IN_PROGRESS, NOT_STARTED, ToiletStage

TODAY = date(2026, 8, 1)
DEADLINE = date(2026, 10, 31)   # 91 days left


def test_on_pace_reaches_the_quota_before_the_deadline():
    f = forecast(quota=40, done=20, done_recently=14, today=TODAY, deadline=DEADLINE)  # 0.5 a day
    assert f.expected_by_deadline == 20 + 45 and f.finish_on == date(2026, 9, 10) and not f.behind
    assert f.pace_per_week == 3.5 and f.remaining == 20


def test_too_slow_is_behind_and_says_when_it_would_finish():
    f = forecast(quota=100, done=20, done_recently=7, today=TODAY, deadline=DEADLINE)  # 0.25 a day
    assert f.behind and f.expected_by_deadline == 20 + 22 and f.finish_on == date(2027, 6, 17)  # 80 left at 0.25 a day: 320 days


def test_no_recent_work_never_finishes():
    f = forecast(quota=10, done=3, done_recently=0, today=TODAY, deadline=DEADLINE)
    assert f.behind and f.finish_on is None and f.expected_by_deadline == 3


def test_quota_reached_is_never_behind_even_past_the_deadline():
    f = forecast(quota=10, done=10, done_recently=0, today=date(2026, 11, 29), deadline=DEADLINE)
    assert not f.behind and f.remaining == 0 and f.finish_on == date(2026, 11, 29)


def test_past_the_deadline_adds_nothing():
    f = forecast(quota=10, done=6, done_recently=6, today=date(2026, 11, 29), deadline=DEADLINE)
    assert f.expected_by_deadline == 6 and f.behind


@pytest.mark.parametrize("bad", [dict(quota=-1), dict(done=-1), dict(done_recently=5, done=4)])
def test_impossible_numbers_are_refused(bad):
    values = dict(quota=10, done=4, done_recently=1, today=TODAY, deadline=DEADLINE) | bad
    with pytest.raises(ValueError):
        forecast(**values)


def test_kinds_data():
    assert TOILET_TYPES["three_compartment"].harmless and TOILET_TYPES["three_compartment"].name["zh"] == "三格化粪池式"
    assert not TOILET_TYPES["deep_pit"].harmless and not TOILET_TYPES["attic_composting"].harmless
    assert PROBLEM_KINDS["full_tank"].category == "management"


def test_every_stage_is_counted_once_on_a_board():
    counted = [*NOT_STARTED, *IN_PROGRESS, *DONE]
    assert len(counted) == len(set(counted)) == len(ToiletStage) - 1   # excluded households are not counted
