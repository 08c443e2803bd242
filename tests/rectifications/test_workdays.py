"""Working days by the official calendar, with its holiday shifts (调休)."""
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hygiene.rectifications.workdays import (
    add_working_days,
    is_working_day,
    next_working_day,
    working_days_between,
)


def test_national_day_week_is_not_working_and_its_shifted_saturday_is():
    assert not is_working_day(date(2026, 10, 1))
    assert not is_working_day(date(2026, 10, 7))
    assert is_working_day(date(2026, 10, 10))  # Saturday made a workday (调休)


def test_five_working_days_from_the_eve_of_national_day_skip_the_holiday():
    # Wed 30 Sep 2026 + 5 working days: the holiday runs 1-7 Oct; 9 (Fri) and 10 (Sat, 调休) work
    assert add_working_days(date(2026, 9, 30), 5) == date(2026, 10, 13)


def test_a_holiday_moves_to_the_next_working_day():
    assert next_working_day(date(2026, 10, 3)) == date(2026, 10, 8)
    assert next_working_day(date(2026, 11, 23)) == date(2026, 11, 23)


def test_years_the_calendar_does_not_know_use_plain_weekdays():
    assert add_working_days(date(2031, 1, 2), 3) == date(2031, 1, 7)  # Thu -> Tue
    assert not is_working_day(date(2031, 1, 4))


def test_zero_days_is_the_same_day_and_negative_is_refused():
    assert add_working_days(date(2026, 11, 23), 0) == date(2026, 11, 23)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 11, 23), -1)


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)), st.integers(0, 40))
def test_adding_n_working_days_lands_on_a_working_day_n_working_days_later(start, n):
    end = add_working_days(start, n)
    assert working_days_between(start, end) == n
    assert n == 0 or is_working_day(end)
