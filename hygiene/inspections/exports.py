"""The inspections' Excel export: one row per inspection and one per answer, through the reader's scope.

The loaders read in a fixed number of queries, whatever the row count, and stream their rows in
batches into the one writer (hygiene/core/excel.py); a year of a county's answers leaves the
request and runs in the background (hygiene/exports). Declared as the export kind "inspections".
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.checklists.models import TemplateItem, TemplateSection, TemplateVersion
from hygiene.core.excel import Sheet, yes_no
from hygiene.errors import DomainError
from hygiene.exports.registry import ExportKind, refuse_unreadable, register_export
from hygiene.extensions import db
from hygiene.inspections.filters import list_filters
from hygiene.inspections.models import Answer, Inspection, inspection_inspector
from hygiene.inspections.queries import inspection_list_stmt
from hygiene.inspections.status import OVERDUE_LABEL, InspectionStatus
from hygiene.media.models import Photo
from hygiene.places.models import Village

MAX_DAYS = 366
BATCH = 1000

RESULTS = {"pass": _l("Pass"), "fail": _l("Fail"), "na": _l("Not applicable")}


def export_range(start: str | None, end: str | None, *, today: date) -> tuple[date, date]:
    """The dates asked for (default: this month so far); refused when unreadable or too long."""
    try:
        last = date.fromisoformat(end) if end else today
        first = date.fromisoformat(start) if start else last.replace(day=1)
    except ValueError:
        raise DomainError(_("Enter the dates as YYYY-MM-DD, for example 2026-10-01.")) from None
    if first > last:
        raise DomainError(_("The start date must not be after the end date."))
    if last - first >= timedelta(days=MAX_DAYS):
        raise DomainError(_("Export at most %(days)d days at a time.", days=MAX_DAYS))
    return first, last


INSPECTION_HEADERS = [_l("Inspection no."), _l("Date"), _l("Target"), _l("Village"), _l("Checklist"),
                      _l("Version"), _l("Inspectors"), _l("Status"), _l("Score"), _l("Grade"), _l("Passed"),
                      _l("Failed by a veto item")]
ANSWER_HEADERS = [_l("Inspection no."), _l("Date"), _l("Target"), _l("Section"), _l("Item"), _l("Points"),
                  _l("Result"), _l("Findings"), _l("Points given"), _l("Points earned"), _l("Note"),
                  _l("Photo count")]


def inspection_sheets(inspections: Iterable[Sequence], answers: Iterable[Sequence]) -> list[Sheet]:
    """检查 (one row per inspection) and 检查项目 (one row per answer), rows in header order."""
    return [Sheet(_l("Inspections"), INSPECTION_HEADERS, inspections, [10, 12, 30, 14, 24, 8, 18, 10, 10, 10, 10, 10]),
            Sheet(_l("Inspection items"), ANSWER_HEADERS, answers, [10, 12, 30, 14, 40, 8, 10, 8, 10, 10, 30, 10])]


def inspection_line(row, inspectors: str, *, today: date, show_scores: bool,
                    words: Mapping | None = None) -> list:
    """One inspection as its sheet row; scores left out where the reader may not see them yet.
    `words`: the labels worded once for the whole export (line_words)."""
    words = words or line_words()
    overdue = row.status in Inspection.OPEN and row.due_date < today
    status = words["overdue"] if overdue else words["status"].get(row.status, row.status)
    yes_no = words["yes_no"]
    scores = [row.score, row.grade, yes_no[row.passed], yes_no[row.vetoed]] if show_scores else [None] * 4
    return [row.id, row.planned_date, row.target_label, row.village, row.checklist, row.version, inspectors,
            status, *scores]


def line_words() -> dict:
    """The labels of the rows in the reader's language, worded once: a lazy label looks up the
    language on every str(), which cost seconds over a county's rows."""
    return {"overdue": str(OVERDUE_LABEL), "status": {key: str(label) for key, label in InspectionStatus.labels().items()},
            "yes_no": {flag: yes_no(flag) for flag in (True, False, None)},
            "results": {key: str(label) for key, label in RESULTS.items()}}


def answer_line(row, results: Mapping[str, str]) -> list:
    """One answer as its sheet row; `results`: RESULTS worded once (line_words)."""
    return [row.id, row.planned_date, row.target_label, row.section, row.item, row.points,
            results.get(row.result, row.result or ""), row.findings, row.grade, row.earned, row.note,
            row.photos]


def inspection_rows(*, scope: Scope, today: date, **filters) -> tuple[Iterator[list], Iterator[list]]:
    """The chosen inspections and their answers as sheet rows, streamed in batches (four queries)."""
    chosen = inspection_list_stmt(scope=scope, today=today, **filters).with_only_columns(Inspection.id).order_by(None)
    order = (Inspection.planned_date, Inspection.target_label, Inspection.id)
    stmt = (sa.select(Inspection.id, Inspection.planned_date, Inspection.due_date, Inspection.target_label,
                      Village.name.label("village"), TemplateVersion.name.label("checklist"),
                      TemplateVersion.number.label("version"), Inspection.status, Inspection.score,
                      Inspection.grade, Inspection.passed, Inspection.vetoed)
            .join(Village, Village.id == Inspection.village_id)
            .join(TemplateVersion, TemplateVersion.id == Inspection.version_id)
            .where(Inspection.id.in_(chosen)).order_by(*order))

    words = line_words()

    def inspections() -> Iterator[list]:
        names = _inspector_names(chosen)
        for row in _stream(stmt):
            show = scope.township_wide or row.status == InspectionStatus.PUBLISHED
            yield inspection_line(row, names.get(row.id, ""), today=today, show_scores=show, words=words)

    answers = _answers_stmt(chosen, published_only=not scope.township_wide).order_by(
        *order, TemplateSection.position, TemplateItem.position)
    return inspections(), (answer_line(row, words["results"]) for row in _stream(answers))


def _stream(stmt: sa.Select):
    return db.session.execute(stmt.execution_options(yield_per=BATCH))


def _inspector_names(chosen: sa.Select) -> dict[int, str]:
    link = inspection_inspector.c
    stmt = (sa.select(link.inspection_id, User.display_name).join(User, User.id == link.user_id)
            .where(link.inspection_id.in_(chosen)).order_by(link.inspection_id, User.id))
    names: dict[int, list[str]] = defaultdict(list)
    for inspection_id, name in db.session.execute(stmt):
        names[inspection_id].append(name)
    return {key: "、".join(value) for key, value in names.items()}


def _answers_stmt(chosen: sa.Select, *, published_only: bool) -> sa.Select:
    photos = (sa.select(Photo.inspection_id, Photo.item_id, sa.func.count().label("n"))
              .where(Photo.inspection_id.in_(chosen), Photo.order_id.is_(None))
              .group_by(Photo.inspection_id, Photo.item_id).subquery())
    stmt = (sa.select(Inspection.id, Inspection.planned_date, Inspection.target_label,
                      TemplateSection.title.label("section"), TemplateItem.text.label("item"),
                      TemplateItem.points, Answer.result, Answer.findings, Answer.grade, Answer.earned,
                      Answer.note, sa.func.coalesce(photos.c.n, 0).label("photos"))
            .select_from(Answer).join(Inspection, Inspection.id == Answer.inspection_id)
            .join(TemplateItem, TemplateItem.id == Answer.item_id)
            .join(TemplateSection, TemplateSection.id == TemplateItem.section_id)
            .outerjoin(photos, sa.and_(photos.c.inspection_id == Answer.inspection_id,
                                       photos.c.item_id == Answer.item_id))
            .where(Inspection.id.in_(chosen)))
    return stmt.where(Inspection.status == InspectionStatus.PUBLISHED) if published_only else stmt




# --- the export kind -----------------------------------------------------------------------

def read_params(args: Mapping[str, str], today: date) -> dict:
    """The list page's filters as the export's parameters; a bad date range is refused."""
    start, end = export_range(args.get("start"), args.get("end"), today=today)
    filters, unread = list_filters(args)
    refuse_unreadable(unread)
    return {"start": start.isoformat(), "end": end.isoformat(), "status": filters["status"],
            "village_id": filters["village_id"], "today": today.isoformat()}


def _filters(params: dict) -> dict:
    return {"today": date.fromisoformat(params["today"]), "start": date.fromisoformat(params["start"]),
            "end": date.fromisoformat(params["end"]), "status": params["status"], "village_id": params["village_id"]}


def export_size(scope: Scope, params: dict) -> int:
    """Inspections plus answers the workbook will hold (answers counted for every inspection)."""
    chosen = inspection_list_stmt(scope=scope, **_filters(params)).with_only_columns(Inspection.id).order_by(None)
    inspections = db.session.scalar(sa.select(sa.func.count()).select_from(chosen.subquery())) or 0
    answers = db.session.scalar(sa.select(sa.func.count()).select_from(Answer)
                                .where(Answer.inspection_id.in_(chosen))) or 0
    return inspections + answers


def export_sheets(scope: Scope, params: dict) -> list[Sheet]:
    return inspection_sheets(*inspection_rows(scope=scope, **_filters(params)))


def file_names(params: dict) -> tuple[str, str]:
    start, end = params["start"], params["end"]
    return f"inspections-{start}-{end}", _("Inspections %(start)s to %(end)s", start=start, end=end)


INSPECTIONS = register_export(ExportKind("inspections", _l("Inspections"), read_params, export_size,
                                         export_sheets, file_names))
