"""The register through the API: townships, villages and units the token's user may read."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from pydantic import BaseModel, Field

from hygiene.api.paging import Page, PageQuery, page_of
from hygiene.api.views import api
from hygiene.core.input import MAX_DB_INT
from hygiene.core.web import current_scope
from hygiene.places import kinds
from hygiene.places.models import Township, Unit, Village
from hygiene.places.queries import record_get
from hygiene.places.rules import UNIT_CATEGORIES

TAG = "register"


class TownshipOut(BaseModel):
    id: int
    name: str
    kind: str = Field(description="township (乡镇) or street (街道)")
    active: bool
    updated_at: datetime


class VillageOut(BaseModel):
    id: int
    township_id: int
    name: str
    kind: str = Field(description="village (行政村) or community (社区)")
    contact_name: str
    contact_phone: str
    active: bool
    updated_at: datetime


class UnitOut(BaseModel):
    id: int
    village_id: int
    name: str
    category: str = Field(description="The unit's category code (catering, school_canteen, market, ...)")
    address: str
    contact_name: str
    contact_phone: str
    active: bool
    updated_at: datetime


class RegisterQuery(PageQuery):
    active: bool | None = Field(None, description="Only active (true) or switched-off (false) records")


class VillageQuery(RegisterQuery):
    township_id: int | None = Field(None, ge=1, le=MAX_DB_INT)


class UnitQuery(RegisterQuery):
    village_id: int | None = Field(None, ge=1, le=MAX_DB_INT)
    category: str | None = Field(None, max_length=30, description="A category code")


def _township(row: Township) -> TownshipOut:
    return TownshipOut.model_validate(row, from_attributes=True)


def _village(row: Village) -> VillageOut:
    return VillageOut.model_validate(row, from_attributes=True)


def _unit(row: Unit) -> UnitOut:
    return UnitOut.model_validate(row, from_attributes=True)


def _active(stmt: sa.Select, model, query: RegisterQuery) -> sa.Select:
    return stmt if query.active is None else stmt.where(model.active.is_(query.active))


@api.operation("GET", "/townships", tag=TAG, summary="Townships", query=RegisterQuery,
               response=Page[TownshipOut])
def townships(query: RegisterQuery) -> Page[TownshipOut]:
    stmt = sa.select(Township).where(current_scope().clause(Township))
    return page_of(_active(stmt, Township, query), Township.id, query, _township)


@api.operation("GET", "/townships/{township_id}", tag=TAG, summary="One township", response=TownshipOut)
def township(township_id: int) -> TownshipOut:
    return _township(record_get(kind=kinds.TOWNSHIPS, scope=current_scope(), record_id=township_id))


@api.operation("GET", "/villages", tag=TAG, summary="Villages and communities", query=VillageQuery,
               response=Page[VillageOut])
def villages(query: VillageQuery) -> Page[VillageOut]:
    stmt = sa.select(Village).where(current_scope().clause(Village))
    if query.township_id is not None:
        stmt = stmt.where(Village.township_id == query.township_id)
    return page_of(_active(stmt, Village, query), Village.id, query, _village)


@api.operation("GET", "/villages/{village_id}", tag=TAG, summary="One village", response=VillageOut)
def village(village_id: int) -> VillageOut:
    return _village(record_get(kind=kinds.VILLAGES, scope=current_scope(), record_id=village_id))


@api.operation("GET", "/units", tag=TAG, summary="Units (restaurants, canteens, markets, shops, ...)",
               query=UnitQuery, response=Page[UnitOut],
               description="Categories: " + ", ".join(UNIT_CATEGORIES))
def units(query: UnitQuery) -> Page[UnitOut]:
    stmt = sa.select(Unit).where(current_scope().clause(Unit))
    if query.village_id is not None:
        stmt = stmt.where(Unit.village_id == query.village_id)
    if query.category:
        stmt = stmt.where(Unit.category == query.category)
    return page_of(_active(stmt, Unit, query), Unit.id, query, _unit)


@api.operation("GET", "/units/{unit_id}", tag=TAG, summary="One unit", response=UnitOut)
def unit(unit_id: int) -> UnitOut:
    return _unit(record_get(kind=kinds.UNITS, scope=current_scope(), record_id=unit_id))
