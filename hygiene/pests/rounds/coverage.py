"""A target's coverage, as a pure rule: what it covered against what it had to cover."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import NamedTuple

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def coverage_percent(covered: Decimal | int | None, target: Decimal | int | None) -> Decimal | None:
    """Covered as a percentage of target, capped at 100 (a mop-up may re-cover a household);
    None when the target has no number to measure against."""
    if target is None or Decimal(target) <= 0:
        return None
    share = HUNDRED * Decimal(covered or 0) / Decimal(target)
    return min(share, HUNDRED).quantize(CENT)


class TargetCoverage(NamedTuple):
    """One target of a round with what its work adds up to (queries.targets_coverage): a named
    tuple, since a board makes one per target it shows."""

    target_id: int
    village_id: int
    unit_id: int | None
    households_target: int | None
    area_target: Decimal | None
    area_unit: str | None
    households_covered: int
    area_covered: Decimal
    works: int
    mop_ups: int
    open_refusals: int
    last_done_on: date | None

    @property
    def by_area(self) -> bool:
        return self.area_target is not None

    @property
    def percent(self) -> Decimal | None:
        if self.by_area:
            return coverage_percent(self.area_covered, self.area_target)
        return coverage_percent(self.households_covered, self.households_target)

    def behind(self, goal: Decimal) -> bool:
        """Below the round's goal (no work at all counts as behind, whatever the numbers)."""
        percent = self.percent
        return self.works == 0 or (percent is not None and percent < goal)
