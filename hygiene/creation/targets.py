"""What creation gives the year's target letters (hygiene/letters/kinds.py registers it): each
village's creation progress by 31 December, as the ranking's "creation progress" measures it
(a title standing 100, else the furthest step of the year's application in kinds.yaml's points).

Creation does not import letters: a measure takes a township (None: the county) and a year and
answers {village id: {"value": Decimal, ...facts}}; a village with no application and no title
is left out (not measured), as in the ranking."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from hygiene.creation.models import CreationApplication
from hygiene.creation.ranking import CENT, points_by
from hygiene.extensions import db


def creation_progress_by_village(township_id: int | None, year: int) -> dict[int, dict[str, Any]]:
    """Per village with its own application of the year or a title named by its end: the best
    points by 31 December. One query."""
    return _values(progress_select(township_id, year))


def creation_progress_by_unit(township_id: int | None, year: int) -> dict[int, dict[str, Any]]:
    """Per unit with an application of the year or a title named by its end, as for a village."""
    return _values(progress_select(township_id, year, units=True))


def progress_select(township_id: int | None, year: int, *, units: bool = False) -> sa.Select:
    """(village or unit id, best points by 31 December), one row per village (or unit) with an application."""
    a, end = CreationApplication, date(year, 12, 31)
    owner = a.unit_id if units else a.village_id
    stmt = (sa.select(owner, sa.func.max(points_by(end)))
            .where(a.unit_id.is_not(None) if units else a.unit_id.is_(None), a.applied_on <= end,
                   sa.or_(a.year == year, a.named_on <= end))
            .group_by(owner))
    return stmt.where(a.township_id == township_id) if township_id is not None else stmt


def _values(stmt: sa.Select) -> dict[int, dict[str, Any]]:
    return {owner: {"value": Decimal(int(best)).quantize(CENT)} for owner, best in db.session.execute(stmt)}
