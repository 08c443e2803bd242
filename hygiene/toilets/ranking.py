"""What toilet renovation gives the period rankings (hygiene/rankings/components.py registers it):
a village's household toilets accepted against its quota.

The quota is yearly and a ranking may be of a week, a month, a quarter or a year: a period reads
the task of the year it ends in, and counts the toilets accepted by its last day. So October's
ranking shows how far each village had come by 31 October, and the year's ranking where it
ended; the figure only grows through the year, as progress against a yearly quota does. A
village without a task of that year, or with a quota of 0, is left out (its total is weighed
over the other components. A task counts in a period only if it existed by the period's end
(its created_at before the next day began, in the office's zone): setting a task on 30 November
leaves October as it was, so a published period never changes when a task is added, and a village
is not marked down for a task it did not have yet. Toilets does not import rankings: a subject is anything with
`township_id` and `kind` ("villages" | "units")."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Protocol

import sqlalchemy as sa

from hygiene.clock import local_zone
from hygiene.core.periods import Period
from hygiene.extensions import db
from hygiene.toilets.models import HouseholdToilet, ToiletTask
from hygiene.toilets.status import DONE

CENT = Decimal("0.01")


class Subject(Protocol):
    @property
    def township_id(self) -> int: ...
    @property
    def kind(self) -> str: ...


def toilet_progress_component(subject: Subject, period: Period) -> dict[int, dict[str, Any]]:
    """Per village: 100 × min(accepted by the period's end, quota) ÷ quota, for the task of the
    year the period ends in; facts: accepted, quota, year. Units have no quota: left out."""
    if subject.kind != "villages":
        return {}
    t = HouseholdToilet
    accepted = (sa.select(t.task_id, sa.func.count().label("n"))
                .where(t.township_id == subject.township_id, t.stage.in_(DONE), t.accepted_on <= period.end)
                .group_by(t.task_id).subquery())
    stmt = (sa.select(ToiletTask.village_id, ToiletTask.household_quota, sa.func.coalesce(accepted.c.n, 0))
            .outerjoin(accepted, accepted.c.task_id == ToiletTask.id)
            .where(ToiletTask.township_id == subject.township_id, ToiletTask.year == period.end.year,
                   ToiletTask.household_quota > 0, ToiletTask.created_at < _day_after(period.end)))
    return {village_id: {"value": (Decimal(100) * min(int(done), quota) / quota).quantize(CENT),
                         "accepted": int(done), "quota": quota, "year": period.end.year}
            for village_id, quota, done in db.session.execute(stmt)}


def _day_after(day: date) -> datetime:
    """The moment the day after `day` begins in the office's zone, in UTC (as created_at is kept)."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=local_zone()).astimezone(UTC)


def facts_text(key: str, facts: dict[str, Any]) -> str | None:
    """The explain page's words for the component's facts (also from a snapshot, as text)."""
    from flask_babel import gettext as _

    if key != "toilet_progress":
        return None
    return _("%(accepted)s of the %(quota)s household toilets of the %(year)s task accepted by the end of the period",
             accepted=facts.get("accepted", 0), quota=facts.get("quota", 0), year=facts.get("year", ""))
