"""Pest control through the API: control rounds with their targets' coverage and work, and
density monitoring records with the index and control level the pests domain computes."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

import sqlalchemy as sa
from flask_login import current_user
from pydantic import BaseModel, BeforeValidator, Field

from hygiene.api.paging import DatedPageQuery, Page, dated, page_of
from hygiene.api.spec import BodyModel
from hygiene.api.views import api
from hygiene.clock import local_today, now_utc
from hygiene.core.input import MAX_DB_INT
from hygiene.core.once import ClientIdTaken
from hygiene.core.schemas import parse_input
from hygiene.core.web import current_scope, photo_limits, photo_store
from hygiene.errors import Forbidden
from hygiene.extensions import db
from hygiene.pests import surveys
from hygiene.pests.levels import breteau_risk
from hygiene.pests.monitoring import queries as monitoring_queries
from hygiene.pests.monitoring.models import MonitoringRecord
from hygiene.pests.refusals import Refused
from hygiene.pests.rounds import queries as round_queries
from hygiene.pests.rounds import work as round_work
from hygiene.pests.rounds import work_queries
from hygiene.pests.rounds.models import ROUND_PESTS, SEASONS, PestRound, RoundTarget, RoundWork
from hygiene.pests.rounds.status import RoundStatus, WorkKind
from hygiene.pests.rounds.work_schemas import MAX_COUNT, WorkInput
from hygiene.pests.standards import PESTS

TAG = "pests"
DECIMAL = "a decimal number as a string (exact, as stored)"


def _text(value: Decimal | None) -> str | None:
    return None if value is None else f"{Decimal(value):f}"


# --- rounds -----------------------------------------------------------------------------------

class RoundOut(BaseModel):
    id: int
    township_id: int
    name: str
    pests: list[str] = Field(description="What the round controls: " + ", ".join(ROUND_PESTS))
    season: str = Field(description=", ".join(SEASONS))
    starts_on: date
    ends_on: date
    status: RoundStatus = Field(description="planned (drafted; targets do not see it), announced (targets "
                                            "record their work), closed, cancelled")
    method: str
    product_id: int | None = Field(description="The pesticide the round uses (the supplies ledger's product)")
    dose: str
    unified_rules: list[str] = Field(description="Which of the five unified rules (五统一) the round keeps: "
                                                 "organisation, time, method, product, standard")
    coverage_goal: str = Field(description="Percent of each target to cover; " + DECIMAL)
    by_area: bool = Field(description="True for a snail round: it counts area treated, not households")
    announced_at: datetime | None
    closed_at: datetime | None


class WorkOut(BaseModel):
    id: int
    target_id: int
    village_id: int
    unit_id: int | None
    kind: WorkKind = Field(description="completion (the round's work) or mop_up (补投/补喷 of what was missed)")
    done_on: date
    households_covered: int | None = Field(description="Households (a village) or places (a unit) covered")
    area_covered: str | None = Field(description="Area sprayed or snail habitat treated, in the target's "
                                                 "area_unit; " + DECIMAL)
    baits_placed: int | None
    product_id: int | None
    quantity_used: str | None = Field(description="In the product's unit; " + DECIMAL)
    done_by: str
    note: str
    entered_at: datetime


class TargetOut(BaseModel):
    id: int
    village_id: int
    unit_id: int | None = Field(description="Set when the target is a unit (its village is village_id)")
    households_target: int | None = Field(description="Households (a village) or places (a unit) to cover")
    area_target: str | None = Field(description="Snail habitat to treat (snail rounds); " + DECIMAL)
    area_unit: str | None = Field(description="mu or m2")
    households_covered: int
    area_covered: str = Field(description=DECIMAL)
    coverage_percent: str | None = Field(description="Covered as a percent of the target, capped at 100; "
                                                     "null when the target has no number; " + DECIMAL)
    behind: bool = Field(description="Below the round's goal (or no work) once the round is announced and started")
    works: int
    mop_ups: int
    open_refusals: int = Field(description="Households that refused and no mop-up has covered yet")
    last_done_on: date | None
    work: list[WorkOut] = Field(description="Its work records, oldest first")


class RoundDetailOut(RoundOut):
    targets: list[TargetOut] = Field(description="The targets the reader may see, those behind first")


class RoundQuery(DatedPageQuery):
    """village_id: rounds that reach the village (or a unit in it); the days: rounds whose
    period (starts_on to ends_on) overlaps them."""

    status: RoundStatus | None = Field(None, description="Only rounds of this status")
    pest: str | None = Field(None, pattern="^(" + "|".join(ROUND_PESTS) + ")$",
                             description="Only rounds that control this pest")


def _round(row: PestRound) -> RoundOut:
    return RoundOut(**_round_fields(row))


def _round_fields(row: PestRound) -> dict[str, Any]:
    return {"id": row.id, "township_id": row.township_id, "name": row.name, "pests": list(row.pests),
            "season": row.season, "starts_on": row.starts_on, "ends_on": row.ends_on,
            "status": RoundStatus(row.status), "method": row.method, "product_id": row.product_id,
            "dose": row.dose, "unified_rules": list(row.unified_rules or []),
            "coverage_goal": _text(row.coverage_goal), "by_area": row.by_area,
            "announced_at": row.announced_at, "closed_at": row.closed_at}


def _work(row: RoundWork) -> WorkOut:
    return WorkOut(id=row.id, target_id=row.target_id, village_id=row.village_id, unit_id=row.unit_id,
                   kind=WorkKind(row.kind), done_on=row.done_on, households_covered=row.households_covered,
                   area_covered=_text(row.area_covered), baits_placed=row.baits_placed, product_id=row.product_id,
                   quantity_used=_text(row.quantity_used), done_by=row.done_by, note=row.note,
                   entered_at=row.entered_at)


@api.operation("GET", "/pest-rounds", tag=TAG, summary="Pest control rounds (除四害)", query=RoundQuery,
               response=Page[RoundOut],
               description="The rounds the reader may see: the office its township's, a village or unit "
                           "contact the announced and closed rounds that reach it.")
def pest_rounds(query: RoundQuery) -> Page[RoundOut]:
    filters = round_queries.RoundFilters(pest=query.pest, status=query.status)
    stmt = round_queries.round_list_stmt(scope=current_scope(), filters=filters)
    if query.village_id is not None:
        stmt = stmt.where(PestRound.id.in_(sa.select(RoundTarget.round_id).where(
            RoundTarget.village_id == query.village_id)))
    if query.date_from is not None:
        stmt = stmt.where(PestRound.ends_on >= query.date_from)
    if query.date_to is not None:
        stmt = stmt.where(PestRound.starts_on <= query.date_to)
    return page_of(stmt, PestRound.id, query, _round)


@api.operation("GET", "/pest-rounds/{round_id}", tag=TAG, summary="One round: its targets, coverage and work",
               response=RoundDetailOut,
               description="Each target the reader may see (a contact: its own) with the totals the pages "
                           "show and every work record, with the coverage the pests domain computes.")
def pest_round(round_id: int) -> RoundDetailOut:
    scope = current_scope()
    row = round_queries.round_get(scope=scope, round_id=round_id)
    board = round_queries.round_board(scope=scope, pest_round=row, today=local_today())
    works: dict[int, list[WorkOut]] = defaultdict(list)
    for work in db.session.scalars(sa.select(RoundWork).where(RoundWork.round_id == row.id, scope.clause(RoundWork))
                                   .order_by(RoundWork.done_on, RoundWork.id)):
        works[work.target_id].append(_work(work))
    targets = [_target(board_row, works[board_row.coverage.target_id]) for board_row in board.rows]
    return RoundDetailOut(**_round_fields(row), targets=targets)


def _target(row: round_queries.BoardRow, work: list[WorkOut]) -> TargetOut:
    c = row.coverage
    return TargetOut(id=c.target_id, village_id=c.village_id, unit_id=c.unit_id,
                     households_target=c.households_target, area_target=_text(c.area_target),
                     area_unit=c.area_unit, households_covered=c.households_covered,
                     area_covered=_text(c.area_covered) or "0", coverage_percent=_text(c.percent),
                     behind=row.behind, works=c.works, mop_ups=c.mop_ups, open_refusals=c.open_refusals,
                     last_done_on=c.last_done_on, work=work)


def _whole(value: object) -> object:
    """JSON's 48.0 is the whole number 48 (JSON Schema counts it an integer); text stays refused."""
    return int(value) if isinstance(value, float) and value.is_integer() and abs(value) < 2**53 else value


Count = Annotated[int, Field(ge=0, le=MAX_COUNT), BeforeValidator(_whole)]
RecordId = Annotated[int, Field(ge=1, le=MAX_DB_INT), BeforeValidator(_whole)]


class WorkBody(BodyModel):
    """A target's work (or mop-up) as its village's or unit's contact, or the office, records it on
    the target's page; the same rules decide (rounds.work.work_record)."""

    client_id: str = Field(min_length=8, max_length=60, pattern=r"^[A-Za-z0-9_-]+$",
                           description="An id the client made for this record (a UUID): sending it again "
                                       "(a retry after a lost answer) gives the same record back, never a second")
    kind: WorkKind = Field(WorkKind.COMPLETION, strict=False, description="completion, or mop_up (补投/补喷)")
    done_on: date = Field(strict=False, description="Inside the round's days, not in the future (YYYY-MM-DD)")
    households_covered: Count | None = Field(None,
                                           description="Households (a village) or places (a unit); required "
                                                       "but for a snail round; no more than the target has left")
    area_covered: str | None = Field(None, max_length=14, pattern=r"^[0-9]{1,10}(\.[0-9]{1,2})?$",
                                     description="Area sprayed, or snail habitat treated (a snail round needs "
                                                 "it), in the target's area unit; a decimal number as a string")
    baits_placed: Count | None = Field(None, description="Bait piles or stations placed")
    product_id: RecordId | None = Field(None,
                                   description="The product used, issued to the target's village or unit")
    quantity_used: str | None = Field(None, max_length=14, pattern=r"^[0-9]{1,10}(\.[0-9]{1,3})?$",
                                      description="In the product's unit, no more than the holder holds; "
                                                  "a decimal number as a string")
    done_by: str = Field(min_length=1, max_length=100, description="Who did the work")
    note: str = Field("", max_length=2000)
    resolves: list[RecordId] = Field([], max_length=500,
                                description="A mop-up: the ids of the open refusals it covered")


@api.operation("POST", "/pest-rounds/{round_id}/targets/{target_id}/work", tag=TAG,
               summary="Record a target's work or mop-up", body=WorkBody, response=WorkOut, status=201,
               extra_responses={200: WorkOut},
               description="While the round is announced, by the target's own contacts or the township's "
                           "office: what it covered and used (drawn from the holder's supplies). Photos are "
                           "added on the page. 201: recorded; 200: this client_id was recorded before (the "
                           "same record); 409 client_id_taken: the id names another record; 422: refused, "
                           "with each field's reason (a round not announced, a day outside it, more than "
                           "the target has left, a product not held...).")
def pest_round_work(round_id: int, target_id: int, body: WorkBody):
    scope = current_scope()
    round_, target = work_queries.target_get(scope=scope, round_id=round_id, target_id=target_id)
    key = "api:" + body.client_id
    earlier = db.session.scalar(sa.select(RoundWork.id).where(RoundWork.request_key == key))
    data = parse_input(WorkInput, {**body.model_dump(exclude={"client_id"}), "request_key": key},
                       invalid=round_work.WorkRefused)
    work = round_work.work_record(scope=scope, user_id=current_user.id, round_=round_, target=target, data=data,
                                  photos=[], store=photo_store(), limits=photo_limits(), now=now_utc())
    if work.target_id != target.id or work.entered_by_id != current_user.id:
        raise ClientIdTaken("This client id already names another record; make a new id for a new one.")
    db.session.commit()
    return _work(work), 200 if earlier is not None else 201


# --- monitoring -------------------------------------------------------------------------------

class LevelOut(BaseModel):
    level: str | None = Field(description="The density control level the survey reaches: A, B or C (best "
                                          "first), 'below' (below C), or the edition's own (pass); null when "
                                          "the method's counts grade no indicator of the standard")
    standard: str | None = Field(description="The edition that graded it, e.g. GB/T 27771-2011")
    meets_required: bool | None = Field(description="The level reaches what a hygienic town needs (C or better)")
    fell_back_from: str | None = Field(description="The edition in force on the survey day when it has no "
                                                   "thresholds yet, so an earlier one graded the survey")


class MonitoringOut(BaseModel):
    id: int
    township_id: int
    village_id: int
    unit_id: int | None = Field(description="The unit surveyed, when the survey was of one unit of the village")
    pest: str = Field(description=", ".join(PESTS))
    method: str = Field(description="The survey method's key (standards/methods.yaml)")
    surveyed_on: date
    counts: dict[str, int | float] = Field(description="The raw counts as entered, by field name")
    index: str | None = Field(description="The method's own index (capture rate, Breteau index, ...); " + DECIMAL
                                          + "; null when the counts give none")
    index_kind: str | None = Field(description="Which index `index` is (the method's index key)")
    risk: str | None = Field(description="The dengue risk band of a Breteau index; null for other methods")
    control: LevelOut
    note: str
    entered_at: datetime


class MonitoringQuery(DatedPageQuery):
    """The days: the survey day."""

    pest: str | None = Field(None, pattern="^(" + "|".join(PESTS) + ")$", description="Only surveys of this pest")


def _monitoring(record: MonitoringRecord) -> MonitoringOut:
    method = surveys.method_of(record.pest, record.method)
    try:
        index = surveys.method_index(method, record.counts) if method else None
    except Refused:
        index = None
    risk = breteau_risk(index).key if method and method.key == "breteau" and index is not None else None
    grading = surveys.grade_survey(record.pest, record.surveyed_on, record.counts)
    level = grading.level
    control = LevelOut(level=level.level if level else None,
                       standard=_edition(grading.edition) if level else None,
                       meets_required=level.meets_required if level else None,
                       fell_back_from=_edition(grading.fell_back_from))
    return MonitoringOut(id=record.id, township_id=record.township_id, village_id=record.village_id,
                         unit_id=record.unit_id, pest=record.pest, method=record.method,
                         surveyed_on=record.surveyed_on, counts=dict(record.counts), index=_text(index),
                         index_kind=method.index if method else None, risk=risk, control=control,
                         note=record.note, entered_at=record.entered_at)


def _edition(edition) -> str | None:
    return f"{edition.standard}-{edition.edition}" if edition is not None else None


def _monitoring_scope():
    scope = current_scope()
    if not scope.sees_pest_monitoring:
        raise Forbidden("")
    return scope


@api.operation("GET", "/pest-monitoring", tag=TAG, summary="Vector density monitoring records (病媒生物密度监测)",
               query=MonitoringQuery, response=Page[MonitoringOut],
               description="The office reads its township's surveys, a village contact its village's; a unit "
                           "contact reads none (403), as on the pages.")
def pest_monitoring_list(query: MonitoringQuery) -> Page[MonitoringOut]:
    filters = monitoring_queries.MonitoringFilters(pest=query.pest)
    stmt = monitoring_queries.record_list_stmt(scope=_monitoring_scope(), filters=filters)
    stmt = dated(stmt, query, village_column=MonitoringRecord.village_id, date_column=MonitoringRecord.surveyed_on)
    return page_of(stmt, MonitoringRecord.id, query, _monitoring)


@api.operation("GET", "/pest-monitoring/{monitoring_id}", tag=TAG, summary="One monitoring record",
               response=MonitoringOut)
def pest_monitoring(monitoring_id: int) -> MonitoringOut:
    return _monitoring(monitoring_queries.record_get(scope=_monitoring_scope(), record_id=monitoring_id))
