"""What health education gives the year's target letters (hygiene/letters/kinds.py registers it):
each village's share of the year's cadence windows in which it held the activities its township's
targets ask for, as the ranking's "education cadence" measures a year (activities entered by the
year's end).

Education does not import letters: a measure takes a township (None: the county) and a year and
answers {village id: {"value": Decimal, "met", "due"}}; an active village of a township with
targets and no activity scores 0; a township with no target leaves its villages out."""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from hygiene.education.cadence import counted_window, windows
from hygiene.education.kinds import ActivityKind, SubjectKind
from hygiene.education.models import EducationActivity
from hygiene.education.queries import settings_of
from hygiene.education.ranking import CENT, _day_after
from hygiene.extensions import db
from hygiene.places.models import Village


def education_cadence_by_village(township_id: int | None, year: int) -> dict[int, dict[str, Any]]:
    """100 × windows met ÷ windows of the year, per active village. Three queries: the villages,
    their townships' targets, the villages' own activities counted per kind and month."""
    villages = db.session.execute(sa.select(Village.id, Village.township_id).where(
        Village.active.is_(True), *([Village.township_id == township_id] if township_id is not None else []))).all()
    if not villages:
        return {}
    settings = settings_of({tid for _vid, tid in villages})
    a = EducationActivity
    month = sa.cast(sa.extract("month", a.held_on), sa.Integer)
    stmt = (sa.select(a.village_id, a.kind, month, sa.func.count())
            .where(a.unit_id.is_(None), a.held_on.between(date(year, 1, 1), date(year, 12, 31)),
                   a.created_at < _day_after(date(year, 12, 31)))
            .group_by(a.village_id, a.kind, month))
    if township_id is not None:
        stmt = stmt.where(a.township_id == township_id)
    counts: dict[tuple[int, str, int], int] = defaultdict(int)
    for village_id, kind, m, n in db.session.execute(stmt):
        counts[(village_id, kind, int(m))] += int(n)
    found = {}
    for village_id, tid in villages:
        met = due = 0
        for kind in ActivityKind:
            target = settings[tid].target(SubjectKind.VILLAGE.value, kind.value)
            if not target.active:
                continue
            for window in windows(year, target.every_months):
                judged = counted_window(target, window, settings[tid].count_from)
                if judged is None:
                    continue
                due += 1
                met += sum(counts[(village_id, kind.value, m)] for m in judged[0].months) >= judged[1]
        if due:
            found[village_id] = {"value": (Decimal(100) * met / due).quantize(CENT), "met": met, "due": due}
    return found
