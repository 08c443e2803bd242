"""Calendar periods: the one month arithmetic, weeks, months, quarters and years by key."""
from datetime import date

import pytest

from hygiene.core.periods import add_months, parse_period, period_containing


@pytest.mark.parametrize("day, months, first", [
    (date(2026, 11, 29), 1, date(2026, 12, 1)),
    (date(2026, 12, 31), 1, date(2027, 1, 1)),
    (date(2026, 1, 15), -1, date(2025, 12, 1)),
    (date(2026, 3, 1), -14, date(2025, 1, 1)),
    (date(2026, 11, 29), 0, date(2026, 11, 1)),
])
def test_add_months_lands_on_the_first_of_the_month(day, months, first):
    assert add_months(day, months) == first


@pytest.mark.parametrize("key, start, end, kind", [
    ("2026-11", date(2026, 11, 1), date(2026, 11, 30), "month"),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "month"),
    ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31), "quarter"),
    ("2026", date(2026, 1, 1), date(2026, 12, 31), "year"),
    ("2026-W48", date(2026, 11, 23), date(2026, 11, 29), "week"),
    ("2026-W53", date(2026, 12, 28), date(2027, 1, 3), "week"),
])
def test_a_key_names_its_days_and_kind(key, start, end, kind):
    period = parse_period(key)
    assert (period.start, period.end, period.kind) == (start, end, kind)


@pytest.mark.parametrize("key", ["", "2026-13", "2026-Q5", "2025-W53", "2026-W00", "26-11", "2026-11-01",
                                 "2026\x00", None])
def test_nonsense_is_refused(key):
    with pytest.raises(ValueError):
        parse_period(key)


def test_a_caller_may_accept_only_some_kinds():
    assert parse_period("2026-11", kinds=("month", "year")).kind == "month"
    with pytest.raises(ValueError):
        parse_period("2026-W48", kinds=("month", "quarter", "year"))


def test_neighbours_cross_years_and_iso_weeks():
    assert parse_period("2026-12").next().key == "2027-01"
    assert parse_period("2026-Q1").previous().key == "2025-Q4"
    assert parse_period("2026-W53").next().key == "2027-W01"
    assert period_containing("week", date(2027, 1, 1)).key == "2026-W53"   # a Friday of ISO week 53
    with pytest.raises(ValueError):
        period_containing("fortnight", date(2026, 1, 1))
