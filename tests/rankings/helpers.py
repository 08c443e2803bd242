"""Builders shared by the ranking tests."""
from datetime import date
from decimal import Decimal

from hygiene.extensions import db
from hygiene.inspections.models import Inspection


def add_published(*, version_id: int, township_id: int, village_id: int, day: date, score,
                  unit_id: int | None = None, status: str = "published", **extra) -> Inspection:
    """Add (and flush) a scored inspection of a village, or of a unit when unit_id is given."""
    row = Inspection(version_id=version_id, township_id=township_id, village_id=village_id,
                     target_kind="unit" if unit_id else "village", target_id=unit_id or village_id,
                     unit_id=unit_id, target_label=extra.pop("target_label", "x"), planned_date=day,
                     due_date=day, status=status, score=Decimal(score), **extra)
    db.session.add(row)
    db.session.flush()
    return row
