"""Demo rankings: the finished months of the demo township, published by its office."""
from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.clock import local_zone
from hygiene.core.periods import period_containing
from hygiene.errors import DomainError
from hygiene.extensions import db
from hygiene.rankings.components import Subject
from hygiene.rankings.schemas import settings_input
from hygiene.rankings.services import ranking_publish, settings_save
from hygiene.rectifications.workdays import add_working_days

# the office counts pest control (round coverage, density levels) and toilet renovation in the village ranking
DEMO_WEIGHTS = {"weight_inspections": "60", "weight_rectification": "10", "weight_pest_rounds": "10",
                "weight_pest_density": "10", "weight_toilet_progress": "10", "weight_creation_progress": "0",
                "weight_education_cadence": "0"}


def demo_rankings(*, township_id: int, today: date) -> int:
    """Set the office's weights (pest control counts), then publish the village ranking of the
    last three finished months, each on the fifth working day of the next month (last month's
    only once that day has come).

    Restaurants are spot-checked about once a month, under the minimum of two inspections a
    period, so the demo publishes no unit ranking: it would list every unit as unranked."""
    admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
    settings_save(scope=Scope.of(admin), actor_id=admin.id, township_id=township_id, data=settings_input(
        {**DEMO_WEIGHTS, "min_inspections": "2", "list_size": "3"}))
    last = period_containing("month", today).previous()
    published = 0
    for period in (last.previous().previous(), last.previous(), last):
        day = add_working_days(period.end, 5)
        if day >= today:
            continue  # the office publishes a month's ranking in the first week of the next
        when = datetime.combine(day, time(10, 12 + 7 * published), local_zone())
        try:
            ranking_publish(scope=Scope.of(admin), actor_id=admin.id, subject=Subject(township_id, "villages"),
                            period=period, today=day, now=when)
            published += 1
        except DomainError:
            continue  # a month without published inspections has nothing to publish
    return published
