"""What health education gives the period rankings (hygiene/rankings/components.py registers it):
the share of the cadence periods that ended within the ranking period in which a village (or a
unit) held the activities its township's targets ask for.

A month's ranking judges the monthly targets (the board, the lecture), a quarter's the monthly and
quarterly ones, the year's every target (four columns a year included). A village with no period
ending in the ranking period (no target, or only yearly targets in a month) is left out (its total
is weighed over the other components); one with targets and no activity scores 0. An activity
counts only if it was entered by the period's end (created_at before the next day began, in the
office's zone), so a published period never changes when a late entry arrives. Education does not
import rankings: a subject is anything with `township_id`, `kind` and `category`."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Protocol

import sqlalchemy as sa

from hygiene.clock import local_zone
from hygiene.core.periods import Period
from hygiene.education.cadence import judged_between
from hygiene.education.kinds import ActivityKind, SubjectKind
from hygiene.education.models import EducationActivity
from hygiene.education.queries import settings_of
from hygiene.extensions import db
from hygiene.places.models import Unit, Village

CENT = Decimal("0.01")


class Subject(Protocol):
    @property
    def township_id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def category(self) -> str | None: ...


def education_cadence_component(subject: Subject, period: Period) -> dict[int, dict[str, Any]]:
    """Per village (or unit of the category): 100 × periods met ÷ periods due; facts: met, due."""
    subject_kind = SubjectKind.VILLAGE if subject.kind == "villages" else SubjectKind.UNIT
    settings = settings_of({subject.township_id})[subject.township_id]
    due = {k.value: judged_between(period.start, period.end, t, settings.count_from)
           for k in ActivityKind if (t := settings.target(subject_kind, k.value)).active}
    due = {k: w for k, w in due.items() if w}
    if not due:
        return {}
    counts = _counts(subject, subject_kind, min(w.start for ws in due.values() for w, _n in ws), period.end)
    result = {}
    for candidate in _candidates(subject, subject_kind):
        met = sum(1 for kind, windows in due.items() for w, wanted in windows
                  if sum(counts.get((candidate, kind, m), 0) for m in _months(w.start, w.end)) >= wanted)
        total = sum(len(w) for w in due.values())
        result[candidate] = {"value": (Decimal(100) * met / total).quantize(CENT), "met": met, "due": total}
    return result


def _months(start: date, end: date) -> list[tuple[int, int]]:
    return [(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1)
            for i in range((end.year - start.year) * 12 + end.month - start.month + 1)]


def _counts(subject: Subject, subject_kind: str, first: date, last: date) -> dict[tuple, int]:
    """Activities per candidate, kind and (year, month) from `first` to `last`, entered by `last`'s end."""
    a = EducationActivity
    owner = a.unit_id if subject_kind == SubjectKind.UNIT else a.village_id
    year, month = sa.cast(sa.extract("year", a.held_on), sa.Integer), sa.cast(sa.extract("month", a.held_on), sa.Integer)
    stmt = (sa.select(owner, a.kind, year, month, sa.func.count())
            .where(a.township_id == subject.township_id, a.held_on.between(first, last),
                   a.created_at < _day_after(last),
                   a.unit_id.is_not(None) if subject_kind == SubjectKind.UNIT else a.unit_id.is_(None))
            .group_by(owner, a.kind, year, month))
    return {(who, kind, (y, m)): n for who, kind, y, m, n in db.session.execute(stmt)}


def _candidates(subject: Subject, subject_kind: str) -> list[int]:
    if subject_kind == SubjectKind.UNIT:
        return list(db.session.scalars(sa.select(Unit.id).join(Village, Village.id == Unit.village_id).where(
            Village.township_id == subject.township_id, Unit.category == subject.category, Unit.active.is_(True))))
    return list(db.session.scalars(sa.select(Village.id).where(Village.township_id == subject.township_id,
                                                               Village.active.is_(True))))


def _day_after(day: date) -> datetime:
    """The moment the day after `day` begins in the office's zone, in UTC (as created_at is kept)."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=local_zone()).astimezone(UTC)


def facts_text(key: str, facts: dict[str, Any]) -> str | None:
    """The explain page's words for the component's facts (also from a snapshot, as text)."""
    from flask_babel import gettext as _

    if key != "education_cadence":
        return None
    return _("Health-education targets met in %(met)s of the %(due)s periods that ended in this period",
             met=facts.get("met", 0), due=facts.get("due", 0))
