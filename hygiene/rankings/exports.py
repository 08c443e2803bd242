"""Excel workbooks of rankings, inspections with their items, and rectification orders.

The sheet builders take plain rows and `workbook` turns them into .xlsx bytes in openpyxl's
write-only mode, so a township's year of answers streams through without piling up cells. The
loaders read through the reader's scope in a fixed number of queries, whatever the row count.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import selectinload

from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.checklists.models import TemplateItem, TemplateSection, TemplateVersion
from hygiene.clock import to_local
from hygiene.errors import DomainError
from hygiene.extensions import db
from hygiene.inspections.models import Answer, Inspection, inspection_inspector
from hygiene.inspections.queries import inspection_list_stmt
from hygiene.inspections.status import OVERDUE_LABEL as OVERDUE_INSPECTION
from hygiene.inspections.status import InspectionStatus
from hygiene.media.models import Photo
from hygiene.places.models import Village
from hygiene.rankings.components import COMPONENTS
from hygiene.rankings.forms import subject_label
from hygiene.rankings.models import RankingPublication
from hygiene.rankings.queries import live_rows, publication_context, township_name
from hygiene.rectifications.models import RectificationOrder
from hygiene.rectifications.queries import order_list_stmt
from hygiene.rectifications.status import OVERDUE_LABEL as OVERDUE_ORDER

MAX_DAYS = 366
BATCH = 1000
TWO_DECIMALS, DAY, MINUTE = "0.00", "yyyy-mm-dd", "yyyy-mm-dd hh:mm"

RESULTS = {"pass": _l("Pass"), "fail": _l("Fail"), "na": _l("Not applicable")}
REASONS = {"too_few_inspections": _l("Too few inspections"), "no_score": _l("No score")}


@dataclass(frozen=True)
class Sheet:
    title: object
    headers: Sequence[object]
    rows: Iterable[Sequence]
    widths: Sequence[int] = ()
    caption: object = ""            # a line above the headers


def workbook(sheets: Iterable[Sheet]) -> bytes:
    """Write the sheets in order and return the .xlsx file."""
    book = Workbook(write_only=True)
    for spec in sheets:
        sheet = book.create_sheet(str(spec.title)[:31])
        for i, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        if spec.caption:
            sheet.append([_bold(sheet, spec.caption)])
        sheet.append([_bold(sheet, header) for header in spec.headers])
        for row in spec.rows:
            sheet.append([_cell(sheet, value) for value in row])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _bold(sheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=str(value))
    cell.font = Font(bold=True)
    return cell


def _cell(sheet, value):
    """Numbers stay numbers (two decimals), times are shown in Shanghai, text stays text."""
    if isinstance(value, Decimal):
        return _formatted(sheet, value, TWO_DECIMALS)
    if isinstance(value, datetime):
        return _formatted(sheet, to_local(value).replace(tzinfo=None), MINUTE)
    if isinstance(value, date):
        return _formatted(sheet, value, DAY)
    if value is None or isinstance(value, int | float):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if not text.startswith("="):
        return text
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"            # typed text such as "=1+1" must not become a formula
    return cell


def _formatted(sheet, value, number_format: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def _number(value) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def _yes(flag: bool | None) -> str | None:
    return None if flag is None else (_("Yes") if flag else _("No"))


# --- rankings -------------------------------------------------------------------------------

def ranking_sheets(*, rows: list[dict], components: Sequence[tuple[str, object]], red_list: list[dict],
                   black_list: list[dict], overdue_orders: list[dict] | None, about: Sequence[tuple[object, object]],
                   caption: object = "") -> list[Sheet]:
    """The ranking (snapshot-shaped rows), the red and black lists, the overdue orders (when
    known), and the 说明 of how it was made."""
    keys = [key for key, _label in components]
    ranking = [[r["rank"], r["name"], _number(r["score"]),
                *(_number(r["components"].get(k)) for k in keys), r["inspections"], r["overdue"],
                str(REASONS.get(r["reason"], r["reason"])) if r["reason"] else ""] for r in rows]
    lists = [[str(label), r["rank"], r["name"], _number(r["score"])]
             for label, entries in ((_l("Red list"), red_list), (_l("Black list"), black_list)) for r in entries]
    sheets = [
        Sheet(_l("Ranking"), [_l("Rank"), _l("Name"), _l("Total score"), *(label for _k, label in components),
                              _l("Inspections counted"), _l("Overdue orders"), _l("Not ranked because")],
              ranking, [8, 28, 12, *(14 for _k in keys), 12, 12, 18], caption),
        Sheet(_l("Red and black lists"), [_l("List"), _l("Rank"), _l("Name"), _l("Total score")], lists,
              [10, 8, 28, 12]),
        Sheet(_l("About"), [_l("Topic"), _l("Details")], about, [30, 40])]
    if overdue_orders is not None:
        overdue = [[o["number"], o["target"], date.fromisoformat(o["deadline"])] for o in overdue_orders]
        sheets.insert(2, Sheet(_l("Overdue orders"), [_l("Number"), _l("Target"), _l("Deadline")], overdue,
                               [18, 32, 14]))
    return sheets


def component_labels(keys: Iterable[str]) -> list[tuple[str, object]]:
    """(key, label) of the components in registry order; keys no longer registered come last."""
    known = {c.key: c.label for c in COMPONENTS}
    wanted = list(keys)
    return ([(c.key, c.label) for c in COMPONENTS if c.key in wanted]
            + [(key, key) for key in wanted if key not in known])


def about_rows(*, township: str, period: str, subject: str, weights: dict, min_inspections: int,
               published_at: datetime | None = None, published_by: str = "", corrects: str = "",
               note: str = "") -> list[tuple[object, object]]:
    """The 说明 sheet: whose ranking, of what, how it was weighed, and when and by whom published."""
    rows = [(_l("Township"), township), (_l("Period"), period), (_l("Ranked"), subject)]
    rows += [(_("Weight: %(component)s", component=str(label)), _number(weights[key]))
             for key, label in component_labels(weights)]
    rows += [(_l("Minimum inspections to be ranked"), min_inspections),
             (_l("Published at"), published_at or _("Not published"))]
    if published_at:
        rows.append((_l("Published by"), published_by))
    if corrects:
        rows += [(_l("Corrects"), corrects), (_l("What it corrects"), note)]
    return rows


def publication_workbook(publication: RankingPublication) -> bytes:
    """The frozen snapshot exactly as published; nothing is computed again."""
    context = publication_context(publication)
    corrected, by = context.corrects, context.published_by
    about = about_rows(
        township=township_name(publication.township_id), period=publication.period_key,
        subject=subject_label(publication.subject), weights=publication.weights,
        min_inspections=publication.min_inspections, published_at=publication.published_at,
        published_by=by.display_name if by else "", note=publication.note,
        corrects=_("Ranking no. %(id)s published %(time)s", id=corrected.id,
                   time=to_local(corrected.published_at).strftime("%Y-%m-%d %H:%M")) if corrected else "")
    return workbook(ranking_sheets(
        rows=publication.rows, components=component_labels(publication.weights), red_list=publication.red_list,
        black_list=publication.black_list, overdue_orders=publication.overdue_orders, about=about))


def live_workbook(*, ranking, township: str, now: datetime) -> bytes:
    """ranking_compute's result as it stands now, with a line saying it is not published."""
    rows = live_rows(ranking)
    red, black = red_and_black(rows, ranking.list_size)
    weights = {key: str(value) for key, value in ranking.weights.items()}
    about = about_rows(township=township, period=ranking.period.key, subject=subject_label(ranking.subject.key),
                       weights=weights, min_inspections=ranking.min_inspections)
    caption = _("Live ranking, not published; computed %(time)s.", time=to_local(now).strftime("%Y-%m-%d %H:%M"))
    return workbook(ranking_sheets(rows=rows, components=component_labels(weights), red_list=red,
                                   black_list=black, overdue_orders=None, about=about, caption=caption))


def red_and_black(rows: list[dict], size: int) -> tuple[list[dict], list[dict]]:
    """The first and the last `size` ranked rows, as publishing lists them."""
    ranked = [row for row in rows if row["rank"]]
    return ranked[:size], list(reversed(ranked[-size:])) if len(ranked) > size else []


# --- inspections ----------------------------------------------------------------------------

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


def inspection_line(row, inspectors: str, *, today: date, show_scores: bool) -> list:
    """One inspection as its sheet row; scores left out where the reader may not see them yet."""
    overdue = row.status in Inspection.OPEN and row.due_date < today
    status = OVERDUE_INSPECTION if overdue else InspectionStatus.label_of(row.status)
    scores = [row.score, row.grade, _yes(row.passed), _yes(row.vetoed)] if show_scores else [None] * 4
    return [row.id, row.planned_date, row.target_label, row.village, row.checklist, row.version, inspectors,
            str(status), *scores]


def answer_line(row) -> list:
    """One answer as its sheet row."""
    return [row.id, row.planned_date, row.target_label, row.section, row.item, row.points,
            str(RESULTS.get(row.result, row.result or "")), row.findings, row.grade, row.earned, row.note,
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

    def inspections() -> Iterator[list]:
        names = _inspector_names(chosen)
        for row in _stream(stmt):
            show = scope.township_wide or row.status == InspectionStatus.PUBLISHED
            yield inspection_line(row, names.get(row.id, ""), today=today, show_scores=show)

    answers = _answers_stmt(chosen, published_only=not scope.township_wide).order_by(
        *order, TemplateSection.position, TemplateItem.position)
    return inspections(), (answer_line(row) for row in _stream(answers))


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


# --- rectification orders -------------------------------------------------------------------

ORDER_HEADERS = [_l("Number"), _l("Target"), _l("Village"), _l("Issued on"), _l("Deadline"), _l("Status"),
                 _l("Items to put right"), _l("Fix reported at"), _l("Re-inspection"), _l("Overdue"),
                 _l("Follow-up of")]


def order_sheets(orders: Iterable[Sequence]) -> list[Sheet]:
    """One sheet, one row per order, rows in header order."""
    return [Sheet(_l("Rectification orders"), ORDER_HEADERS, orders, [18, 30, 14, 12, 12, 16, 50, 18, 10, 8, 18])]


def order_line(order: RectificationOrder, *, today: date) -> list:
    """One order as its sheet row; "overdue" is yes while it is late and when it was put right late."""
    status = OVERDUE_ORDER if order.is_overdue(today) else order.status_label
    result = None if order.reinspection_passed is None else ("pass" if order.reinspection_passed else "fail")
    return [order.display_number, order.target_label, order.village.name, order.issued_on, order.deadline,
            str(status), "；".join(item.text for item in order.items), order.evidence_at,
            str(RESULTS[result]) if result else "", _yes(order.is_overdue(today) or order.overdue_at is not None),
            order.parent.display_number if order.parent else ""]


def order_rows(*, scope: Scope, today: date, status: str = "", village_id: int | None = None) -> Iterator[list]:
    """The orders of the list page's filters as sheet rows, in number order, streamed in batches."""
    model = RectificationOrder
    stmt = (order_list_stmt(scope=scope, today=today, status=status, village_id=village_id)
            .options(selectinload(model.village), selectinload(model.parent))
            .order_by(None).order_by(model.township_id, model.year, model.number))
    return (order_line(order, today=today) for order in db.session.scalars(stmt.execution_options(yield_per=BATCH)))
