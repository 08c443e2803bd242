"""What pest control gives the year's target letters (hygiene/letters/kinds.py registers it): each
village's mean coverage of the pest-control rounds that ended in the year.

One statement: every target's covered totals (kept on the target by rounds/totals.py in the
transaction of each work or refusal written), its percent capped at 100 (the rounds' rule in
coverage.py, written in SQL) and averaged per village in the database. Pests does not import letters: a measure takes a township (None: the
county) and a year and answers {village id: {"value": Decimal, ...facts}}."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from hygiene.extensions import db
from hygiene.pests.rounds.models import PestRound, RoundTarget
from hygiene.pests.rounds.status import SEEN_BY_TARGETS

CENT = Decimal("0.01")


def round_coverage_by_village(township_id: int | None, year: int) -> dict[int, dict[str, Any]]:
    """Per village (its own targets, not its units'): the mean coverage percent of the rounds
    (announced or closed) ending in the year. A target with no number to cover counts not."""
    return {village_id: {"value": Decimal(str(mean)).quantize(CENT)}
            for village_id, mean in db.session.execute(round_coverage_select(township_id, year))}


def round_coverage_select(township_id: int | None, year: int) -> sa.Select:
    """(village id, mean coverage percent of the year's rounds), one row per village with a target to cover."""
    rounds = sa.select(PestRound.id).where(PestRound.status.in_(sorted(SEEN_BY_TARGETS)),
                                           PestRound.ends_on.between(date(year, 1, 1), date(year, 12, 31)))
    if township_id is not None:
        rounds = rounds.where(PestRound.township_id == township_id)
    t = RoundTarget
    chosen = sa.and_(t.round_id.in_(rounds), t.unit_id.is_(None))
    percent = sa.case((t.area_target.is_not(None), _capped(t.area_covered, t.area_target)),
                      else_=_capped(t.households_covered, t.households_target))
    return (sa.select(t.village_id, sa.cast(sa.func.avg(percent), sa.Numeric(14, 4))).where(chosen)
            .group_by(t.village_id).having(sa.func.count(percent) > 0))


def _capped(covered: Any, target: Any) -> sa.ColumnElement:
    """The rounds' coverage rule (coverage.coverage_percent) in SQL: covered as a percentage of
    the target, at most 100 (a mop-up may re-cover a household); NULL without a target."""
    return sa.case((target.is_(None), sa.null()), (target <= 0, sa.null()),
                   (covered >= target, sa.literal(100)),
                   else_=sa.literal(100.0) * covered / target)
