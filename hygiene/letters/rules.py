"""The year-end assessment as pure rules: whether an actual meets its target, and the letter's
score (the share of its measured targets met, every target weighing the same).

A target with nothing to measure (a village with no toilet task that year, no inspection published,
no pest-control round) is neither met nor missed: it is shown as not measured and left out of the
score, as the rankings leave out a component with nothing to measure, so a village is not marked
down for work it was never given. The office sees it on the board and decides."""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from functools import cache

CENT = Decimal("0.01")


def target_met(actual: Decimal | None, target: Decimal, *, higher_is_better: bool = True) -> bool | None:
    """Met when the actual reaches the target (or stays at or under it, when lower is better);
    None when nothing was measured."""
    if actual is None:
        return None
    return actual >= target if higher_is_better else actual <= target


def letter_score(results: Iterable[bool | None]) -> Decimal | None:
    """100 × targets met ÷ targets measured, to the cent; None when none was measured."""
    outcomes = [met for met in results if met is not None]
    if not outcomes:
        return None
    return _share(sum(outcomes), len(outcomes))


@cache
def _share(met: int, measured: int) -> Decimal:
    """100 × met ÷ measured to the cent (few pairs, each computed once: the board scores 1,500 letters)."""
    return (Decimal(100) * met / measured).quantize(CENT)
