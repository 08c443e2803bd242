"""Published rankings through the API: the frozen snapshots the public pages show, to anyone,
with no token (a ranking is published to be read by the public; nothing unpublished is kept in
the table these operations read)."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from pydantic import BaseModel, Field

from hygiene.api.paging import Page, PageQuery, page_of
from hygiene.api.views import api
from hygiene.core.input import MAX_DB_INT
from hygiene.core.periods import parse_period
from hygiene.errors import NotFound
from hygiene.extensions import db
from hygiene.rankings.models import RankingPublication
from hygiene.rankings.public.queries import publication_snapshot

TAG = "rankings"
SUBJECT = "villages, or units:<category> (a unit category's ranking, e.g. units:catering)"


class PeriodOut(BaseModel):
    key: str = Field(description="2026-11 (a month), 2026-Q4 (a quarter), 2026 (a year)")
    kind: str = Field(description="month, quarter or year")
    start: date
    end: date = Field(description="The period's last day (inclusive)")


class PublicationOut(BaseModel):
    id: int
    township_id: int
    subject: str = Field(description=SUBJECT)
    period: PeriodOut
    published_at: datetime
    corrects_id: int | None = Field(description="The publication this one corrects; the public pages show "
                                                "the newest publication of each period and subject")
    note: str = Field(description="Why a correction was published")


class RankedRow(BaseModel):
    rank: int | None = Field(description="1 is the best; null when not ranked (see reason)")
    id: int = Field(description="The village's (or unit's) id")
    name: str = Field(description="Its name as published")
    score: str | None = Field(description="The period's score, a decimal number as a string as published; "
                                          "null without a score")
    reason: str | None = Field(description="Why it is not ranked: no_score or too_few_inspections; null "
                                           "when ranked")


class ListedRow(BaseModel):
    rank: int
    id: int
    name: str
    score: str = Field(description="A decimal number as a string, as published")


class PublicationDetailOut(PublicationOut):
    rows: list[RankedRow] = Field(description="Every village (or unit) of the ranking, in rank order, the "
                                              "unranked last")
    red_list: list[ListedRow] = Field(description="The red list (红榜): the best, best first")
    black_list: list[ListedRow] = Field(description="The black list (黑榜): the worst, worst first")


class RankingQuery(PageQuery):
    township_id: int | None = Field(None, ge=1, le=MAX_DB_INT, description="Only this township's publications")
    subject: str | None = Field(None, max_length=40, pattern=r"^(villages|units:[a-z_]{1,30})$",
                                description="Only this subject: " + SUBJECT)
    period_key: str | None = Field(None, max_length=10, pattern=r"^[0-9]{4}(-(Q[1-4]|[0-9]{2}))?$",
                                   description="Only this period (2026-11, 2026-Q4, 2026)")


def _fields(row: RankingPublication) -> dict:
    period = parse_period(row.period_key)
    return {"id": row.id, "township_id": row.township_id, "subject": row.subject,
            "period": PeriodOut(key=period.key, kind=period.kind, start=period.start, end=period.end),
            "published_at": row.published_at, "corrects_id": row.corrects_id, "note": row.note or ""}


@api.operation("GET", "/rankings", tag=TAG, summary="Published rankings (排名通报), oldest first",
               query=RankingQuery, response=Page[PublicationOut], public=True,
               description="Every published ranking of every township, as on the public pages; no token "
                           "needed. Read in id order (the order they were published).")
def rankings(query: RankingQuery) -> Page[PublicationOut]:
    stmt = sa.select(RankingPublication)
    if query.township_id is not None:
        stmt = stmt.where(RankingPublication.township_id == query.township_id)
    if query.subject:
        stmt = stmt.where(RankingPublication.subject == query.subject)
    if query.period_key:
        stmt = stmt.where(RankingPublication.period_key == query.period_key)
    return page_of(stmt, RankingPublication.id, query, lambda row: PublicationOut(**_fields(row)))


@api.operation("GET", "/rankings/{publication_id}", tag=TAG, summary="One published ranking: its frozen snapshot",
               response=PublicationDetailOut, public=True,
               description="The ranking as it was frozen when published (never recomputed): every row with "
                           "its rank and score, and the red and black lists, as the public page shows them.")
def ranking(publication_id: int) -> PublicationDetailOut:
    row = db.session.get(RankingPublication, publication_id)
    if row is None:
        raise NotFound("")  # the API's own bilingual "not found"
    snapshot = publication_snapshot(row.id)
    return PublicationDetailOut(
        **_fields(row),
        rows=[RankedRow(rank=r["rank"], id=r["id"], name=r["name"], score=r["score"], reason=r["reason"] or None)
              for r in snapshot.rows],
        red_list=[_listed(r) for r in snapshot.red_list], black_list=[_listed(r) for r in snapshot.black_list])


def _listed(row: dict) -> ListedRow:
    return ListedRow(rank=row["rank"], id=row["id"], name=row["name"], score=row["score"])
