"""What health education gives the year's target letters (hygiene/letters/kinds.py registers it):
each village's share of the year's cadence windows in which it held the activities its township's
targets ask for, as the ranking's "education cadence" measures a year (activities entered by the
year's end).

Education does not import letters: a measure takes a township (None: the county) and a year and
answers {village id: {"value": Decimal, "met", "due"}} (or per unit, by the township's unit
targets); an active village of a township with targets and no activity scores 0; a township with
no target leaves its villages out."""
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
from hygiene.places.models import Unit, Village


def education_cadence_by_village(township_id: int | None, year: int) -> dict[int, dict[str, Any]]:
    """100 × windows met ÷ windows of the year, per active village. Three queries: the villages,
    their townships' targets, the villages' own activities counted per kind and month."""
    return _cadence(township_id, year, SubjectKind.VILLAGE)


def education_cadence_by_unit(township_id: int | None, year: int) -> dict[int, dict[str, Any]]:
    """100 × windows met ÷ windows of the year, per active unit, by its township's unit targets."""
    return _cadence(township_id, year, SubjectKind.UNIT)


def _cadence(township_id: int | None, year: int, subject: SubjectKind) -> dict[int, dict[str, Any]]:
    candidates = _candidates(township_id, subject)
    if not candidates:
        return {}
    plans = {tid: _plan(settings, subject, year) for tid, settings in settings_of(set(candidates.values())).items()}
    counts = _counts(township_id, year, subject)
    found = {}
    for owner, tid in candidates.items():
        plan = plans[tid]
        if not plan:
            continue
        have = counts.get(owner)
        met = sum(sum(have.get((kind, m), 0) for m in months) >= least for kind, months, least in plan) if have else 0
        found[owner] = {"value": (Decimal(100) * met / len(plan)).quantize(CENT), "met": met, "due": len(plan)}
    return found


def _candidates(township_id: int | None, subject: SubjectKind) -> dict[int, int]:
    """The active villages (or units) of the scope: {id: township id}."""
    if subject == SubjectKind.UNIT:
        stmt = (sa.select(Unit.id, Village.township_id).join(Village, Village.id == Unit.village_id)
                .where(Unit.active.is_(True)))
    else:
        stmt = sa.select(Village.id, Village.township_id).where(Village.active.is_(True))
    if township_id is not None:
        stmt = stmt.where(Village.township_id == township_id)
    return {owner: tid for owner, tid in db.session.execute(stmt)}


def _plan(settings: Any, subject: SubjectKind, year: int) -> list[tuple[str, range, int]]:
    """Each window of the year an active target of the subject kind judges: (activity kind, its
    months, at least)."""
    return [(kind.value, judged[0].months, judged[1]) for kind in ActivityKind
            if (target := settings.target(subject.value, kind.value)).active
            for window in windows(year, target.every_months)
            if (judged := counted_window(target, window, settings.count_from)) is not None]


def _counts(township_id: int | None, year: int, subject: SubjectKind) -> dict[int, dict[tuple[str, int], int]]:
    """Activities per owner, kind and month of the year, entered by the year's end."""
    a = EducationActivity
    owner = a.unit_id if subject == SubjectKind.UNIT else a.village_id
    month = sa.cast(sa.extract("month", a.held_on), sa.Integer)
    stmt = (sa.select(owner, a.kind, month, sa.func.count())
            .where(a.unit_id.is_not(None) if subject == SubjectKind.UNIT else a.unit_id.is_(None),
                   a.held_on.between(date(year, 1, 1), date(year, 12, 31)),
                   a.created_at < _day_after(date(year, 12, 31)))
            .group_by(owner, a.kind, month))
    if township_id is not None:
        stmt = stmt.where(a.township_id == township_id)
    counts: dict[int, dict[tuple[str, int], int]] = defaultdict(lambda: defaultdict(int))
    for who, kind, m, n in db.session.execute(stmt):
        if who is not None:
            counts[who][(kind, int(m))] += int(n)
    return counts
