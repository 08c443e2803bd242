"""Health education's part of the office's briefing: per kind of activity, the villages and units
that fell short of the township's target in a cadence window that ended in the period (a month's
board and lecture, the year's four columns), as the ranking judges them. An activity counts only
if it was entered by the period's end, so a sent briefing is not contradicted by a late entry."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.access.scope import Scope
from hygiene.core.briefing_sections import Section, SectionData, register
from hygiene.core.periods import Period
from hygiene.education.cadence import Window, judged_between
from hygiene.education.kinds import ActivityKind, SubjectKind
from hygiene.education.models import EducationActivity
from hygiene.education.queries import settings_of
from hygiene.education.ranking import _day_after, _months
from hygiene.extensions import db
from hygiene.places.models import Unit, Village


def education_section(scope: Scope, period: Period) -> SectionData:
    """One row per subject kind and activity kind with a window ending in the period: how many
    active villages (units) it asked, and how many fell short. Three queries: the targets, the
    active villages and units, the activities counted per owner, kind and month."""
    assert scope.township_id is not None  # a briefing is of one township
    settings = settings_of({scope.township_id})[scope.township_id]
    due: dict[tuple[str, str], list[tuple[Window, int]]] = {}
    for subject in SubjectKind:
        for kind in ActivityKind:
            target = settings.target(subject.value, kind.value)
            if target.active and (windows := judged_between(period.start, period.end, target, settings.count_from)):
                due[(subject.value, kind.value)] = windows
    if not due:
        return SectionData(empty=True)
    subjects = _subjects(scope)
    if not any(subjects[subject] for subject, _kind in due):
        return SectionData(empty=True)
    counts = _counts(scope, min(w.start for ws in due.values() for w, _n in ws), period)
    if not counts:  # nothing logged in the windows: the township does not keep the log (yet)
        return SectionData(empty=True)
    rows: list[list[object]] = []
    short_subjects: dict[str, set[int]] = {SubjectKind.VILLAGE.value: set(), SubjectKind.UNIT.value: set()}
    for (subject_key, kind_key), windows in due.items():
        if not subjects[subject_key]:
            continue
        target = settings.target(subject_key, kind_key)
        short = {who for who in subjects[subject_key] for w, wanted in windows
                 if sum(counts.get((subject_key, who, kind_key, m), 0) for m in _months(w.start, w.end)) < wanted}
        short_subjects[subject_key] |= short
        rows.append([SubjectKind.label_of(subject_key), ActivityKind.label_of(kind_key),
                     _("at least %(n)s every %(months)s months", n=target.at_least, months=target.every_months),
                     len(subjects[subject_key]), len(short)])
    asked = {subject for subject, _kind in due if subjects[subject]}
    sentences = []
    if SubjectKind.VILLAGE.value in asked:
        sentences.append(_("%(short)s of %(all)s villages fell short of a health-education target that came due in "
                           "the period.", short=len(short_subjects[SubjectKind.VILLAGE.value]),
                           all=len(subjects[SubjectKind.VILLAGE.value])))
    if SubjectKind.UNIT.value in asked:
        sentences.append(_("%(short)s of %(all)s units fell short of a health-education target that came due in "
                           "the period.", short=len(short_subjects[SubjectKind.UNIT.value]),
                           all=len(subjects[SubjectKind.UNIT.value])))
    return SectionData(sentences=sentences, rows=rows,
                       headers=[_("Villages or units"), _("Activity"), _("Cadence target"), _("Asked"), _("Fell short")])


def _subjects(scope: Scope) -> dict[str, set[int]]:
    """The township's active villages and active units (of active villages), in one query."""
    villages = sa.select(sa.literal(SubjectKind.VILLAGE.value).label("subject"), Village.id.label("id")).where(
        scope.clause(Village), Village.active.is_(True))
    units = (sa.select(sa.literal(SubjectKind.UNIT.value), Unit.id).join(Village, Village.id == Unit.village_id)
             .where(scope.clause(Unit), Unit.active.is_(True), Village.active.is_(True)))
    found: dict[str, set[int]] = {SubjectKind.VILLAGE.value: set(), SubjectKind.UNIT.value: set()}
    for subject, who in db.session.execute(sa.union_all(villages, units)):
        found[subject].add(who)
    return found


def _counts(scope: Scope, first: date, period: Period) -> dict[tuple, int]:
    """Activities per (subject kind, owner, kind, (year, month)) from `first` to the period's end,
    entered by its end."""
    a = EducationActivity
    subject = sa.case((a.unit_id.is_(None), SubjectKind.VILLAGE.value), else_=SubjectKind.UNIT.value)
    owner = sa.func.coalesce(a.unit_id, a.village_id)
    year, month = sa.cast(sa.extract("year", a.held_on), sa.Integer), sa.cast(sa.extract("month", a.held_on), sa.Integer)
    stmt = (sa.select(subject, owner, a.kind, year, month, sa.func.count())
            .where(scope.clause(a), a.held_on.between(first, period.end), a.created_at < _day_after(period.end))
            .group_by(subject, owner, a.kind, year, month))
    found: dict[tuple, int] = defaultdict(int)
    for subject_kind, who, kind, y, m, n in db.session.execute(stmt):
        found[(subject_kind, who, kind, (y, m))] += int(n)
    return found


register(Section("education", _l("Health education"), 90, education_section))
