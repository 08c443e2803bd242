"""Reads of creation: the applications and titles list, and the board of the year's targets
against applications and named titles (one query, aggregated in SQL)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from hygiene.access.scope import Scope
from hygiene.creation.kinds import pairs
from hygiene.creation.models import CreationApplication, CreationTarget
from hygiene.creation.status import HELD, IN_PROGRESS, CreationStatus
from hygiene.extensions import db
from hygiene.places.models import Unit, Village


@dataclass(frozen=True)
class BoardRow:
    kind: str
    level: str
    target: int
    reward: Decimal | None
    applied: int          # applications of the year, rejected ones included
    in_progress: int
    named: int            # named in the year
    rejected: int
    held: int             # titles of this level that stand today, whatever the year

    @property
    def short(self) -> int:
        return max(self.target - self.named, 0)

    @property
    def percent(self) -> int | None:
        return None if self.target <= 0 else min(100, round(100 * self.named / self.target))


def board(*, scope: Scope, year: int) -> list[BoardRow]:
    """Each kind and level (kinds.yaml order): the year's target and reward, the applications
    of the year by where they stand, those named in the year, and the titles held now."""
    a = CreationApplication
    named_in_year = a.named_on.between(date(year, 1, 1), date(year, 12, 31))
    counts = (sa.select(a.kind.label("kind"), a.level.label("level"), sa.literal(0).label("target"),
                        sa.literal(None, sa.Numeric(12, 2)).label("reward"),
                        sa.func.count().filter(a.year == year).label("applied"),
                        sa.func.count().filter(a.year == year, a.status.in_(IN_PROGRESS)).label("in_progress"),
                        sa.func.count().filter(named_in_year).label("named"),
                        sa.func.count().filter(a.year == year, a.status == CreationStatus.REJECTED).label("rejected"),
                        sa.func.count().filter(a.status.in_(HELD)).label("held"))
              .where(scope.clause(a)).group_by(a.kind, a.level))
    zero = sa.literal(0)
    targets = (sa.select(CreationTarget.kind, CreationTarget.level, CreationTarget.target, CreationTarget.reward,
                         zero, zero, zero, zero, zero)
               .where(scope.clause(CreationTarget), CreationTarget.year == year))
    both = sa.union_all(counts, targets).subquery()
    stmt = (sa.select(both.c.kind, both.c.level, sa.func.sum(both.c.target), sa.func.max(both.c.reward),
                      *(sa.func.sum(both.c[name]) for name in ("applied", "in_progress", "named", "rejected", "held")))
            .group_by(both.c.kind, both.c.level))
    found = {(kind, level): BoardRow(kind, level, int(t or 0), reward, *(int(n or 0) for n in rest))
             for kind, level, t, reward, *rest in db.session.execute(stmt)}
    rows = [found.pop((kind.key, level.key), BoardRow(kind.key, level.key, 0, None, 0, 0, 0, 0, 0))
            for kind, level in pairs()]
    return rows + sorted(found.values(), key=lambda r: (r.kind, r.level))  # kinds the data no longer has


def applications(*, scope: Scope, year: int | None = None, status: str | None = None,
                 kind: str | None = None) -> sa.Select:
    """The scope's applications and titles, their village and unit loaded in the same query, newest first."""
    a = CreationApplication
    stmt = (sa.select(a).options(joinedload(a.village), joinedload(a.unit)).where(scope.clause(a))
            .order_by(a.year.desc(), a.applied_on.desc(), a.id.desc()))
    if year is not None:
        stmt = stmt.where(a.year == year)
    if status is not None:
        stmt = stmt.where(a.status == status)
    if kind is not None:
        stmt = stmt.where(a.kind == kind)
    return stmt


def applicant_choices(scope: Scope) -> list[tuple[str, str]]:
    """What the scope may apply for: its villages (v<id>) and units (u<id>), by name."""
    choices: list[tuple[str, str]] = []
    if scope.township_wide or scope.village_id is not None:
        village_where = [scope.clause(Village), Village.active.is_(True)]
        if not scope.township_wide:
            village_where.append(Village.id == scope.village_id)
        choices += [(f"v{vid}", name) for vid, name in db.session.execute(
            sa.select(Village.id, Village.name).where(*village_where).order_by(Village.name))]
    units = (sa.select(Unit.id, Village.name, Unit.name).join(Village, Village.id == Unit.village_id)
             .where(scope.clause(Unit), Unit.active.is_(True)).order_by(Village.name, Unit.name))
    choices += [(f"u{uid}", f"{village} · {unit}") for uid, village, unit in db.session.execute(units)]
    return choices
