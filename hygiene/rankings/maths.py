"""Ranking arithmetic with no database: weighted scores, the minimum, the tie-break.

Tie-break (documented for the office and the public page): higher total score first; then the
higher inspection mean; then more inspections in the period; then fewer overdue orders; then
the name (in Unicode order) and finally the id, so the same data always gives the same ranking.
Equal totals still get distinct ranks, because a published list must be unambiguous.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    components: dict[str, Decimal | None]   # component key -> 0..100, None when it does not apply
    inspections: int = 0
    overdue_orders: int = 0
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Ranked:
    candidate: Candidate
    score: Decimal | None
    rank: int | None              # None: not ranked (see reason)
    reason: str = ""              # "too_few_inspections" | "no_score"


def weighted_score(components: dict[str, Decimal | None], weights: dict[str, Decimal]) -> Decimal | None:
    """Σ weight × value over the components that apply, divided by their weights (0..100)."""
    used = {k: v for k, v in components.items() if v is not None and weights.get(k, 0) > 0}
    total_weight = sum((weights[k] for k in used), Decimal(0))
    if total_weight == 0:
        return None
    raw = sum((weights[k] * v for k, v in used.items()), Decimal(0)) / total_weight
    return raw.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def check_weights(weights: dict[str, Decimal]) -> list[str]:
    """Problems with a set of weights: negative ones, or all zero."""
    problems = [f"{key}: negative" for key, value in weights.items() if value < 0]
    if sum(weights.values(), Decimal(0)) <= 0:
        problems.append("the weights add up to zero")
    return problems


def rank(candidates: list[Candidate], weights: dict[str, Decimal], *, min_inspections: int) -> list[Ranked]:
    """Rank the candidates with enough inspections by the documented tie-break; list the rest after."""
    scored = [Ranked(c, weighted_score(c.components, weights), None) for c in candidates]
    eligible = [r for r in scored if r.score is not None and r.candidate.inspections >= min_inspections]
    eligible.sort(key=_order_key)
    ranked = [replace(r, rank=i) for i, r in enumerate(eligible, start=1)]
    rest = [replace(r, reason="no_score" if r.score is None else "too_few_inspections")
            for r in scored if r not in eligible]
    rest.sort(key=lambda r: (r.candidate.name, r.candidate.id))
    return ranked + rest


def _order_key(row: Ranked):
    c = row.candidate
    mean = c.components.get("inspections")
    return (-row.score, -(mean if mean is not None else Decimal(-1)), -c.inspections,
            c.overdue_orders, c.name, c.id)


def component_shares(weights: dict[str, Decimal], components: dict[str, Decimal | None]
                     ) -> dict[str, tuple[Decimal, Decimal]]:
    """Per component that counts: its share of the weight (percent) and the points it adds to
    the total (weight × value ÷ the weights that count); the points add up to the total."""
    used = {k: v for k, v in components.items() if v is not None and weights.get(k, 0) > 0}
    total_weight = sum((weights[k] for k in used), Decimal(0))
    return {k: ((Decimal(100) * weights[k] / total_weight).quantize(TWO_PLACES, rounding=ROUND_HALF_UP),
                (weights[k] * v / total_weight).quantize(TWO_PLACES, rounding=ROUND_HALF_UP))
            for k, v in used.items()}
