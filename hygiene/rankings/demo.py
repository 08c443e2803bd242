"""Demo rankings: the finished months of the demo township, published by its office."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from hygiene.accounts.models import User
from hygiene.accounts.scope import Scope
from hygiene.clock import local_zone
from hygiene.errors import DomainError
from hygiene.extensions import db
from hygiene.rankings.components import Subject
from hygiene.rankings.periods import period_containing
from hygiene.rankings.services import ranking_publish


def demo_rankings(*, township_id: int, today: date) -> int:
    """Publish the village ranking of the last two finished months.

    Restaurants are spot-checked about once a month, under the minimum of two inspections a
    period, so the demo publishes no unit ranking: it would list every unit as unranked."""
    admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
    last = period_containing("month", today).previous()
    published = 0
    for period, subject in [(last.previous(), Subject(township_id, "villages")),
                            (last, Subject(township_id, "villages"))]:
        when = datetime.combine(period.end + timedelta(days=5), time(10), local_zone())
        try:
            ranking_publish(scope=Scope.of(admin), actor_id=admin.id, subject=subject, period=period,
                            today=min(today, when.date()), now=when)
            published += 1
        except DomainError:
            continue  # a month without published inspections has nothing to publish
    return published
