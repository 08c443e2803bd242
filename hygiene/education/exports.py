"""The health-education workbook: the year's activity log, and the cadence flags of every
village and unit (missed months named), declared as the export kind "education_log"."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.access.scope import Scope
from hygiene.core.excel import Sheet
from hygiene.core.input import optional_int
from hygiene.education.cadence import Assessment
from hygiene.education.kinds import ActivityKind, SubjectKind
from hygiene.education.models import EducationActivity
from hygiene.education.queries import FIRST_YEAR, LAST_YEAR, LogFilters, cadence, log_where
from hygiene.exports.registry import ExportKind, refuse_unreadable, register_export
from hygiene.extensions import db
from hygiene.media.models import Photo
from hygiene.places.models import Unit, Village

BATCH = 1000
LOG_HEADERS = [_l("No."), _l("Held on"), _l("Village / community"), _l("Unit"), _l("Activity"), _l("Topic"),
               _l("Attendance (people)"), _l("Photos"), _l("Note")]


def read_params(args: Mapping[str, str], today: date) -> dict:
    """The year (this year when not given) and, optionally, one village."""
    year, village = args.get("year") or "", args.get("village_id") or ""
    year_number, village_id = optional_int(year), optional_int(village)
    unread = [name for name, text, value in (("year", year, year_number), ("village_id", village, village_id))
              if text and value is None]
    if year_number is not None and not FIRST_YEAR <= year_number <= LAST_YEAR:
        unread.append("year")
    refuse_unreadable(unread)
    return {"year": year_number or today.year, "village_id": village_id, "today": today.isoformat()}


def _filters(params: dict) -> LogFilters:
    return LogFilters(year=params["year"], village_id=params.get("village_id"))


def log_rows(scope: Scope, params: dict) -> Iterator[list]:
    a = EducationActivity
    photos = (sa.select(sa.func.count(Photo.id)).where(Photo.education_activity_id == a.id)
              .correlate(a).scalar_subquery())
    stmt = (sa.select(a, Village.name, Unit.name, photos).join(Village, Village.id == a.village_id)
            .outerjoin(Unit, Unit.id == a.unit_id).where(*log_where(scope=scope, filters=_filters(params)))
            .order_by(a.held_on, a.id))
    for n, (activity, village, unit, count) in enumerate(
            db.session.execute(stmt.execution_options(yield_per=BATCH)), start=1):
        yield [n, activity.held_on, village, unit or "", activity.kind_label, activity.topic, activity.attendance,
               count, activity.note]


def _state_text(a: Assessment) -> str:
    if not a.target.active:
        return ""
    text = f"{a.done_year} · {a.state.label}"
    if a.missed:
        text += " · " + _("missed %(periods)s", periods=", ".join(_period(w.start, w.end) for w in a.missed))
    return text


def _period(start: date, end: date) -> str:
    return f"{start.year}-{start.month:02d}" if start.month == end.month else f"{start:%Y-%m}~{end:%Y-%m}"


def flag_rows(scope: Scope, params: dict) -> Iterator[list]:
    today = min(date.fromisoformat(params["today"]), date(params["year"], 12, 31))
    for subject_kind in SubjectKind:
        for row in cadence(scope=scope, subject_kind=subject_kind, year=params["year"], today=today,
                           village_id=params.get("village_id")):
            yield [row.village_name, row.name if row.unit_id else "", row.state.label,
                   *(_state_text(row.assessments[k.value]) for k in ActivityKind)]


def export_size(scope: Scope, params: dict) -> int:
    return db.session.scalar(sa.select(sa.func.count(EducationActivity.id))
                             .where(*log_where(scope=scope, filters=_filters(params)))) or 0


def sheets(scope: Scope, params: dict) -> list[Sheet]:
    flag_headers = [_l("Village / community"), _l("Unit"), _l("Standing"), *(k.label_text for k in ActivityKind)]
    return [Sheet(_l("Activity log"), LOG_HEADERS, log_rows(scope, params), [6, 12, 14, 18, 18, 30, 10, 8, 30],
                  caption=_("Health-education activities of %(year)d", year=params["year"]), freeze_headers=True),
            Sheet(_l("Cadence"), flag_headers, flag_rows(scope, params), [14, 18, 12, 30, 30, 30, 30],
                  caption=_("Health-education cadence of %(year)d: activities this year, standing, missed periods",
                            year=params["year"]), freeze_headers=True)]


def names(params: dict) -> tuple[str, str]:
    return f"health-education-{params['year']}", _("Health education %(year)s", year=params["year"])


EDUCATION_LOG = register_export(ExportKind("education_log", _l("Health-education log"), read_params, export_size,
                                           sheets, names, allowed=lambda scope: scope.sees_education))
