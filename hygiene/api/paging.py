"""Cursor pages: a list is read in id order, each page after the last id of the one before, so a
page never repeats or skips a record while others are added (an offset would) and reading page
500 costs what reading page 1 costs. The cursor is the last id of the page before, as digits: a
client passes on next_cursor and never makes one up, but any cursor of that form is a valid
place to start (one past every record gives an empty last page, not an error)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel, Field

from hygiene.api.spec import QueryModel
from hygiene.core.input import MAX_DB_INT
from hygiene.extensions import db

T = TypeVar("T")
DEFAULT_LIMIT, MAX_LIMIT = 50, 200


class PageQuery(QueryModel):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Records per page (at most 200)")
    cursor: str | None = Field(None, pattern=r"^[0-9]{1,12}$",
                               description="next_cursor of the page before; leave out for the first page")


class DatedPageQuery(PageQuery):
    """A page of records that belong to a village and a day, filtered by both."""

    village_id: int | None = Field(None, ge=1, le=MAX_DB_INT, description="Only this village's records")
    date_from: date | None = Field(None, description="Only records of this day or later (YYYY-MM-DD)")
    date_to: date | None = Field(None, description="Only records of this day or earlier (YYYY-MM-DD)")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


def encode_cursor(last_id: int) -> str:
    return str(last_id)


def decode_cursor(cursor: str | None) -> int | None:
    return int(cursor) if cursor else None


def dated(stmt: sa.Select, query: DatedPageQuery, *, village_column: Any, date_column: Any) -> sa.Select:
    """The statement narrowed to the query's village and days."""
    if query.village_id is not None:
        stmt = stmt.where(village_column == query.village_id)
    if query.date_from is not None:
        stmt = stmt.where(date_column >= query.date_from)
    if query.date_to is not None:
        stmt = stmt.where(date_column <= query.date_to)
    return stmt


def page_of(stmt: sa.Select, id_column: Any, query: PageQuery, shape: Callable[[Any], T]) -> Page[T]:
    """One page of `stmt`'s rows in `id_column` order, each shaped for the answer."""
    after = decode_cursor(query.cursor)
    if after is not None:
        stmt = stmt.where(id_column > min(after, MAX_DB_INT))
    rows: Sequence[Any] = db.session.scalars(stmt.order_by(None).order_by(id_column).limit(query.limit + 1)).all()
    more = len(rows) > query.limit
    rows = rows[:query.limit]
    return Page[Any](items=[shape(row) for row in rows],
                     next_cursor=encode_cursor(rows[-1].id) if more and rows else None)
