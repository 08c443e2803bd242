"""The pieces a period score is made of, registered in one place.

A component maps each candidate (a village, or a unit of one category) to a value 0..100 for
the period, or leaves it out when it does not apply. Pest control joins from pests/ranking.py;
toilet progress and health-education cadence join by adding a Component to COMPONENTS;
nothing else changes.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from hygiene.core.periods import Period
from hygiene.creation.ranking import creation_progress_component
from hygiene.education.ranking import education_cadence_component
from hygiene.extensions import db
from hygiene.inspections.adhoc import ranked_inspection
from hygiene.inspections.models import Inspection
from hygiene.inspections.status import InspectionStatus
from hygiene.pests.ranking import density_component, round_coverage_component
from hygiene.rectifications.models import RectificationOrder
from hygiene.rectifications.status import FIX_REPORTED, OrderStatus
from hygiene.toilets.ranking import toilet_progress_component

VILLAGE_TARGETS = ("village", "household", "cleaner")  # a unit is ranked within its category


@dataclass(frozen=True)
class Subject:
    """What is ranked: the villages of a township, or its units of one category."""

    township_id: int
    kind: str                     # "villages" or "units"
    category: str | None = None

    @property
    def key(self) -> str:
        return "villages" if self.kind == "villages" else f"units:{self.category}"

    def group_column(self, model):
        return model.village_id if self.kind == "villages" else model.unit_id

    def filters(self, model) -> list:
        """Rows of `model` (inspections or orders) that count for this subject."""
        base = [model.township_id == self.township_id]
        if self.kind == "villages":
            return [*base, model.target_kind.in_(VILLAGE_TARGETS)]
        from hygiene.places.models import Unit

        units = sa.select(Unit.id).where(Unit.category == self.category)
        return [*base, model.target_kind == "unit", model.unit_id.in_(units)]


@dataclass(frozen=True)
class Component:
    key: str
    label: object
    default_weight: Decimal
    compute: Callable[[Subject, Period], dict[int, dict]]   # candidate id -> {"value", ...facts}


def inspection_mean(subject: Subject, period: Period) -> dict[int, dict]:
    """The mean score of the period's published inspections, and how many there were; an
    acceptance of a renovated toilet scores the build, not the village's hygiene, and a creation
    application's review scores an application: both left out (adhoc.ranked_inspection)."""
    key = subject.group_column(Inspection)
    stmt = (sa.select(key, sa.func.avg(Inspection.score), sa.func.count())
            .where(*subject.filters(Inspection), Inspection.status == InspectionStatus.PUBLISHED,
                   Inspection.planned_date.between(period.start, period.end),
                   ranked_inspection())
            .group_by(key))
    return {k: {"value": Decimal(str(mean)).quantize(Decimal("0.01")), "count": n}
            for k, mean, n in db.session.execute(stmt) if k is not None}


def rectification_on_time(subject: Subject, period: Period) -> dict[int, dict]:
    """Of the orders due in the period, the share put right in time (a fix reported by the
    deadline and not failed at re-inspection); overdue and repeat orders count against."""
    order = RectificationOrder
    key = subject.group_column(order)
    on_time = sa.and_(order.status.in_(FIX_REPORTED), order.overdue_at.is_(None))
    stmt = (sa.select(key, sa.func.count(), sa.func.count().filter(on_time),
                      sa.func.count().filter(order.status == OrderStatus.ISSUED),
                      sa.func.count().filter(order.status == OrderStatus.SUPERSEDED))
            .where(*subject.filters(order), order.deadline.between(period.start, period.end),
                   order.status != OrderStatus.WITHDRAWN)  # a withdrawn order asked nothing in the end
            .group_by(key))
    return {k: {"value": (Decimal(100) * good / total).quantize(Decimal("0.01")), "count": total,
                "on_time": good, "overdue": late, "repeat": repeat}
            for k, total, good, late, repeat in db.session.execute(stmt) if k is not None}


COMPONENTS: list[Component] = [
    Component("inspections", _l("Inspection score"), Decimal(90), inspection_mean),
    Component("rectification", _l("Rectification on time"), Decimal(10), rectification_on_time),
    # weight 0 until the office sets one, so rankings published before these joined stay as they were
    Component("pest_rounds", _l("Pest-control round coverage"), Decimal(0), round_coverage_component),
    Component("pest_density", _l("Pest density level"), Decimal(0), density_component),
    Component("toilet_progress", _l("Toilet renovation progress"), Decimal(0), toilet_progress_component),
    Component("creation_progress", _l("Hygiene creation progress"), Decimal(0), creation_progress_component),
    Component("education_cadence", _l("Health-education cadence"), Decimal(0), education_cadence_component),
]
COMPONENT_KEYS = tuple(c.key for c in COMPONENTS)
