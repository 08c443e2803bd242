"""Plan periods: which have begun, and their planned and due dates."""
from datetime import date

import pytest

from hygiene.inspections.plans.rounds import begun_periods, next_period_start, period_start


@pytest.mark.parametrize("recurrence, day, start", [
    ("weekly", date(2026, 11, 26), date(2026, 11, 23)),     # Thursday -> Monday
    ("monthly", date(2026, 11, 26), date(2026, 11, 1)),
    ("quarterly", date(2026, 11, 26), date(2026, 10, 1)),
    ("quarterly", date(2026, 3, 31), date(2026, 1, 1)),
])
def test_period_start(recurrence, day, start):
    assert period_start(recurrence, day) == start


def test_next_period_crosses_the_year():
    assert next_period_start("monthly", date(2026, 12, 1)) == date(2027, 1, 1)
    assert next_period_start("quarterly", date(2026, 10, 1)) == date(2027, 1, 1)


def test_a_monthly_plan_has_one_period_per_begun_month_and_starts_mid_month():
    periods = begun_periods(recurrence="monthly", start=date(2026, 9, 15), end=None,
                            days_allowed=10, today=date(2026, 11, 23))
    assert [p.start for p in periods] == [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
    assert (periods[0].planned, periods[0].due) == (date(2026, 9, 15), date(2026, 9, 24))
    assert (periods[1].planned, periods[1].due) == (date(2026, 10, 1), date(2026, 10, 10))


def test_a_plan_that_has_not_started_or_has_ended_makes_no_new_periods():
    assert begun_periods(recurrence="weekly", start=date(2026, 12, 1), end=None,
                         days_allowed=3, today=date(2026, 11, 23)) == []
    ended = begun_periods(recurrence="weekly", start=date(2026, 11, 2), end=date(2026, 11, 10),
                          days_allowed=3, today=date(2026, 11, 23))
    assert [p.start for p in ended] == [date(2026, 11, 2), date(2026, 11, 9)]


def test_a_one_off_plan_has_one_period():
    [period] = begun_periods(recurrence="once", start=date(2026, 11, 20), end=None,
                             days_allowed=1, today=date(2026, 11, 23))
    assert period.planned == period.due == date(2026, 11, 20)
