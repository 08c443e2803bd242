"""The toilet renovation's Excel exports: the acceptance roster (every accepted household toilet
of a year's tasks) and the subsidy list (accepted or paid, with a blank column where the farmer
signs and presses a fingerprint on the printed list). Declared as the export kinds
"toilet_roster" and "toilet_subsidies"; rows are streamed in batches into the one writer."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.access.scope import Scope
from hygiene.core.excel import Sheet
from hygiene.core.input import optional_int
from hygiene.exports.registry import ExportKind, refuse_unreadable, register_export
from hygiene.extensions import db
from hygiene.inspections.models import Inspection
from hygiene.places.models import Household, Village
from hygiene.toilets.models import HouseholdToilet, ToiletTask
from hygiene.toilets.status import DONE, ToiletStage
from hygiene.toilets.task_schemas import FIRST_YEAR, LAST_YEAR
from hygiene.toilets.type_names import type_name

BATCH = 1000
ROSTER_HEADERS = [_l("No."), _l("Village / community"), _l("Village group"), _l("Head of household"),
                  _l("Address"), _l("Toilet type"), _l("Completed on"), _l("Accepted on"),
                  _l("Acceptance inspection"), _l("Acceptance score"), _l("Status")]
SUBSIDY_HEADERS = [_l("No."), _l("Village / community"), _l("Village group"), _l("Head of household"),
                   _l("Phone"), _l("Toilet type"), _l("Accepted on"), _l("Subsidy (yuan)"), _l("Paid on"),
                   _l("Signature and fingerprint of the household")]


def read_params(args: Mapping[str, str], today: date) -> dict:
    """The year (this year when not given) and, optionally, one village."""
    year, village = args.get("year") or "", args.get("village_id") or ""
    year_number, village_id = optional_int(year), optional_int(village)
    unread = [name for name, text, value in (("year", year, year_number), ("village_id", village, village_id))
              if text and value is None]
    if year_number is not None and not FIRST_YEAR <= year_number <= LAST_YEAR:
        unread.append("year")
    refuse_unreadable(unread)
    return {"year": year_number or today.year, "village_id": village_id}


def _accepted(scope: Scope, params: dict) -> sa.Select:
    t = HouseholdToilet
    stmt = (sa.select(t, Village.name, Household, ToiletTask.subsidy_rates, Inspection.planned_date, Inspection.score)
            .join(ToiletTask, ToiletTask.id == t.task_id).join(Village, Village.id == t.village_id)
            .join(Household, Household.id == t.household_id)
            .outerjoin(Inspection, Inspection.id == t.acceptance_inspection_id)
            .where(scope.clause(t), ToiletTask.year == params["year"], t.stage.in_(DONE))
            .order_by(Village.name, t.village_id, Household.group_name, Household.head_name, t.id))
    if params.get("village_id") is not None:
        stmt = stmt.where(t.village_id == params["village_id"])
    return stmt


def _stage_label(stage: str) -> str:
    return str(ToiletStage(stage).label)


def roster_rows(scope: Scope, params: dict) -> Iterator[list]:
    rows = db.session.execute(_accepted(scope, params).execution_options(yield_per=BATCH))
    for n, (toilet, village, household, _rates, inspected_on, score) in enumerate(rows, start=1):
        yield [n, village, household.group_name, household.head_name, household.address,
               str(type_name(toilet.toilet_type)), toilet.completed_on, toilet.accepted_on, inspected_on,
               score, _stage_label(toilet.stage)]


def subsidy_amount(toilet: HouseholdToilet, rates: Mapping[str, str] | None) -> Decimal | None:
    """What was paid, else what the task's standard gives the toilet's type (None: no standard)."""
    if toilet.subsidy_amount is not None:
        return toilet.subsidy_amount
    rate = (rates or {}).get(toilet.toilet_type or "")
    return Decimal(rate) if rate else None


def subsidy_rows(scope: Scope, params: dict) -> Iterator[list]:
    rows = db.session.execute(_accepted(scope, params).execution_options(yield_per=BATCH))
    for n, (toilet, village, household, rates, _on, _score) in enumerate(rows, start=1):
        yield [n, village, household.group_name, household.head_name, household.phone,
               str(type_name(toilet.toilet_type)), toilet.accepted_on, subsidy_amount(toilet, rates),
               toilet.subsidy_paid_on, ""]


def export_size(scope: Scope, params: dict) -> int:
    chosen = _accepted(scope, params).order_by(None)
    return db.session.scalar(sa.select(sa.func.count()).select_from(chosen.subquery())) or 0


def roster_sheets(scope: Scope, params: dict) -> list[Sheet]:
    return [Sheet(_l("Acceptance roster"), ROSTER_HEADERS, roster_rows(scope, params),
                  [6, 14, 10, 12, 24, 18, 12, 12, 14, 10, 12],
                  caption=_("Household toilets accepted, tasks of %(year)d", year=params["year"]), freeze_headers=True)]


def subsidy_sheets(scope: Scope, params: dict) -> list[Sheet]:
    return [Sheet(_l("Subsidy list"), SUBSIDY_HEADERS, subsidy_rows(scope, params),
                  [6, 14, 10, 12, 14, 18, 12, 12, 12, 28],
                  caption=_("Household toilet renovation subsidies, tasks of %(year)d", year=params["year"]),
                  text_columns=(5,), freeze_headers=True)]


def roster_names(params: dict) -> tuple[str, str]:
    return f"toilet-acceptance-{params['year']}", _("Toilet acceptance roster %(year)s", year=params["year"])


def subsidy_names(params: dict) -> tuple[str, str]:
    return f"toilet-subsidies-{params['year']}", _("Toilet subsidy list %(year)s", year=params["year"])


ROSTER = register_export(ExportKind("toilet_roster", _l("Toilet acceptance roster"), read_params, export_size,
                                    roster_sheets, roster_names, allowed=lambda scope: scope.sees_toilets))
SUBSIDIES = register_export(ExportKind("toilet_subsidies", _l("Toilet subsidy list"), read_params, export_size,
                                       subsidy_sheets, subsidy_names, allowed=lambda scope: scope.sees_toilets))
