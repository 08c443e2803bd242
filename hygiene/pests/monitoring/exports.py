"""The monitoring records' Excel export: one row per record of the list page's filters, with
its raw counts, its method's index and the control level computed from them.

Declared as the export kind "monitoring"; rows are streamed in batches into the one writer."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import asdict
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.access.scope import Scope
from hygiene.core.excel import Sheet
from hygiene.exports.registry import ExportKind, register_export
from hygiene.extensions import db
from hygiene.pests import surveys
from hygiene.pests.indices import shown
from hygiene.pests.monitoring.models import MonitoringRecord
from hygiene.pests.monitoring.queries import MonitoringFilters, read_filters, record_list_stmt
from hygiene.pests.refusals import Refused
from hygiene.pests.words import PEST_LABELS, in_reader_language, level_label
from hygiene.places.models import Village

BATCH = 1000
HEADERS = [_l("Survey date"), _l("Village / community"), _l("Pest"), _l("Monitoring method"), _l("Counts"),
           _l("Index"), _l("Value"), _l("Control level"), _l("Standard"), _l("Note")]


def monitoring_line(record: MonitoringRecord, village_names: Mapping[int, str]) -> list:
    method = surveys.method_of(record.pest, record.method)
    try:
        index = shown(surveys.method_index(method, record.counts)) if method else ""
    except Refused:
        index = ""
    grading = surveys.grade_survey(record.pest, record.surveyed_on, record.counts)
    counts = "；".join(f"{in_reader_language(surveys.COUNT_LABELS.get(name, {'zh': name}))}: {value}"
                      for name, value in record.counts.items())
    return [record.surveyed_on, village_names.get(record.village_id, ""), str(PEST_LABELS[record.pest]),
            in_reader_language(method.name) if method else record.method, counts,
            in_reader_language(method.index_name) if method else "", index,
            level_label(grading.level.level) if grading.level else "", grading.edition.label if grading.edition else "",
            record.note]


def monitoring_rows(*, scope: Scope, filters: MonitoringFilters) -> Iterator[list]:
    names: dict[int, str] = {row.id: row.name for row in db.session.execute(
        sa.select(Village.id, Village.name).where(scope.clause(Village)))}
    stmt = record_list_stmt(scope=scope, filters=filters)
    return (monitoring_line(record, names) for record in db.session.scalars(stmt.execution_options(yield_per=BATCH)))


def _filters(params: Mapping) -> MonitoringFilters:
    return MonitoringFilters(pest=params["pest"], village_id=params["village_id"],
                             since=date.fromisoformat(params["since"]) if params["since"] else None,
                             until=date.fromisoformat(params["until"]) if params["until"] else None)


def read_params(args: Mapping[str, str], today: date) -> dict:
    filters = asdict(read_filters(args))
    return {**filters, "since": _iso(filters["since"]), "until": _iso(filters["until"]), "today": today.isoformat()}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def export_size(scope: Scope, params: dict) -> int:
    chosen = record_list_stmt(scope=scope, filters=_filters(params)).order_by(None)
    return db.session.scalar(sa.select(sa.func.count()).select_from(chosen.subquery())) or 0


def export_sheets(scope: Scope, params: dict) -> list[Sheet]:
    return [Sheet(_l("Density monitoring"), HEADERS, monitoring_rows(scope=scope, filters=_filters(params)),
                  [12, 14, 10, 18, 60, 18, 10, 10, 18, 30])]


def file_names(params: dict) -> tuple[str, str]:
    day = params["today"]
    return f"monitoring-{day}", _("Density monitoring %(date)s", date=day)


MONITORING = register_export(ExportKind("monitoring", _l("Density monitoring"), read_params, export_size,
                                        export_sheets, file_names))
