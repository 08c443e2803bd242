"""What toilet renovation gives the year's target letters (hygiene/letters/kinds.py registers it):
each village's household toilets accepted by the year's end against its task's quota.

Toilets does not import letters: a measure takes a township (None: the county) and a year and
answers {village id: {"value": Decimal}} from one aggregate query (a SELECT the letters' board may
run in its UNION ALL)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from hygiene.extensions import db
from hygiene.toilets.models import HouseholdToilet, ToiletTask
from hygiene.toilets.status import DONE

CENT = Decimal("0.01")


def quota_met_by_village(township_id: int | None, year: int) -> dict[int, dict[str, Any]]:
    """Per village with a quota that year: 100 × min(accepted by 31 December, quota) ÷ quota."""
    return {village_id: {"value": Decimal(str(value)).quantize(CENT)}
            for village_id, value in db.session.execute(quota_met_select(township_id, year))}


def quota_met_select(township_id: int | None, year: int) -> sa.Select:
    """(village id, percent of its quota accepted by 31 December, at most 100), one row per task with a quota."""
    t = HouseholdToilet
    accepted = (sa.select(t.task_id, sa.func.count().label("n"))
                .where(t.stage.in_(DONE), t.accepted_on <= date(year, 12, 31))
                .group_by(t.task_id))
    if township_id is not None:
        accepted = accepted.where(t.township_id == township_id)
    done = accepted.subquery()
    n, quota = sa.func.coalesce(done.c.n, 0), ToiletTask.household_quota
    percent = sa.case((n >= quota, sa.cast(100, sa.Numeric(14, 4))),
                      else_=sa.cast(n, sa.Numeric(14, 4)) * 100 / quota)
    stmt = (sa.select(ToiletTask.village_id, percent).outerjoin(done, done.c.task_id == ToiletTask.id)
            .where(ToiletTask.year == year, ToiletTask.household_quota > 0))
    return stmt.where(ToiletTask.township_id == township_id) if township_id is not None else stmt
