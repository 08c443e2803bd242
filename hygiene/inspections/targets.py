"""What inspections give the year's target letters (hygiene/letters/kinds.py registers them): each
village's pass rate, the share of its published inspections of the year that passed; each unit's
pass rate and mean score of its own published inspections of the year. Each is a SELECT of (village
or unit id, value) too, so the letters' board runs them together in one UNION ALL.

Inspections does not import letters: a measure takes a township (None: the county) and a year and answers
{village id: {"value": Decimal, ...facts}} from one aggregate query."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from hygiene.extensions import db
from hygiene.inspections.adhoc import counted_inspection
from hygiene.inspections.models import Inspection
from hygiene.inspections.status import InspectionStatus

CENT = Decimal("0.01")
VILLAGE_TARGETS = ("village", "household", "cleaner")  # as the village ranking counts them


def pass_rate_by_village(township_id: int | None, year: int) -> dict[int, dict[str, Any]]:
    """Per village: 100 × passed ÷ published inspections planned in the year (acceptances of
    renovated toilets left out: they judge a build, not the village)."""
    return _values(pass_rate_select(township_id, year))


def pass_rate_select(township_id: int | None, year: int, *, units: bool = False) -> sa.Select:
    """(village or unit id, pass rate) of the year, one row per village (or unit) inspected."""
    i = Inspection
    owner = i.unit_id if units else i.village_id
    rate = sa.cast(sa.func.count().filter(i.passed.is_(True)), sa.Numeric(14, 4)) * 100 / sa.func.count()
    return sa.select(owner, rate).where(*_year_of(i, township_id, year, units=units)).group_by(owner)


def pass_rate_by_unit(township_id: int | None, year: int) -> dict[int, dict[str, Any]]:
    """Per unit: 100 × passed ÷ its published inspections planned in the year."""
    return _values(pass_rate_select(township_id, year, units=True))


def mean_score_select(township_id: int | None, year: int) -> sa.Select:
    """(unit id, mean score) of its published inspections planned in the year."""
    i = Inspection
    return (sa.select(i.unit_id, sa.func.avg(i.score)).where(*_year_of(i, township_id, year, units=True),
                                                            i.score.is_not(None)).group_by(i.unit_id))


def mean_score_by_unit(township_id: int | None, year: int) -> dict[int, dict[str, Any]]:
    """Per unit: the mean score of its published inspections planned in the year."""
    return _values(mean_score_select(township_id, year))


def _year_of(i: type[Inspection], township_id: int | None, year: int, *, units: bool) -> list:
    return [i.status == InspectionStatus.PUBLISHED,
            i.unit_id.is_not(None) if units else i.target_kind.in_(VILLAGE_TARGETS),
            i.planned_date.between(date(year, 1, 1), date(year, 12, 31)),
            counted_inspection(),
            *([i.township_id == township_id] if township_id is not None else [])]


def _values(stmt: sa.Select) -> dict[int, dict[str, Any]]:
    return {owner: {"value": Decimal(str(value)).quantize(CENT)}
            for owner, value in db.session.execute(stmt) if value is not None}
