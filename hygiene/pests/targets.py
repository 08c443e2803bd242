"""What pest control gives the year's target letters (hygiene/letters/kinds.py registers it): each
village's mean coverage of the pest-control rounds that ended in the year.

One statement (the rounds' coverage_stmt) reads every target with its work summed in SQL; the
capped percent of a target is the rounds' own rule (coverage.py), so the letter and the round's
page never disagree. Pests does not import letters: a measure takes a township (None: the
county) and a year and answers {village id: {"value": Decimal, ...facts}}."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from hygiene.extensions import db
from hygiene.pests.rounds.coverage import TargetCoverage
from hygiene.pests.rounds.models import PestRound, RoundTarget
from hygiene.pests.rounds.queries import coverage_stmt
from hygiene.pests.rounds.status import SEEN_BY_TARGETS

CENT = Decimal("0.01")


def round_coverage_by_village(township_id: int | None, year: int) -> dict[int, dict[str, Any]]:
    """Per village (its own targets, not its units'): the mean coverage percent of the rounds
    (announced or closed) ending in the year; facts: rounds counted."""
    rounds = sa.select(PestRound.id).where(PestRound.status.in_(sorted(SEEN_BY_TARGETS)),
                                           PestRound.ends_on.between(date(year, 1, 1), date(year, 12, 31)))
    if township_id is not None:
        rounds = rounds.where(PestRound.township_id == township_id)
    found: dict[int, list[Decimal]] = {}
    for row in db.session.execute(coverage_stmt(sa.and_(RoundTarget.round_id.in_(rounds),
                                                        RoundTarget.unit_id.is_(None)))):
        coverage = TargetCoverage(row[0], row[1], row[2], row[3], row[4], row[5], int(row[6]),
                                  Decimal(str(row[7])), int(row[8]), int(row[9]), int(row[10]), row[11])
        if (percent := coverage.percent) is not None:
            found.setdefault(coverage.village_id, []).append(percent)
    return {village_id: {"value": (sum(values, Decimal(0)) / len(values)).quantize(CENT), "rounds": len(values)}
            for village_id, values in found.items()}
