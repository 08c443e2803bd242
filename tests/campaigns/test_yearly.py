"""The built-in events of a year, dated without a database: the Hygiene Month's number, the
holiday clean-ups from the official calendar, and a year the official calendar does not know."""
from datetime import date

import pytest

from hygiene.campaigns import yearly


def _by_key(year):
    return {event.key: event for event in yearly.year_events(year)}


@pytest.mark.parametrize(("year", "number"), [(2015, 27), (2022, 34), (2025, 37), (2026, 38)])
def test_the_hygiene_month_is_numbered_from_1989(year, number):
    month = _by_key(year)["hygiene_month"]
    assert (month.edition, month.name) == (number, f"第{number}个爱国卫生月")
    assert (month.starts_on, month.ends_on) == (date(year, 4, 1), date(year, 4, 30))


def test_every_builtin_event_is_made_for_a_year_in_calendar_order():
    events = yearly.year_events(2026)
    assert {e.key for e in events} == {
        "spring_festival_cleanup", "spring_rodent", "hygiene_month", "labour_day_cleanup", "summer_mosquito_fly",
        "cockroach", "national_day_cleanup", "autumn_rodent", "new_year_cleanup"}
    assert [e.starts_on for e in events] == sorted(e.starts_on for e in events)
    assert all(e.starts_on <= e.ends_on for e in events)


def test_a_holiday_clean_up_ends_the_day_before_the_official_days_off():
    events = _by_key(2026)
    # 2026: the Spring Festival's days off begin on 15 February (State Council notice)
    assert events["spring_festival_cleanup"].holiday_on == date(2026, 2, 15)
    assert events["spring_festival_cleanup"].ends_on == date(2026, 2, 14)
    assert events["national_day_cleanup"].ends_on == date(2026, 9, 30)
    assert not events["spring_festival_cleanup"].provisional


def test_new_years_days_off_may_begin_in_december():
    assert yearly.holiday_start("new_year", 2024) == (date(2023, 12, 30), False)
    assert _by_key(2023)["new_year_cleanup"].ends_on == date(2023, 12, 29)


def test_a_year_the_official_calendar_does_not_know_falls_back_to_the_statutory_days():
    assert 2031 not in yearly.official_years()
    events = _by_key(2031)
    # 2031: 正月初一 falls on 23 January, so the days off begin on 除夕, the 22nd
    assert events["spring_festival_cleanup"].holiday_on == date(2031, 1, 22)
    assert events["labour_day_cleanup"].holiday_on == date(2031, 5, 1)
    assert events["new_year_cleanup"].holiday_on == date(2032, 1, 1)
    assert all(events[key].provisional for key in ("spring_festival_cleanup", "labour_day_cleanup",
                                                   "national_day_cleanup", "new_year_cleanup"))
    assert not events["hygiene_month"].provisional


def test_the_reminder_defaults_are_data():
    assert yearly.reminder_defaults() == (3, 2)
