"""Reads for the public ranking pages: published snapshots only, in one or two queries a page."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from hygiene.core.periods import parse_period
from hygiene.extensions import db
from hygiene.places.models import Township
from hygiene.rankings.models import RankingPublication as Publication

VILLAGES = "villages"
_KINDS = ("month", "quarter", "year")


@dataclass(frozen=True)
class Issue:
    """One publication, without its rows."""

    id: int
    subject: str
    period_key: str
    published_at: datetime
    corrects_id: int | None
    note: str


@dataclass(frozen=True)
class TownshipIssues:
    """A township's name and every publication it has made, newest first."""

    township_id: int
    name: str
    issues: list[Issue]

    def current(self, subject: str, period_key: str) -> Issue | None:
        """The latest publication of the period: a correction replaces what it corrects."""
        return next((i for i in self.issues if (i.subject, i.period_key) == (subject, period_key)), None)

    def periods(self, subject: str = VILLAGES) -> list[str]:
        """The periods published for the subject, newest first."""
        return _newest_first({i.period_key for i in self.issues if i.subject == subject})

    def subjects(self, period_key: str) -> list[str]:
        """The subjects published for the period: villages first, then unit categories."""
        found = {i.subject for i in self.issues if i.period_key == period_key}
        return sorted(found, key=lambda s: (s != VILLAGES, s))

    def latest_period(self) -> str | None:
        """The newest period with a village ranking, or with any ranking when there is none."""
        return next(iter(self.periods() or _newest_first({i.period_key for i in self.issues})), None)


@dataclass(frozen=True)
class Snapshot:
    rows: list[dict]
    red_list: list[dict]
    black_list: list[dict]


@dataclass(frozen=True)
class TrendPoint:
    period_key: str
    row: dict | None          # the village's snapshot row, None when it was not in that ranking
    ranked_count: int


@dataclass(frozen=True)
class Trend:
    township_name: str
    village_name: str         # as the newest snapshot that lists the village spells it
    kind: str                 # month | quarter | year
    kinds: list[str]          # every kind the township has published
    points: list[TrendPoint]  # oldest first


def published_townships() -> list[tuple[int, str, str]]:
    """(id, name, latest village period) of each township with a published village ranking."""
    stmt = (sa.select(Township.id, Township.name, Publication.period_key).distinct()
            .join(Publication, Publication.township_id == Township.id)
            .where(Publication.subject == VILLAGES))
    latest: dict[tuple[int, str], str] = {}
    for township_id, name, key in db.session.execute(stmt):
        known = latest.get((township_id, name))
        latest[(township_id, name)] = key if known is None else max(known, key, key=_order)
    return sorted(((tid, name, key) for (tid, name), key in latest.items()), key=lambda t: t[1])


def township_issues(township_id: int) -> TownshipIssues | None:
    """The township and its publications (no rows) in one query; None when it has published nothing."""
    stmt = (sa.select(Township.name, Publication.id, Publication.subject, Publication.period_key,
                      Publication.published_at, Publication.corrects_id, Publication.note)
            .join(Publication, Publication.township_id == Township.id)
            .where(Township.id == township_id).order_by(Publication.id.desc()))
    found = db.session.execute(stmt).all()
    if not found:
        return None
    return TownshipIssues(township_id, found[0].name, [Issue(*row[1:]) for row in found])


def publication_snapshot(publication_id: int) -> Snapshot:
    """The frozen rows and lists of one publication."""
    stmt = sa.select(Publication.rows, Publication.red_list, Publication.black_list).where(
        Publication.id == publication_id)
    return Snapshot(*db.session.execute(stmt).one())


def village_trend(*, township_id: int, village_id: int, kind: str | None = None) -> Trend | None:
    """The village's rows in the current village ranking of each period, in one query.

    Only periods of one kind (the newest period's, unless `kind` is given) make the trend; periods
    before the village first appears are left out. None when it never appears.
    """
    latest = (sa.select(sa.func.max(Publication.id)).where(
        Publication.township_id == township_id, Publication.subject == VILLAGES)
        .group_by(Publication.period_key))
    stmt = (sa.select(Township.name, Publication.period_key, Publication.rows)
            .join(Publication, Publication.township_id == Township.id)
            .where(Publication.id.in_(latest)))
    found = sorted(db.session.execute(stmt).all(), key=lambda r: _order(r.period_key))
    kinds = sorted({parse_period(r.period_key).kind for r in found}, key=_KINDS.index)
    kind = kind or (parse_period(found[-1].period_key).kind if found else None)
    points = [TrendPoint(r.period_key, next((row for row in r.rows if row["id"] == village_id), None),
                         sum(1 for row in r.rows if row["rank"]))
              for r in found if parse_period(r.period_key).kind == kind]
    first = next((i for i, p in enumerate(points) if p.row is not None), None)
    if first is None:
        return None
    name = next(p.row["name"] for p in reversed(points) if p.row is not None)
    return Trend(found[0].name, name, kind, kinds, points[first:])


def _order(key: str) -> tuple:
    """Sort key: by the period's last day; on the same last day a month is newer than its quarter."""
    period = parse_period(key)
    return period.end, period.start


def _newest_first(keys: set[str]) -> list[str]:
    return sorted(keys, key=_order, reverse=True)
