"""One page of a list page's rows, and how many there are in all, counted up to COUNT_CAP.

Counting every row of a county's list (100,000 inspections) cost more than the rest of the page,
and nobody pages that far: past COUNT_CAP rows the count stops and the page says "more than
10000". Paging still goes to every page there is: each page reads one row more than it shows, so
"Next" appears exactly when a next page exists, and an address past the end (an old link) is
counted exactly, once, to find the last page.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import lazyload

from hygiene.extensions import db

COUNT_CAP = 10_000


@dataclass(frozen=True)
class ListPage:
    """The rows of one page; `total` is exact unless `more` (then the list has more than `total`)."""

    items: list[Any]
    page: int
    per_page: int
    total: int
    more: bool
    has_next: bool

    @property
    def pages(self) -> int | None:
        """How many pages there are; None when the count stopped at the cap."""
        return None if self.more else max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    def __iter__(self):
        return iter(self.items)


def list_page(stmt: sa.Select, *, page: int, per_page: int, cap: int | None = None) -> ListPage:
    """Page `page` of `stmt`'s rows (the last page when `page` is past the end), counted up to
    `cap` rows (COUNT_CAP by default)."""
    cap = COUNT_CAP if cap is None else cap
    items, has_next = _rows(stmt, page=page, per_page=per_page)
    if page > 1 and not items:   # past the end: the last page there is
        total = rows_count(stmt)
        page = max(1, math.ceil(total / per_page))
        items, has_next = _rows(stmt, page=page, per_page=per_page)
        return ListPage(items, page, per_page, total, False, has_next)
    counted = rows_count(stmt, cap=cap)
    if not has_next:   # the last page: the rows before it and its own are all there are
        return ListPage(items, page, per_page, (page - 1) * per_page + len(items), False, False)
    return ListPage(items, page, per_page, min(counted, cap), counted > cap, has_next)


def rows_count(stmt: sa.Select, *, cap: int | None = None) -> int:
    """How many rows `stmt` gives; with a cap, at most cap + 1 of them are counted."""
    if _distinct(stmt):   # its columns decide which rows are the same: count them as they are
        inner = stmt.options(lazyload("*")).order_by(None)
    else:
        # the rows' columns are not needed to count them: with a constant in their place the
        # database reads no more than the filter needs (a county's capped count: 3.8 -> 1.2 ms)
        inner = stmt.with_only_columns(sa.literal(1), maintain_column_froms=True).order_by(None)
    if cap is not None:
        inner = inner.limit(cap + 1)
    return int(db.session.execute(sa.select(sa.func.count()).select_from(inner.subquery())).scalar() or 0)


def _distinct(stmt: sa.Select) -> bool:
    # SQLAlchemy keeps SELECT DISTINCT (ON) as these attributes; no public reader exists
    return bool(getattr(stmt, "_distinct", True) or getattr(stmt, "_distinct_on", ()))


def _rows(stmt: sa.Select, *, page: int, per_page: int) -> tuple[list[Any], bool]:
    """The page's rows, and whether another row follows them (read one row more than shown)."""
    rows = list(db.session.execute(stmt.limit(per_page + 1).offset((page - 1) * per_page)).unique().scalars())
    return rows[:per_page], len(rows) > per_page
