"""The year-end assessment as pure rules: whether an actual meets its target, and the letter's
score (the share of its targets met, every target weighing the same)."""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

CENT = Decimal("0.01")


def target_met(actual: Decimal | None, target: Decimal, *, higher_is_better: bool = True) -> bool:
    """Met when the actual reaches the target (or stays at or under it, when lower is better);
    nothing measured is not met: a village with no inspections has not shown its pass rate."""
    if actual is None:
        return False
    return actual >= target if higher_is_better else actual <= target


def letter_score(results: Iterable[bool]) -> Decimal | None:
    """100 × targets met ÷ targets, to the cent; None for a letter without targets."""
    outcomes = list(results)
    if not outcomes:
        return None
    return (Decimal(100) * sum(outcomes) / len(outcomes)).quantize(CENT)
