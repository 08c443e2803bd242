"""What inspections give the year's target letters (hygiene/letters/kinds.py registers them): each
village's pass rate, the share of its published inspections of the year that passed; each unit's
pass rate and mean score of its own published inspections of the year.

Inspections does not import letters: a measure takes a township (None: the county) and a year and answers
{village id: {"value": Decimal, ...facts}} from one aggregate query."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from hygiene.extensions import db
from hygiene.inspections.adhoc import acceptance_versions
from hygiene.inspections.models import Inspection
from hygiene.inspections.status import InspectionStatus

CENT = Decimal("0.01")
VILLAGE_TARGETS = ("village", "household", "cleaner")  # as the village ranking counts them


def pass_rate_by_village(township_id: int | None, year: int) -> dict[int, dict[str, Any]]:
    """Per village: 100 × passed ÷ published inspections planned in the year (acceptances of
    renovated toilets left out: they judge a build, not the village); facts: passed, inspected."""
    i = Inspection
    where = [i.status == InspectionStatus.PUBLISHED, i.target_kind.in_(VILLAGE_TARGETS),
             i.planned_date.between(date(year, 1, 1), date(year, 12, 31)),
             i.version_id.not_in(acceptance_versions())]
    stmt = (sa.select(i.village_id, sa.func.count(), sa.func.count().filter(i.passed.is_(True)))
            .where(*where, *([i.township_id == township_id] if township_id is not None else [])).group_by(i.village_id))
    return {village_id: {"value": (Decimal(100) * passed / total).quantize(CENT), "passed": passed,
                         "inspected": total}
            for village_id, total, passed in db.session.execute(stmt) if total}


def pass_rate_by_unit(township_id: int | None, year: int) -> dict[int, dict[str, Any]]:
    """Per unit: 100 × passed ÷ its published inspections planned in the year; facts: passed, inspected."""
    return {unit_id: {"value": (Decimal(100) * passed / total).quantize(CENT), "passed": passed, "inspected": total}
            for unit_id, total, passed, _mean in _unit_year(township_id, year) if total}


def mean_score_by_unit(township_id: int | None, year: int) -> dict[int, dict[str, Any]]:
    """Per unit: the mean score of its published inspections planned in the year; facts: inspected."""
    return {unit_id: {"value": Decimal(str(mean)).quantize(CENT), "inspected": total}
            for unit_id, total, _passed, mean in _unit_year(township_id, year) if total and mean is not None}


def _unit_year(township_id: int | None, year: int) -> list[Any]:
    i = Inspection
    stmt = (sa.select(i.unit_id, sa.func.count(), sa.func.count().filter(i.passed.is_(True)), sa.func.avg(i.score))
            .where(i.status == InspectionStatus.PUBLISHED, i.unit_id.is_not(None),
                   i.planned_date.between(date(year, 1, 1), date(year, 12, 31)),
                   i.version_id.not_in(acceptance_versions()),
                   *([i.township_id == township_id] if township_id is not None else []))
            .group_by(i.unit_id))
    return list(db.session.execute(stmt))
