"""The coverage rule of a round's target (hygiene/pests/rounds/coverage.py)."""
from datetime import date
from decimal import Decimal

import pytest

from hygiene.pests.rounds.coverage import TargetCoverage, coverage_percent


@pytest.mark.parametrize(("covered", "target", "percent"), [
    (0, 120, Decimal("0.00")), (114, 120, Decimal("95.00")), (113, 120, Decimal("94.17")),
    (130, 120, Decimal("100.00")),               # a mop-up re-covered some: capped
    (Decimal("12.5"), Decimal("50"), Decimal("25.00")),
    (5, None, None), (5, 0, None),                # nothing to measure against
])
def test_coverage_percent(covered, target, percent):
    assert coverage_percent(covered, target) == percent


def _target(**changes):
    values = dict(target_id=1, village_id=1, unit_id=None, households_target=100, area_target=None,
                  area_unit=None, households_covered=0, area_covered=Decimal(0), works=0, mop_ups=0,
                  open_refusals=0, last_done_on=None)
    return TargetCoverage(**{**values, **changes})


def test_behind_below_goal_or_without_work():
    goal = Decimal(95)
    assert _target().behind(goal)                                               # nothing done
    assert _target(households_covered=94, works=1).behind(goal)
    assert not _target(households_covered=95, works=2, last_done_on=date(2026, 3, 25)).behind(goal)
    assert _target(households_target=None, works=0).behind(goal)
    assert not _target(households_target=None, works=1).behind(goal)           # done, no number


def test_snail_target_counts_area():
    snail = _target(households_target=None, area_target=Decimal("40"), area_unit="mu",
                    area_covered=Decimal("30"), works=1)
    assert snail.by_area and snail.percent == Decimal("75.00") and snail.behind(Decimal(95))
