"""Reads of household toilets and public toilet projects, always within the reader's scope."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from hygiene.access.scope import Scope
from hygiene.core.input import optional_int
from hygiene.core.web import FilterReader
from hygiene.errors import NotFound
from hygiene.extensions import db
from hygiene.media.models import Photo
from hygiene.places.models import Household, Village
from hygiene.toilets.group_order import group_key
from hygiene.toilets.kinds import TOILET_TYPES
from hygiene.toilets.models import HouseholdToilet, PublicToiletProject, ToiletStageEvent, ToiletTask
from hygiene.toilets.status import ToiletStage


@dataclass(frozen=True)
class ToiletFilters:
    village_id: int | None = None
    stage: str | None = None
    toilet_type: str | None = None
    year: int | None = None


def read_filters(args) -> tuple[ToiletFilters, list[str]]:
    """The list's filters from a query string, and the names of those that could not be read."""
    reader = FilterReader(args)
    pick = reader.pick

    def year(raw: str) -> int | None:
        value = optional_int(raw)
        return value if value is not None and 2000 <= value <= 2100 else None

    filters = ToiletFilters(
        village_id=pick("village_id", optional_int),
        stage=pick("stage", lambda raw: raw if ToiletStage.known(raw) else None),
        toilet_type=pick("type", lambda raw: raw if raw in TOILET_TYPES else None),
        year=pick("year", year))
    return filters, reader.unread


def toilet_list_stmt(*, scope: Scope, filters: ToiletFilters) -> sa.Select:
    """Household toilets, by village, group and head of household (the household loaded)."""
    t = HouseholdToilet
    stmt = (sa.select(t).join(Household, Household.id == t.household_id).join(Village, Village.id == t.village_id)
            .where(scope.clause(t)).options(joinedload(t.household), joinedload(t.village))
            .order_by(Village.name, Household.group_name, Household.head_name, t.id))
    if filters.village_id is not None:
        stmt = stmt.where(t.village_id == filters.village_id)
    if filters.stage:
        stmt = stmt.where(t.stage == filters.stage)
    if filters.toilet_type:
        stmt = stmt.where(t.toilet_type == filters.toilet_type)
    if filters.year is not None:
        stmt = stmt.where(t.task_id.in_(sa.select(ToiletTask.id).where(ToiletTask.year == filters.year)))
    return stmt


def public_list_stmt(*, scope: Scope, filters: ToiletFilters) -> sa.Select:
    p = PublicToiletProject
    stmt = (sa.select(p).join(Village, Village.id == p.village_id).where(scope.clause(p))
            .options(joinedload(p.village)).order_by(Village.name, p.name, p.id))
    if filters.village_id is not None:
        stmt = stmt.where(p.village_id == filters.village_id)
    if filters.stage:
        stmt = stmt.where(p.stage == filters.stage)
    if filters.year is not None:
        stmt = stmt.where(p.task_id.in_(sa.select(ToiletTask.id).where(ToiletTask.year == filters.year)))
    return stmt


def toilet_get(*, scope: Scope, toilet_id: int) -> HouseholdToilet:
    toilet = db.session.scalar(sa.select(HouseholdToilet).where(
        HouseholdToilet.id == toilet_id, scope.clause(HouseholdToilet)))
    if toilet is None:
        raise NotFound("toilet not found")
    return toilet


def public_get(*, scope: Scope, project_id: int) -> PublicToiletProject:
    project = db.session.scalar(sa.select(PublicToiletProject).where(
        PublicToiletProject.id == project_id, scope.clause(PublicToiletProject)))
    if project is None:
        raise NotFound("project not found")
    return project


@dataclass(frozen=True)
class HistoryEntry:
    event: ToiletStageEvent
    photos: list[Photo]


def history(record: HouseholdToilet | PublicToiletProject) -> list[HistoryEntry]:
    """The record's stage events, oldest first, each with its photos (two queries)."""
    e = ToiletStageEvent
    owner = e.toilet_id if isinstance(record, HouseholdToilet) else e.public_toilet_id
    events = list(db.session.scalars(sa.select(e).where(owner == record.id).order_by(e.created_at, e.id)))
    photos: dict[int, list[Photo]] = {}
    if events:
        for photo in db.session.scalars(sa.select(Photo).where(
                Photo.toilet_event_id.in_([ev.id for ev in events])).order_by(Photo.id)):
            photos.setdefault(photo.toilet_event_id or 0, []).append(photo)
    return [HistoryEntry(ev, photos.get(ev.id, [])) for ev in events]


def villages_with_task(scope: Scope, year: int) -> list[Village]:
    """The scope's villages that have a renovation task for the year."""
    return list(db.session.scalars(sa.select(Village).join(ToiletTask, ToiletTask.village_id == Village.id).where(
        ToiletTask.year == year, scope.clause(Village)).order_by(Village.name, Village.id)))


def households_to_survey(scope: Scope, village_id: int) -> list[Household]:
    """The village's register households that have no toilet record yet, groups in their natural
    order (一组, 二组, 三组 ...)."""
    households = db.session.scalars(sa.select(Household).where(
        Household.village_id == village_id, scope.clause(Household), Household.active.is_(True),
        ~sa.exists().where(HouseholdToilet.household_id == Household.id))
        .order_by(Household.group_name, Household.head_name, Household.id))
    return sorted(households, key=lambda h: group_key(h.group_name))  # stable: head, id within a group


def task_years(scope: Scope) -> list[int]:
    return list(db.session.scalars(sa.select(ToiletTask.year).where(scope.clause(ToiletTask))
                                   .distinct().order_by(ToiletTask.year.desc())))
