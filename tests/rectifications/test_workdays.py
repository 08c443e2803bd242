"""Working days by the official calendar, with its holiday shifts (调休)."""
from datetime import date

import chinese_calendar
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


# --- years the official calendar does not know yet: the law's holidays, provisional ---------

def test_past_the_published_years_new_year_and_the_spring_festival_are_days_off():
    from hygiene.rectifications.workdays import deadline_after, official_years

    assert 2027 not in official_years()  # chinesecalendar 1.11 knows up to 2026
    assert not is_working_day(date(2027, 1, 1))  # 元旦, a Friday
    assert not any(is_working_day(date(2027, 2, day)) for day in (5, 8))  # 除夕 Fri, 初三 Mon
    # Fri 5 Feb 2027 + 5 working days: 5-8 Feb are the Spring Festival, so 9-12 and 15 count
    deadline = deadline_after(date(2027, 2, 5), 5)
    assert deadline.day != date(2027, 2, 12)
    assert deadline == (date(2027, 2, 15), True)
    assert add_working_days(date(2027, 2, 5), 5) == date(2027, 2, 15)


def test_a_deadline_inside_the_published_years_is_not_provisional_and_one_crossing_out_is():
    from hygiene.rectifications.workdays import deadline_after

    assert deadline_after(date(2026, 11, 23), 10) == (date(2026, 12, 7), False)
    assert deadline_after(date(2026, 12, 28), 5) == (date(2027, 1, 5), True)  # skips 1 Jan 2027
    assert deadline_after(date(2027, 2, 5), 0) == (date(2027, 2, 5), False)


def test_the_statutory_table_is_the_2024_amendment_from_2025_on():
    from hygiene.rectifications.statutory import rules_for, statutory_holidays

    assert {rule["name"]: rule["days"] for rule in rules_for(2027)} == {
        "元旦": 1, "春节": 4, "清明节": 1, "劳动节": 2, "端午节": 1, "中秋节": 1, "国庆节": 3}
    assert sorted(statutory_holidays(2027)) == [
        date(2027, 1, 1), date(2027, 2, 5), date(2027, 2, 6), date(2027, 2, 7), date(2027, 2, 8),
        date(2027, 4, 5), date(2027, 5, 1), date(2027, 5, 2), date(2027, 6, 9), date(2027, 9, 15),
        date(2027, 10, 1), date(2027, 10, 2), date(2027, 10, 3)]


@pytest.mark.parametrize("year", sorted({day.year for day in chinese_calendar.constants.holidays}))
def test_the_law_s_holidays_are_days_off_in_every_year_the_official_calendar_knows(year):
    from hygiene.rectifications.statutory import statutory_holidays

    worked = [day for day in statutory_holidays(year) if chinese_calendar.is_workday(day)]
    assert worked == [], f"statutory holidays that were official working days in {year}"
    assert len(statutory_holidays(year)) >= 7


def test_a_newer_official_calendar_takes_over_the_year_and_ends_provisional(monkeypatch):
    from hygiene.rectifications.workdays import deadline_after, official_years

    official_2027(monkeypatch)
    assert 2027 in official_years()
    assert is_working_day(date(2027, 2, 20))  # a Saturday made a workday (调休)
    assert deadline_after(date(2027, 2, 5), 5) == (date(2027, 2, 18), False)


def official_2027(monkeypatch):
    """Stand in for a newer chinesecalendar that has 2027: New Year, and the Spring Festival
    from 5 to 11 February with Saturday 20 February worked (a made-up arrangement)."""
    from datetime import timedelta

    from chinese_calendar import constants

    days_off = [date(2027, 1, 1)] + [date(2027, 2, 5) + timedelta(days=n) for n in range(7)]
    for day in days_off:
        monkeypatch.setitem(constants.holidays, day, "Spring Festival")
    monkeypatch.setitem(constants.workdays, date(2027, 2, 20), "Spring Festival")
