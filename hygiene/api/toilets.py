"""Household toilet renovation (改厕) through the API: the toilets the reader may see, each with
its stage, its stage history and its acceptance."""
from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from hygiene.api.paging import DatedPageQuery, Page, dated, page_of
from hygiene.api.views import api
from hygiene.core.web import current_scope
from hygiene.errors import Forbidden
from hygiene.toilets import queries
from hygiene.toilets.kinds import TOILET_TYPES
from hygiene.toilets.models import HouseholdToilet
from hygiene.toilets.status import ToiletStage

TAG = "toilets"
STAGES = ("surveyed (摸底), planned (type and site chosen), building (under construction), completed "
          "(awaiting acceptance), failed (failed acceptance), accepted, paid (subsidy paid), excluded "
          "(does not qualify)")


class HouseholdOut(BaseModel):
    id: int
    group_name: str = Field(description="The village group (村民小组)")
    head_name: str = Field(description="The head of the household")


class AcceptanceOut(BaseModel):
    inspection_id: int | None = Field(description="The acceptance inspection asked for (an inspection with the "
                                                  "acceptance checklist); null when none was asked for yet")
    accepted_on: date | None
    failed_reasons: list[str] = Field(description="Why the latest acceptance failed, as recorded "
                                                  "(the failed checklist items); empty otherwise")
    reworks: int = Field(description="How many times it went back to construction after a failed acceptance")


class ToiletOut(BaseModel):
    id: int
    township_id: int
    village_id: int
    task_id: int = Field(description="The village's renovation task of the year")
    household: HouseholdOut
    toilet_type: str | None = Field(description="The toilet type's key, chosen at planning: "
                                                + ", ".join(TOILET_TYPES))
    attached: bool | None = Field(description="Built into the house (附建式) or standing apart (独立式)")
    demonstration: bool = Field(description="A demonstration household (示范户)")
    stage: ToiletStage = Field(description=STAGES)
    stage_on: date = Field(description="The day of the latest stage change")
    completed_on: date | None
    acceptance: AcceptanceOut
    subsidy_amount: str | None = Field(description="Yuan, a decimal number as a string; null until paid")
    subsidy_paid_on: date | None
    created_at: datetime


class StageOut(BaseModel):
    id: int
    from_stage: ToiletStage | None = Field(description="null for the survey that opened the record")
    to_stage: ToiletStage
    happened_on: date
    reasons: list[str] = Field(description="A failed acceptance's reasons, as recorded")
    note: str
    photo_ids: list[int] = Field(description="The stage's photos (the buried tank before it is covered, ...)")


class ToiletDetailOut(ToiletOut):
    stages: list[StageOut] = Field(description="Every stage change, oldest first")


class ToiletQuery(DatedPageQuery):
    """The days: the day of the latest stage change (stage_on)."""

    stage: ToiletStage | None = Field(None, description="Only toilets at this stage")
    toilet_type: str | None = Field(None, pattern="^(" + "|".join(TOILET_TYPES) + ")$",
                                    description="Only toilets of this type")


def _fields(row: HouseholdToilet) -> dict:
    household = row.household
    return {"id": row.id, "township_id": row.township_id, "village_id": row.village_id, "task_id": row.task_id,
            "household": HouseholdOut(id=household.id, group_name=household.group_name,
                                      head_name=household.head_name),
            "toilet_type": row.toilet_type, "attached": row.attached, "demonstration": row.demonstration,
            "stage": ToiletStage(row.stage), "stage_on": row.stage_on, "completed_on": row.completed_on,
            "acceptance": AcceptanceOut(inspection_id=row.acceptance_inspection_id, accepted_on=row.accepted_on,
                                        failed_reasons=list(row.failed_reasons or []), reworks=row.reworks),
            "subsidy_amount": f"{row.subsidy_amount:f}" if row.subsidy_amount is not None else None,
            "subsidy_paid_on": row.subsidy_paid_on, "created_at": row.created_at}


def _scope():
    scope = current_scope()
    if not scope.sees_toilets:
        raise Forbidden("")
    return scope


@api.operation("GET", "/toilets", tag=TAG, summary="Household toilets (改厕)", query=ToiletQuery,
               response=Page[ToiletOut],
               description="The office reads its township's, a village contact its village's; a unit contact "
                           "has no toilets (403), as on the pages.")
def toilets(query: ToiletQuery) -> Page[ToiletOut]:
    filters = queries.ToiletFilters(stage=query.stage, toilet_type=query.toilet_type)
    stmt = queries.toilet_list_stmt(scope=_scope(), filters=filters)
    stmt = dated(stmt, query, village_column=HouseholdToilet.village_id, date_column=HouseholdToilet.stage_on)
    return page_of(stmt, HouseholdToilet.id, query, lambda row: ToiletOut(**_fields(row)))


@api.operation("GET", "/toilets/{toilet_id}", tag=TAG, summary="One household toilet with its stages",
               response=ToiletDetailOut)
def toilet(toilet_id: int) -> ToiletDetailOut:
    row = queries.toilet_get(scope=_scope(), toilet_id=toilet_id)
    stages = [StageOut(id=entry.event.id,
                       from_stage=ToiletStage(entry.event.from_stage) if entry.event.from_stage else None,
                       to_stage=ToiletStage(entry.event.to_stage), happened_on=entry.event.happened_on,
                       reasons=list(entry.event.reasons or []), note=entry.event.note,
                       photo_ids=[photo.id for photo in entry.photos])
              for entry in queries.history(row)]
    return ToiletDetailOut(**_fields(row), stages=stages)
