"""Public pages rendered once and kept as bytes in the database, so every process serves them at once.

Every public page is made from published snapshots only: a township's pages from its
publications, the index from all of them. A publication never changes, and anything new (another
period, a correction) is a publication with a higher id. So a page is kept with the highest
publication id it was made from (its generation) and served only while that is still the
highest: one indexed statement and no rendering, cold or warm, in every process, and a
correction shows everywhere at once. Publishing also deletes the township's kept pages and the
index in its own transaction, so the table holds only pages that may be served again.

Each process also remembers the pages it served for PUBLIC_PAGE_RECHECK_SECONDS (1 s by default;
0 in the tests): within that second a page is sent from memory with no statement at all, so a
busy public page costs little more than a bare route, and a correction shows in every process
within a second. The memory holds at most MEMO_PAGES pages, the least recently served dropped.
"""
from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from time import monotonic
from typing import cast

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.compiler import SQLCompiler

from hygiene.clock import now_utc
from hygiene.extensions import db
from hygiene.rankings.models import PublicPage, RankingPublication

log = logging.getLogger(__name__)


def _generation(*, township: bool) -> sa.ScalarSelect[int]:
    stmt = sa.select(sa.func.coalesce(sa.func.max(RankingPublication.id), 0))
    if township:
        stmt = stmt.where(RankingPublication.township_id == sa.bindparam("township_id"))
    return stmt.scalar_subquery()


def _kept_stmt(*, township: bool) -> sa.Select:
    body = (sa.select(PublicPage.body)
            .where(PublicPage.path == sa.bindparam("path"), PublicPage.locale == sa.bindparam("locale"),
                   PublicPage.generation == _generation(township=township)).scalar_subquery())
    return sa.select(_generation(township=township), body)


# compiled once per dialect: the statement is the same on every request, only its values change
_compiled: dict[tuple[str, bool], SQLCompiler] = {}


def statements_compile(dialect: sa.engine.Dialect) -> dict[bool, SQLCompiler]:
    """The lookup of a township's page (True) and of the index (False) compiled for the dialect,
    once per process (a new process's first page, or its warm-up, hygiene/core/warmup.py)."""
    for township in (True, False):
        if (dialect.name, township) not in _compiled:
            _compiled[(dialect.name, township)] = _kept_stmt(township=township).compile(dialect=dialect)
    return {township: _compiled[(dialect.name, township)] for township in (True, False)}


def lookups_warm(connection: sa.Connection) -> None:
    """Both lookups once on a new connection (for no page), so its server process has read the
    tables' and indexes' descriptions before the first visitor asks (hygiene/core/warmup.py)."""
    for township in (True, False):
        connection.execute(_kept_stmt(township=township), {"path": "", "locale": "", "township_id": 0}).all()


MEMO_PAGES = 500


class _Memo:
    """The pages this process served lately: (checked at, generation, body) by (path, locale)."""

    def __init__(self) -> None:
        self.pages: OrderedDict[tuple[str, str], tuple[float, int, bytes]] = OrderedDict()
        self.lock = threading.Lock()


def _memo_of_app() -> _Memo:
    memo = current_app.extensions.get("public_page_memo")
    if memo is None:
        memo = current_app.extensions.setdefault("public_page_memo", _Memo())
    return memo


def page_kept(*, path: str, locale: str, township_id: int | None) -> tuple[int, bytes | None]:
    """(current generation, the kept page if it is of that generation): from this process's memory
    when it was checked within the last PUBLIC_PAGE_RECHECK_SECONDS, else in one statement."""
    recheck = float(current_app.config.get("PUBLIC_PAGE_RECHECK_SECONDS", 1.0))
    if recheck <= 0:
        return _page_read(path=path, locale=locale, township_id=township_id)
    memo, key, now = _memo_of_app(), (path, locale), monotonic()
    with memo.lock:
        remembered = memo.pages.get(key)
        if remembered is not None and now - remembered[0] < recheck:
            memo.pages.move_to_end(key)
            return remembered[1], remembered[2]
    generation, body = _page_read(path=path, locale=locale, township_id=township_id)
    if body is not None:
        with memo.lock:
            memo.pages[key] = (now, generation, body)
            memo.pages.move_to_end(key)
            while len(memo.pages) > MEMO_PAGES:
                memo.pages.popitem(last=False)
    return generation, body


def _page_read(*, path: str, locale: str, township_id: int | None) -> tuple[int, bytes | None]:
    """(current generation, the kept page if it is of that generation) in one statement."""
    township = township_id is not None
    engine = db.engine
    compiled = _compiled.get((engine.dialect.name, township))
    if compiled is None:
        compiled = statements_compile(engine.dialect)[township]
    values = compiled.construct_params({"path": path, "locale": locale, "township_id": township_id}) or {}
    args = tuple(values[k] for k in compiled.positiontup or ()) if compiled.positional else values
    # the driver's own cursor on a pooled connection, outside the session: this is the whole
    # work of a page served from here, and SQLAlchemy's per-statement machinery would cost more
    # than the statement (bench/public_pages.py)
    try:
        raw = engine.raw_connection()
        try:
            with _one_round_trip(raw.driver_connection, engine.dialect.name):
                cursor = raw.cursor()
                cursor.execute(compiled.string, args)
                generation, found = cast(tuple, cursor.fetchone())
                cursor.close()
        finally:
            raw.close()
    except (SQLAlchemyError, engine.dialect.loaded_dbapi.Error):
        # the page is then made as if never kept: its own reads meet the same trouble and answer
        # with the site's error page, as any other page would
        log.warning("kept public page %s not read", path, exc_info=True)
        return 0, None
    return generation, bytes(found) if found is not None else None


@contextmanager
def _one_round_trip(connection, dialect: str) -> Iterator[None]:
    """On PostgreSQL, the lookup outside a transaction: no BEGIN before it, no ROLLBACK after it.

    (SQLite's driver opens no transaction for a SELECT.) The pooled connection goes back as it came."""
    if dialect != "postgresql":
        yield
        return
    connection.autocommit = True
    try:
        yield
    finally:
        connection.autocommit = False


def page_keep(*, path: str, locale: str, township_id: int | None, generation: int, body: bytes) -> None:
    """Keep a rendered page in its own short transaction; a newer page of the same address wins.

    Called after the response is made: a failure (a busy database) only means the next reader
    renders the page again, so it is logged, never shown."""
    values = {"path": path, "locale": locale, "township_id": township_id, "generation": generation,
              "body": body, "rendered_at": now_utc()}
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    stmt = insert(PublicPage).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["path", "locale"], set_={k: stmt.excluded[k] for k in values if k not in ("path", "locale")},
        where=PublicPage.generation < stmt.excluded.generation)
    try:
        db.session.rollback()  # end the read (on SQLite a read cannot always turn into a write)
        db.session.execute(stmt)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.warning("public page %s not kept; it is rendered again next time", path, exc_info=True)


def pages_forget(township_id: int) -> None:
    """Delete the kept pages a new publication of the township makes stale (its own and the index)."""
    db.session.execute(sa.delete(PublicPage).where(
        sa.or_(PublicPage.township_id == township_id, PublicPage.township_id.is_(None))))
