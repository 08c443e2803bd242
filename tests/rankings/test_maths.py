"""Ranking arithmetic: weights, the minimum of inspections, the documented tie-break."""
from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hygiene.core.periods import parse_period, period_containing
from hygiene.rankings.maths import Candidate, check_weights, rank, weighted_score

W = {"inspections": D(90), "rectification": D(10)}


def test_the_90_10_composite_of_field_and_rectification():
    assert weighted_score({"inspections": D(90), "rectification": D(50)}, W) == D("86.00")


def test_a_component_that_does_not_apply_leaves_the_weights():
    assert weighted_score({"inspections": D(88), "rectification": None}, W) == D("88.00")
    assert weighted_score({"inspections": None, "rectification": None}, W) is None


@pytest.mark.parametrize("weights, ok", [({"a": D(1), "b": D(0)}, True), ({"a": D(-1), "b": D(2)}, False),
                                         ({"a": D(0), "b": D(0)}, False)])
def test_weights_must_be_non_negative_and_not_all_zero(weights, ok):
    assert (check_weights(weights) == []) == ok


def c(id, name, mean, rect=None, n=3, overdue=0):
    return Candidate(id, name, {"inspections": D(mean), "rectification": None if rect is None else D(rect)},
                     inspections=n, overdue_orders=overdue)


def test_ties_break_by_mean_then_count_then_overdue_then_name():
    rows = rank([c(1, "乙村", 90, 90), c(2, "甲村", 90, 90, n=4), c(3, "丙村", 90, 90, n=4, overdue=1),
                 c(4, "丁村", 95, 45)], W, min_inspections=2)
    # 丁村: 0.9*95 + 0.1*45 = 90.0 as well, but its higher inspection mean puts it first
    assert [(r.candidate.name, r.rank) for r in rows] == [("丁村", 1), ("甲村", 2), ("丙村", 3), ("乙村", 4)]


def test_one_lucky_check_is_not_ranked():
    rows = rank([c(1, "甲村", 100, n=1), c(2, "乙村", 80, n=2)], W, min_inspections=2)
    assert [(r.candidate.name, r.rank, r.reason) for r in rows] == [("乙村", 1, ""), ("甲村", None, "too_few_inspections")]


@given(st.lists(st.tuples(st.integers(0, 100), st.integers(0, 100), st.integers(0, 5)), min_size=1, max_size=30))
def test_the_same_data_always_gives_the_same_ranking(values):
    candidates = [c(i, f"村{i % 3}", m, r, n) for i, (m, r, n) in enumerate(values)]
    first = rank(candidates, W, min_inspections=1)
    again = rank(list(reversed(candidates)), W, min_inspections=1)
    assert [(r.candidate.id, r.rank) for r in first] == [(r.candidate.id, r.rank) for r in again]
    ranks = [r.rank for r in first if r.rank]
    assert ranks == list(range(1, len(ranks) + 1))


def test_periods():
    assert (parse_period("2026-11").start, parse_period("2026-11").end) == (date(2026, 11, 1), date(2026, 11, 30))
    assert (parse_period("2026-Q4").start, parse_period("2026-Q4").end) == (date(2026, 10, 1), date(2026, 12, 31))
    assert parse_period("2026").end == date(2026, 12, 31) and parse_period("2026").kind == "year"
    assert parse_period("2026-01").previous().key == "2025-12"
    assert period_containing("quarter", date(2026, 2, 3)).key == "2026-Q1"
    for bad in ("2026-13", "2026-Q5", "26-1", "", "2026-11-01"):
        with pytest.raises(ValueError):
            parse_period(bad)
    assert parse_period("2026-10").is_over(date(2026, 11, 1)) and not parse_period("2026-11").is_over(date(2026, 11, 30))
